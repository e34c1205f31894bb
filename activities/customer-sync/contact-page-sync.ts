/**
 * One page of the customer sync: list the CRM contacts changed after a cursor and upsert each as
 * an ERP customer, `concurrency` at a time, heartbeating what is done so that a retry (after a
 * worker crash, a heartbeat timeout or a retryable vendor error) continues where the attempt
 * before it stopped instead of starting the page again.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import pLimit from 'p-limit';
import { z } from 'zod';
import type { Contact, CrmConnector, CustomerInput, ErpConnector } from '../../connectors/spi';
import type { SyncFailure } from '../../workflows/customer-sync/customer-sync.types';
import { callConnector } from '../connector-failure';

export interface SyncContactPageInput {
  crm: string;
  erp: string;
  syncName: string;
  cursor: string | null;
  pageSize: number;
  concurrency: number;
  /** Record versions (`<contactId>@<updatedAt>`) an earlier run handled already: not sent again. */
  skip?: string[];
}

export interface SyncContactPageResult {
  /** null: this was the last page for now. */
  nextCursor: string | null;
  listed: number;
  synced: number;
  skipped: number;
  failed: SyncFailure[];
  /** Records an earlier attempt of this page had finished (from its heartbeat), not redone. */
  resumed: number;
  /** Every record version of the page, on the last page only: the stored tail for the next run. */
  versions?: string[];
}

/**
 * How often the activity reports its progress to the SDK. The SDK forwards the first heartbeat of
 * an attempt at once and then at most one per 0.8 × heartbeatTimeout (the latest), so a short
 * interval matters for the first one: a page that runs longer than this has its position on the
 * server early, and a retry after a crash resumes from there. Five small JSON snapshots a second
 * cost nothing next to the vendor calls.
 */
export const HEARTBEAT_EVERY_MS = 200;

const failureSchema = z.object({ contactId: z.string(), email: z.string(), code: z.string(), message: z.string() });

/** What the activity heartbeats: its input cursor (to recognise its own page) and the records settled. */
const pageProgressSchema = z.object({
  cursor: z.string().nullable(),
  done: z.array(z.string()),
  synced: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  failed: z.array(failureSchema),
});
type PageProgress = z.infer<typeof pageProgressSchema>;

/** The identity of one version of a contact: a change in the CRM makes a new version to sync. */
export function contactVersion(contact: Pick<Contact, 'id' | 'updatedAt'>): string {
  return `${contact.id}@${contact.updatedAt}`;
}

/** The ERP write's key: the same contact version is never written twice, whichever run or attempt sends it. */
export function customerIdempotencyKey(crm: string, contact: Pick<Contact, 'id' | 'updatedAt'>): string {
  return `customer-sync:${crm}:${contact.id}:${contact.updatedAt}`;
}

/** The ERP customer of a CRM contact; a contact without a name is named by its company, else its email. */
export function toCustomerInput(contact: Contact): CustomerInput {
  const name = [contact.firstName, contact.lastName]
    .filter((part) => part !== undefined && part.trim() !== '')
    .join(' ');
  return { email: contact.email, name: name || contact.company || contact.email, crmContactId: contact.id };
}

/** The progress an earlier attempt of this page heartbeated, if any (and if it was this page's). */
function resumedProgress(details: unknown, cursor: string | null): PageProgress | null {
  const parsed = pageProgressSchema.safeParse(details);
  return parsed.success && parsed.data.cursor === cursor ? parsed.data : null;
}

export async function syncContactPage(
  crm: CrmConnector,
  erp: ErpConnector,
  input: SyncContactPageInput,
): Promise<SyncContactPageResult> {
  const context = Context.current();
  const earlier = resumedProgress(context.info.heartbeatDetails, input.cursor);
  const done = new Set(earlier?.done ?? []);
  const progress = {
    synced: earlier?.synced ?? 0,
    skipped: earlier?.skipped ?? 0,
    failed: [...(earlier?.failed ?? [])],
  };
  const snapshot = (): PageProgress => ({
    cursor: input.cursor,
    done: [...done],
    ...progress,
    failed: [...progress.failed],
  });

  const page = await callConnector(() => crm.listContactsChangedSince(input.cursor, input.pageSize));
  const skip = new Set(input.skip ?? []);
  const limit = pLimit(input.concurrency);
  // The first retryable failure stops the page: records not yet started wait for the retry.
  let halt: unknown = null;
  const heartbeat = () => context.heartbeat(snapshot());
  const ticker = setInterval(heartbeat, HEARTBEAT_EVERY_MS);
  try {
    await Promise.all(
      page.items.map((contact) =>
        limit(async () => {
          const version = contactVersion(contact);
          if (halt !== null || context.cancellationSignal.aborted || done.has(version)) return;
          if (skip.has(version)) {
            progress.skipped++;
            done.add(version);
            return;
          }
          try {
            await callConnector(() =>
              erp.upsertCustomer(toCustomerInput(contact), {
                idempotencyKey: customerIdempotencyKey(input.crm, contact),
              }),
            );
            progress.synced++;
          } catch (error) {
            if (!(error instanceof ApplicationFailure && error.nonRetryable)) {
              halt ??= error;
              return;
            }
            progress.failed.push({
              contactId: contact.id,
              email: contact.email,
              code: error.type ?? 'UNKNOWN',
              message: error.message,
            });
          }
          done.add(version);
        }),
      ),
    );
  } finally {
    clearInterval(ticker);
  }
  if (halt !== null || context.cancellationSignal.aborted) {
    // The last word on where this attempt got to; the retry starts from here.
    heartbeat();
    if (halt !== null) throw halt;
    await context.cancelled;
  }
  return {
    nextCursor: page.nextCursor,
    listed: page.items.length,
    ...progress,
    resumed: earlier?.done.length ?? 0,
    ...(page.nextCursor === null ? { versions: page.items.map(contactVersion) } : {}),
  };
}
