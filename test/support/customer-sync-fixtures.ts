/**
 * Test data and checks for customerSync: sandbox CRM contacts seeded in bulk (the sync only reads
 * them, so the CRM's write path is not under test here), and what the sandbox ERP holds after.
 */
import { randomBytes } from 'node:crypto';
import { Op, fn, col } from 'sequelize';
import type { ConnectorRegistry } from '../../connectors/registry';
import { contacts, customers } from '../../connectors/sandbox/sandbox-collections';
import { newSandboxId } from '../../connectors/sandbox/sandbox-store';
import type { Models } from '../../server/db/models';

export interface SandboxPair {
  crm: string;
  erp: string;
}

/** A fresh sandbox CRM and ERP instance of their own, so tests sharing a database never see each other's records. */
export function defineSandboxPair(registry: ConnectorRegistry): SandboxPair {
  const label = randomBytes(4).toString('hex');
  const pair = { crm: `crm.t${label}`, erp: `erp.t${label}` };
  registry.defineInstance(pair.crm, { kind: 'crm', vendor: 'sandbox', settings: {} });
  registry.defineInstance(pair.erp, { kind: 'erp', vendor: 'sandbox', settings: {} });
  return pair;
}

export interface SeededContact {
  id: string;
  email: string;
}

/**
 * `count` contacts in a sandbox CRM instance, one millisecond apart starting at `from` (so the
 * change feed has a stable order), inserted 1000 rows per statement.
 */
export async function seedSandboxContacts(
  models: Models,
  crm: string,
  count: number,
  options: { prefix?: string; from?: Date } = {},
): Promise<SeededContact[]> {
  const prefix = options.prefix ?? randomBytes(3).toString('hex');
  const start = (options.from ?? new Date()).getTime();
  const seeded: SeededContact[] = [];
  for (let offset = 0; offset < count; offset += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - offset) }, (_, i) => {
      const n = offset + i;
      const at = new Date(start + n);
      const email = `${prefix}-${n}@contacts.example`;
      const id = newSandboxId(contacts.idPrefix);
      seeded.push({ id, email });
      return {
        id,
        instance: crm,
        collection: contacts.name,
        naturalKey: email,
        idempotencyKey: null,
        data: { email, firstName: 'Contact', lastName: `No ${n}` },
        createdAt: at,
        updatedAt: at,
      };
    });
    await models.SandboxRecord.bulkCreate(rows);
  }
  return seeded;
}

export interface ErpCustomerCounts {
  /** Customer records in the ERP instance. */
  customers: number;
  /** Distinct emails among them: equal to `customers` when nobody was created twice. */
  distinctEmails: number;
  /** upsertCustomer writes the ERP performed (one receipt per idempotency key that did work). */
  upsertWrites: number;
}

export async function countErpCustomers(models: Models, erp: string): Promise<ErpCustomerCounts> {
  const where = { instance: erp, collection: customers.name };
  const [total, distinct, writes] = await Promise.all([
    models.SandboxRecord.count({ where }),
    models.SandboxRecord.findOne({
      where,
      attributes: [[fn('COUNT', fn('DISTINCT', col('natural_key'))), 'n']],
      raw: true,
    }) as Promise<unknown>,
    models.SandboxRecord.count({
      where: { instance: erp, collection: 'receipts', idempotencyKey: { [Op.like]: 'upsertCustomer:customer-sync:%' } },
    }),
  ]);
  return {
    customers: total,
    distinctEmails: Number((distinct as { n?: unknown } | null)?.n ?? 0),
    upsertWrites: writes,
  };
}
