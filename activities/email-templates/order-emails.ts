import type { EmailMessage, OrderLine } from '../../connectors/spi';

export interface OrderEmailFacts {
  orderId: string;
  customer: { email: string; firstName: string; lastName: string };
  currency: string;
  lines: OrderLine[];
  invoiceNumber?: string;
}

function money(minorUnits: number, currency: string): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(minorUnits / 100);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function lineTable(facts: OrderEmailFacts): { text: string; html: string; total: string } {
  const total = money(
    facts.lines.reduce((sum, l) => sum + l.quantity * l.unitAmount, 0),
    facts.currency,
  );
  const text = facts.lines
    .map(
      (l) =>
        `  ${l.quantity} x ${l.sku} at ${money(l.unitAmount, facts.currency)} = ${money(l.quantity * l.unitAmount, facts.currency)}`,
    )
    .join('\n');
  const rows = facts.lines
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.sku)}</td><td>${l.quantity}</td><td>${money(l.unitAmount, facts.currency)}</td><td>${money(l.quantity * l.unitAmount, facts.currency)}</td></tr>`,
    )
    .join('');
  const html = `<table><thead><tr><th>SKU</th><th>Qty</th><th>Unit</th><th>Amount</th></tr></thead><tbody>${rows}</tbody></table>`;
  return { text, html, total };
}

export function orderConfirmationEmail(facts: OrderEmailFacts): EmailMessage {
  const { text, html, total } = lineTable(facts);
  const invoice = facts.invoiceNumber ? `Invoice: ${facts.invoiceNumber}\n` : '';
  return {
    to: [facts.customer.email],
    subject: `Your order ${facts.orderId} is confirmed`,
    text: `Hello ${facts.customer.firstName},\n\nthank you for your order ${facts.orderId}. Your payment of ${total} has been received.\n${invoice}\n${text}\n\nTotal: ${total}\n`,
    html: `<p>Hello ${escapeHtml(facts.customer.firstName)},</p><p>thank you for your order <b>${escapeHtml(facts.orderId)}</b>. Your payment of ${total} has been received.</p>${facts.invoiceNumber ? `<p>Invoice: ${escapeHtml(facts.invoiceNumber)}</p>` : ''}${html}<p>Total: <b>${total}</b></p>`,
  };
}

export function orderFailedEmail(facts: OrderEmailFacts & { reason: string }): EmailMessage {
  const { text, total } = lineTable(facts);
  return {
    to: [facts.customer.email],
    subject: `Your order ${facts.orderId} could not be completed`,
    text: `Hello ${facts.customer.firstName},\n\nwe are sorry: your order ${facts.orderId} (${total}) could not be completed. ${facts.reason}\nAny payment reserved for it has been released or refunded.\n\n${text}\n`,
    html: `<p>Hello ${escapeHtml(facts.customer.firstName)},</p><p>we are sorry: your order <b>${escapeHtml(facts.orderId)}</b> (${total}) could not be completed. ${escapeHtml(facts.reason)}</p><p>Any payment reserved for it has been released or refunded.</p>`,
  };
}
