/**
 * The records and rules behind SapODataFake: business partners, sales orders with items and
 * prices, stock rows; `$filter` (`eq`, `and`, `or`), `$top`/`$skip`, and server-side paging.
 */
import { decimalToScaled, scaledToDecimal } from '../../connectors/money';

export interface FakeAnswer {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string | string[]>;
}

export interface StoreRequest {
  method: string;
  service: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  ifMatch: string | undefined;
}

type Row = Record<string, unknown>;
interface Partner extends Row {
  BusinessPartner: string;
  OrganizationBPName1: string;
  OrganizationBPName2: string;
  BusinessPartnerIDByExtSystem: string;
  EmailAddress: string;
  Roles: string[];
}
interface Item extends Row {
  SalesOrder: string;
  SalesOrderItem: string;
  Material: string;
  RequestedQuantity: string;
  SalesDocumentRjcnReason: string;
  net: bigint;
}
interface Order extends Row {
  SalesOrder: string;
  SoldToParty: string;
  PurchaseOrderByCustomer: string;
  TransactionCurrency: string;
  items: Item[];
}

const error = (status: number, code: string, value: string): FakeAnswer => ({
  status,
  body: { error: { code, message: { lang: 'en', value } } },
});
const notFound = (type: string) => error(404, '/IWBEP/CM_MGW_RT/020', `Resource not found for segment '${type}'`);
/** The host a system behind a reverse proxy names in its `__next` links. */
export const INTERNAL_HOST = 'https://s4-internal.example:44300';

/** `Field eq 'v'` terms; a row matches when each field's value is one of the values named for it. */
function matches(filter: string | null): (row: Row) => boolean {
  const wanted = new Map<string, Set<string>>();
  for (const [, field = '', value = ''] of (filter ?? '').matchAll(/(\w+) eq '((?:[^']|'')*)'/g)) {
    wanted.set(field, (wanted.get(field) ?? new Set()).add(value.replace(/''/g, "'")));
  }
  return (row) => [...wanted].every(([field, values]) => values.has(String(row[field] ?? '')));
}

function results(d: unknown): Row[] {
  const list = (d as { results?: unknown } | undefined)?.results;
  return Array.isArray(list) ? (list as Row[]) : [];
}

export class SapFakeStore {
  readonly partners = new Map<string, Partner>();
  readonly orders = new Map<string, Order>();
  readonly stock: Row[] = [];
  /** When set, collections answer at most this many rows and link the rest with `__next`. */
  serverPageSize: number | undefined;
  private sequence = 0;

