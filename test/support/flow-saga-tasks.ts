/** Tasks of a saga that test flows share: an ERP customer and a sales order, and what cancels it. */
/** The customer and sales order of a saga: the order is cancelled when a later task fails or the run is cancelled. */
export const customerAndSalesOrder = [
  {
    customer: {
      call: 'erp.upsertCustomer',
      with: {
        connector: 'erp.main',
        customer: '${ { email: "\\(.id | ascii_downcase)@customer.example", name: "Ada" } }',
      },
      export: { as: '${ { customerId: .id } }' },
    },
  },
  {
    createSalesOrder: {
      call: 'erp.createSalesOrder',
      with: {
        connector: 'erp.main',
        order:
          '${ { externalReference: $workflow.input.id, customerId: $context.customerId, currency: "EUR", lines: [{ sku: "SKU-1", quantity: 1, unitAmount: 500 }] } }',
      },
      export: { as: '${ $context + { salesOrder: . } }' },
      metadata: { compensate: 'cancelSalesOrder' },
    },
  },
];

/** Undoes createSalesOrder (its metadata.compensate names this task). */
export const cancelSalesOrder = {
  cancelSalesOrder: {
    call: 'erp.cancelSalesOrder',
    with: { connector: 'erp.main', salesOrderId: '${ $context.salesOrder.id }' },
  },
};
