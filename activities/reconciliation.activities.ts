import { heartbeat } from '@temporalio/activity';
import type { ConnectorResolver, TimeWindow } from '../connectors/spi';
import {
  reconciliationWorkflowId,
  type ReconciliationReport,
} from '../workflows/invoice-reconciliation/invoice-reconciliation.types';
import { callConnector } from './connector-failure';
import { reconciliationReportEmail } from './email-templates/reconciliation-emails';
import { withHeartbeatPulse } from './heartbeat-pulse';
import { readAllPages } from './reconciliation/read-all-pages';
import { reconcile } from './reconciliation/reconcile';
import { reportCsv } from './reconciliation/report-csv';

export interface ReconcileWindowRequest {
  window: TimeWindow;
  connectors: { erp: string; payment: string; email: string };
  reportTo: string[];
  /** Minor units; see reconcile(). */
  tolerance: number;
  /** Of the report email; derived from the window so that no rerun sends it twice. */
  idempotencyKey: string;
  /** Rows returned (exceptions first); the CSV attachment always carries all of them. */
  maxRows: number;
}

export function createReconciliationActivities(connectors: ConnectorResolver) {
  return {
    /**
     * Lists the window's invoices and payments (every page), matches them (reconcile.ts) and
     * emails the report with every row as CSV, exactly once per idempotency key. One activity,
     * so the listings never pass through the workflow history; a retry lists again (reads are
     * safe to repeat) and the email outbox answers an already sent report with its Message-ID.
     */
    async reconcileWindow(request: ReconcileWindowRequest): Promise<ReconciliationReport> {
      const { window } = request;
      // Inside callConnector: an unknown or disabled instance is a non-retryable CONNECTOR_MISCONFIGURED.
      const [erp, payments, mailer] = await callConnector(
        async () =>
          [
            connectors.resolve('erp', request.connectors.erp),
            connectors.resolve('payment', request.connectors.payment),
            connectors.resolve('email', request.connectors.email),
          ] as const,
      );
      const listed = { invoices: 0, payments: 0 };
      const beat = () => heartbeat(listed);

      const invoiceList = await readAllPages(
        `${erp.name} listInvoices`,
        (cursor) => callConnector(() => erp.listInvoices(window, cursor)),
        (count) => {
          listed.invoices = count;
          beat();
        },
      );
      const paymentList = await readAllPages(
        `${payments.name} listPayments`,
        (cursor) => callConnector(() => payments.listPayments(window, cursor)),
        (count) => {
          listed.payments = count;
          beat();
        },
      );

      const { rows, summary } = reconcile(invoiceList, paymentList, { tolerance: request.tolerance });
      const attachment = `${reconciliationWorkflowId(window)}.csv`;
      const message = reconciliationReportEmail({
        window,
        summary,
        to: request.reportTo,
        attachment: { filename: attachment, csv: reportCsv(rows) },
      });
      const { messageId } = await withHeartbeatPulse(
        () => listed,
        () => callConnector(() => mailer.send(message, { idempotencyKey: request.idempotencyKey })),
      );
      return {
        window,
        summary,
        rows: rows.slice(0, request.maxRows),
        rowCount: rows.length,
        rowsTruncated: rows.length > request.maxRows,
        email: { messageId, to: request.reportTo, attachment },
      };
    },
  };
}