  answer(req: StoreRequest): FakeAnswer {
    const { method, path } = req;
    const key = /^(\w+)\((.*)\)(\/\w+)?$/.exec(path);
    const entitySet = key?.[1] ?? path;
    const keys = Object.fromEntries(
      [...(key?.[2] ?? '').matchAll(/(?:(\w+)=)?'((?:[^']|'')*)'/g)].map(([, name = 'id', value = '']) => [
        name,
        value,
      ]),
    );
    if (method === 'GET' && path === 'A_BusinessPartner') return this.collection(req, [...this.partners.values()]);
    if (method === 'POST' && path === 'A_BusinessPartner') return this.createPartner(req.body as Row);
    if (method === 'PATCH' && entitySet === 'A_BusinessPartner')
      return this.patch(this.partners.get(keys.id ?? ''), req);
    if (method === 'GET' && path === 'A_SalesOrder')
      return this.collection(
        req,
        [...this.orders.values()].map((o) => this.header(o)),
      );
    if (method === 'POST' && path === 'A_SalesOrder') return this.createOrder(req.body as Row);
    const order = this.orders.get(keys.id ?? keys.SalesOrder ?? '');
    if (method === 'GET' && entitySet === 'A_SalesOrder' && key?.[3] === '/to_Item')
      return order ? this.collection(req, order.items) : notFound('A_SalesOrderType');
    if (method === 'GET' && entitySet === 'A_SalesOrder')
      return order ? { status: 200, body: { d: this.withMetadata(this.header(order)) } } : notFound('A_SalesOrderType');
    if (method === 'PATCH' && entitySet === 'A_SalesOrderItem')
      return this.patch(
        order?.items.find((i) => i.SalesOrderItem === keys.SalesOrderItem),
        req,
      );
    if (method === 'GET' && path === 'A_MatlStkInAcctMod') return this.collection(req, this.stock);
    return error(405, '/IWBEP/CM_MGW_RT/021', `${method} ${path} is not supported by the fake`);
  }

  private collection(req: StoreRequest, rows: Row[]): FakeAnswer {
    const filtered = rows.filter(matches(req.query.get('$filter')));
    const skip = Number(req.query.get('$skip') ?? 0) + Number(req.query.get('$skiptoken') ?? 0);
    const top = req.query.has('$top') ? Number(req.query.get('$top')) : filtered.length;
    let page = filtered.slice(skip, skip + top);
    let next: string | undefined;
    if (this.serverPageSize !== undefined && page.length > this.serverPageSize) {
      page = page.slice(0, this.serverPageSize);
      const query = new URLSearchParams({
        'sap-client': req.query.get('sap-client') ?? '',
        $filter: req.query.get('$filter') ?? '',
        $skiptoken: String(skip + this.serverPageSize),
      });
      next = `${INTERNAL_HOST}/sap/opu/odata/sap/${req.service}/${req.path}?${query.toString()}`;
    }
    return {
      status: 200,
      body: { d: { results: page.map((row) => this.withMetadata(row)), ...(next ? { __next: next } : {}) } },
    };
  }

  private createPartner(body: Row): FakeAnswer {
    if (body.BusinessPartner !== '') return error(400, 'R11/102', 'Business partner numbers are assigned internally');
    const address = results(body.to_BusinessPartnerAddress)[0];
    if (!address?.Country) return error(400, 'R11/401', 'Enter a country for the address');
    const partner: Partner = {
      BusinessPartner: String(1_000_000 + ++this.sequence),
      OrganizationBPName1: String(body.OrganizationBPName1 ?? ''),
      OrganizationBPName2: String(body.OrganizationBPName2 ?? ''),
      BusinessPartnerIDByExtSystem: String(body.BusinessPartnerIDByExtSystem ?? ''),
      EmailAddress: String(results(address.to_EmailAddress)[0]?.EmailAddress ?? ''),
      Roles: results(body.to_BusinessPartnerRole).map((role) => String(role.BusinessPartnerRole)),
      etag: this.etag(),
    };
    this.partners.set(partner.BusinessPartner, partner);
    return { status: 201, body: { d: this.withMetadata(partner) } };
  }

  private createOrder(body: Row): FakeAnswer {
    if (body.SalesOrder !== '') return error(400, 'V1/003', 'Sales order numbers are assigned internally');
    const soldTo = String(body.SoldToParty ?? '');
    if (!this.partners.has(soldTo))
      return error(400, 'V1/302', `Sold-to party ${soldTo} not defined for sales area 1010/10/00`);
    const items = results(body.to_Item);
    if (items.length === 0) return error(400, 'V1/555', 'The sales document is not complete: no items');
    const id = String(1000 + ++this.sequence);
    const order: Order = {
      SalesOrder: id,
      SoldToParty: soldTo,
      PurchaseOrderByCustomer: String(body.PurchaseOrderByCustomer ?? ''),
      TransactionCurrency: String(body.TransactionCurrency ?? ''),
      items: items.map((item) => {
        const rate = decimalToScaled(String(results(item.to_PricingElement)[0]?.ConditionRateValue ?? '0'), 3) ?? 0n;
        const quantity = String(item.RequestedQuantity ?? '0');
        return {
          SalesOrder: id,
          SalesOrderItem: String(item.SalesOrderItem),
          Material: String(item.Material),
          RequestedQuantity: quantity,
          SalesDocumentRjcnReason: '',
          net: rate * BigInt(quantity),
          etag: this.etag(),
        };
      }),
    };
    this.orders.set(id, order);
    return { status: 201, body: { d: this.withMetadata(this.header(order)) } };
  }

  private patch(entity: Row | undefined, req: StoreRequest): FakeAnswer {
    if (!entity) return notFound(req.path);
    if (req.ifMatch !== '*' && req.ifMatch !== entity.etag)
      return error(412, '/IWBEP/CM_MGW_RT/098', 'Precondition failed: the entity was changed in the meantime');
    Object.assign(entity, (req.body as { d?: Row } | undefined)?.d ?? req.body, { etag: this.etag() });
    return { status: 204 };
  }

  private header(order: Order): Row {
    const rejected = order.items.filter((item) => item.SalesDocumentRjcnReason !== '').length;
    return {
      SalesOrder: order.SalesOrder,
      SoldToParty: order.SoldToParty,
      PurchaseOrderByCustomer: order.PurchaseOrderByCustomer,
      TransactionCurrency: order.TransactionCurrency,
      TotalNetAmount: scaledToDecimal(
        order.items.reduce((sum, item) => sum + item.net, 0n),
        3,
      ),
      OverallSDDocumentRejectionSts: rejected === 0 ? 'A' : rejected === order.items.length ? 'C' : 'B',
    };
  }

  private withMetadata(row: Row): Row {
    const { etag, net: _net, items: _items, ...fields } = row;
    return { __metadata: { type: 'fake', ...(typeof etag === 'string' ? { etag } : {}) }, ...fields };
  }

  private etag(): string {
    return `W/"datetimeoffset'${new Date().toISOString()}-${++this.sequence}'"`;
  }
}
