import { expect } from 'chai';
import { withDefaultConnectors } from '../../connectors/registry/step-defaults';
import { infrastructureChosen, infrastructureFieldsOf } from '../../server/runs/infrastructure-fields';
import { PROCESS_CATALOG, findProcess } from '../../workflows/catalog';
import type { DeploymentFacts } from '../../workflows/process-definition';

const orderToCash = findProcess('orderToCash')!;
const defaults = { crm: 'crm.main', erp: 'erp.main', payment: 'payment.stripe', email: 'email.main' };
const erpWithoutInvoices: DeploymentFacts = {
  unsupportedOperations: (kind, instance) => (kind === 'erp' && instance === 'erp.main' ? ['createInvoice'] : []),
};
/** What POST /v1/runs does to an order's input: the connector defaults, then completeInput. */
const prepare = (input: unknown) =>
  orderToCash.completeInput!(withDefaultConnectors(input, defaults), erpWithoutInvoices);
const order = { orderId: 'o-1', currency: 'EUR' };

describe('infrastructure fields', () => {
  it('when a process chooses connectors, then connectors is an infrastructure field; orderToCash adds invoicing', () => {
    expect(infrastructureFieldsOf(orderToCash)).to.have.members(['connectors', 'invoicing']);
    for (const process of PROCESS_CATALOG)
      if (process.choosesConnectors) expect(infrastructureFieldsOf(process), process.type).to.include('connectors');
  });

  it('when the input leaves infrastructure to the deployment, then nothing is chosen', () => {
    expect(infrastructureChosen(orderToCash, order, prepare)).to.deep.equal([]);
    expect(infrastructureChosen(orderToCash, 'not an object', prepare)).to.deep.equal([]);
  });

  it('when the input picks another connector instance or invoicing path, then that field is chosen', () => {
    expect(
      infrastructureChosen(orderToCash, { ...order, connectors: { payment: 'payment.main' } }, prepare),
    ).to.deep.equal(['connectors']);
    expect(infrastructureChosen(orderToCash, { ...order, invoicing: 'connector' }, prepare)).to.deep.equal([
      'invoicing',
    ]);
    expect(
      infrastructureChosen(orderToCash, { ...order, connectors: 'payment.main', invoicing: 'connector' }, prepare),
    ).to.deep.equal(['connectors', 'invoicing']);
  });

  it('when the input restates what the deployment would choose, then nothing is chosen', () => {
    expect(
      infrastructureChosen(orderToCash, { ...order, connectors: { payment: 'payment.stripe' } }, prepare),
    ).to.deep.equal([]);
    expect(
      infrastructureChosen(orderToCash, { ...order, connectors: defaults, invoicing: 'erp-billing-run' }, prepare),
    ).to.deep.equal([]);
  });

  it('when the deployment has no default for a kind, then naming an instance of it is a choice', () => {
    const noDefaults = (input: unknown) =>
      orderToCash.completeInput!(withDefaultConnectors(input, {}), { unsupportedOperations: () => [] });
    expect(
      infrastructureChosen(orderToCash, { ...order, connectors: { payment: 'payment.main' } }, noDefaults),
    ).to.deep.equal(['connectors']);
  });
});
