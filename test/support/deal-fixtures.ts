import { uniqueId } from './order-fixtures';

/** The input of config/flows/deal-won.yaml. */
export interface DealWonInput {
  deal: {
    id: string;
    name: string;
    /** Minor units. */
    amount: number;
    currency: string;
    company: { name: string; domain?: string };
    contact: { email: string; firstName?: string; lastName?: string; phone?: string };
    accountManager: { email: string; name?: string };
    lines?: { sku: string; quantity: number; unitAmount: number }[];
  };
}

/** A won deal with unique ids and addresses (a company, its contact and an account manager of its own); 1,000.00 EUR unless overridden. */
export function newDealInput(overrides: Partial<DealWonInput['deal']> = {}): DealWonInput {
  const id = uniqueId('D');
  const slug = id.toLowerCase();
  return {
    deal: {
      id,
      name: `Rollout ${id}`,
      amount: 100_000,
      currency: 'EUR',
      company: { name: `Optik ${id} GmbH`, domain: `${slug}.example` },
      contact: { email: `buyer@${slug}.example`, firstName: 'Grace', lastName: 'Hopper' },
      accountManager: { email: `am-${slug}@junction.example`, name: 'Alan' },
      ...overrides,
    },
  };
}
