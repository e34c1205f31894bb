/**
 * Business behaviour of the Odoo fake, after Odoo's sale, purchase, account and stock apps:
 * sequence names, computed totals and currencies, confirm (reserving stock), cancel (with the
 * cancel wizard Odoo 16+ returns unless `disable_cancel_warning`), posting invoices, resetting
 * them to draft and cancelling them (Odoo 17's account.move rules).
 */
import { OdooFakeError, type OdooFakeOrm, type OdooRecord } from './odoo-fake-orm';

type Method = (records: OdooRecord[], context: Record<string, unknown>) => unknown;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function odooDatetime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export class OdooFakeBusiness {
  private readonly sequences = new Map<string, number>();
  /** sale.order.line id → quant reservations made by action_confirm. */
  private readonly reservations = new Map<number, { quant: OdooRecord; quantity: number }[]>();
  readonly methods: Partial<Record<string, Partial<Record<string, Method>>>> = {
    'sale.order': {
      action_confirm: (orders) => orders.every((order) => this.confirmSale(order)),
      action_cancel: (orders, context) => this.cancelSale(orders, context),
    },
    'account.move': {
      action_post: (moves) => (moves.forEach((move) => this.post(move)), false),
      button_draft: (moves) => (this.resetToDraft(moves), null),
      button_cancel: (moves) => (this.cancelMoves(moves), null),
    },
    'purchase.order': {
      button_confirm: (orders) => (
        orders.forEach((order) => order.state === 'draft' && (order.state = 'purchase')),
        true
      ),
    },
  };

  constructor(
    private readonly orm: OdooFakeOrm,
    private readonly now: () => number,
    private readonly companyCurrency: () => number,
  ) {}

  /** Defaults and computed fields of a new record. */
  created(model: string, record: OdooRecord): void {
    const stamp = odooDatetime(this.now());
    if (model === 'sale.order') Object.assign(record, { name: this.next('S', 5), state: 'draft', create_date: stamp });
    if (model === 'purchase.order')
      Object.assign(record, {
        name: this.next('P', 5),
        state: 'draft',
        create_date: stamp,
        currency_id: record.currency_id ?? this.companyCurrency(),
      });
    if (model === 'account.move')
      Object.assign(record, {
        name: '/',
        state: 'draft',
        create_date: stamp,
        currency_id: record.currency_id ?? this.companyCurrency(),
      });
    this.recompute(model, record);
  }

  recompute(model: string, record: OdooRecord): void {
    const total = (lineModel: string, link: string, qty: string) =>
      round2(
        [...this.orm.table(lineModel).values()]
          .filter((l) => l[link] === record.id)
          .reduce((sum, l) => sum + Number(l[qty] ?? 0) * Number(l.price_unit ?? 0), 0),
      );
    if (model === 'sale.order') {
      const pricelist =
        typeof record.pricelist_id === 'number'
          ? this.orm.table('product.pricelist').get(record.pricelist_id)
          : undefined;
      record.currency_id = (pricelist?.currency_id as number | undefined) ?? this.companyCurrency();
      record.amount_total = total('sale.order.line', 'order_id', 'product_uom_qty');
    }
    if (model === 'purchase.order') record.amount_total = total('purchase.order.line', 'order_id', 'product_qty');
    if (model === 'account.move') record.amount_total = total('account.move.line', 'move_id', 'quantity');
  }

  private next(prefix: string, digits: number): string {
    const n = (this.sequences.get(prefix) ?? 0) + 1;
    this.sequences.set(prefix, n);
    return `${prefix}${String(n).padStart(digits, '0')}`;
  }

  private lines(order: OdooRecord): OdooRecord[] {
    return [...this.orm.table('sale.order.line').values()].filter((line) => line.order_id === order.id);
  }

  /** Quotation → order; reserves what internal stock there is for each line. */
  private confirmSale(order: OdooRecord): boolean {
    if (order.state !== 'draft' && order.state !== 'sent')
      throw new OdooFakeError('odoo.exceptions.UserError', `Some orders are not in a state requiring confirmation.`);
    for (const line of this.lines(order)) {
      let wanted = Number(line.product_uom_qty);
      const taken: { quant: OdooRecord; quantity: number }[] = [];
      for (const quant of this.internalQuants(line.product_id as number)) {
        const free = Number(quant.quantity) - Number(quant.reserved_quantity ?? 0);
        const quantity = Math.min(free, wanted);
        if (quantity <= 0) continue;
        quant.reserved_quantity = Number(quant.reserved_quantity ?? 0) + quantity;
        taken.push({ quant, quantity });
        wanted -= quantity;
      }
      this.reservations.set(line.id, taken);
    }
    order.state = 'sale';
    return true;
  }

  private cancelSale(orders: OdooRecord[], context: Record<string, unknown>): unknown {
    if (!context.disable_cancel_warning && orders.some((order) => order.state === 'sale')) {
      return {
        type: 'ir.actions.act_window',
        name: 'Cancel Sales Order',
        res_model: 'sale.order.cancel',
        view_mode: 'form',
        target: 'new',
        context: { default_order_id: orders[0]?.id },
      };
    }
    for (const order of orders) {
      for (const line of this.lines(order)) {
        for (const { quant, quantity } of this.reservations.get(line.id) ?? [])
          quant.reserved_quantity = Number(quant.reserved_quantity) - quantity;
        this.reservations.delete(line.id);
      }
      order.state = 'cancel';
    }
    return true;
  }

  private post(move: OdooRecord): void {
    if (move.state !== 'draft')
      throw new OdooFakeError('odoo.exceptions.UserError', 'Only draft journal entries can be posted.');
    if (![...this.orm.table('account.move.line').values()].some((line) => line.move_id === move.id))
      throw new OdooFakeError('odoo.exceptions.UserError', 'You need to add a line before posting.');
    const year = new Date(this.now()).getUTCFullYear();
    Object.assign(move, {
      state: 'posted',
      name: `INV/${year}/${this.next(`INV/${year}/`, 5).slice(`INV/${year}/`.length)}`,
      invoice_date: odooDatetime(this.now()).slice(0, 10),
    });
  }

  /** button_draft: only posted or cancelled moves go back to draft; the name stays (posted before). */
  private resetToDraft(moves: OdooRecord[]): void {
    if (moves.some((move) => move.state !== 'posted' && move.state !== 'cancel'))
      throw new OdooFakeError(
        'odoo.exceptions.UserError',
        'Only posted/cancelled journal entries can be reset to draft.',
      );
    for (const move of moves) move.state = 'draft';
  }

  /**
   * button_cancel: a posted move is reset to draft first, anything else not in draft (a
   * cancelled move) is refused. Checked before any change: Odoo rolls the whole call back.
   */
  private cancelMoves(moves: OdooRecord[]): void {
    if (moves.some((move) => move.state !== 'posted' && move.state !== 'draft'))
      throw new OdooFakeError('odoo.exceptions.UserError', 'Only draft journal entries can be cancelled.');
    for (const move of moves) move.state = 'cancel';
  }

  private internalQuants(productId: number): OdooRecord[] {
    const locations = this.orm.table('stock.location');
    return [...this.orm.table('stock.quant').values()].filter(
      (q) => q.product_id === productId && locations.get(q.location_id as number)?.usage === 'internal',
    );
  }
}
