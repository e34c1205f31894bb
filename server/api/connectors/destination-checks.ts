/**
 * The rules that bind a connector's credentials to its destinations, as the API applies them on
 * POST, PUT and PATCH (connectors/registry/destination-rules.ts holds the rules themselves):
 * - a destination that changes (a URL anywhere in the settings, or a vendor's destination setting
 *   such as Business Central's tenantId) needs the credentials in the same request, or
 *   `"credentials": null` to drop them: keeping a secret while moving it elsewhere is how it is stolen;
 * - URLs must lie on the vendor's hosts unless the operator's allow-list names them;
 * - `settings.rateLimit.redisUrl` is the operator's: the API refuses it.
 */
import type { ConnectorRegistry, VendorRegistration } from '../../../connectors/registry';
import { changedDestinations, redisUrlIssues } from '../../../connectors/registry/destination-rules';
import { issuePath, type DefinitionIssue } from '../../../connectors/registry/instance-validation';
import type { Credentials } from '../../../connectors/vault';
import { AppError } from '../../errors/app-error';
import { fieldPath } from '../../errors/field-errors';

const RESEND = 'changed: send the credentials again in the same request, or "credentials": null to drop them';

function fieldErrors(issues: readonly DefinitionIssue[]) {
  return issues.map((issue) => ({ field: fieldPath('', issue.path), message: issue.message }));
}

/** Settings problems the API answers 400 for beside the vendor's schema: the operator's Redis, production's SMTP rules. */
export function settingsPolicyIssues(
  registry: ConnectorRegistry,
  registration: VendorRegistration,
  settings: Record<string, unknown>,
): DefinitionIssue[] {
  return [...redisUrlIssues(settings), ...registry.environmentIssues(registration, settings)];
}

/** 422 when a URL of the settings or of the given credentials lies outside the vendor's hosts and the operator allows it nowhere. */
export function assertDestinationsAllowed(
  registry: ConnectorRegistry,
  registration: VendorRegistration,
  settings: Record<string, unknown>,
  credentials?: Credentials | null,
): void {
  const issues = registry.destinationIssues(registration, settings, credentials ?? undefined);
  if (issues.length === 0) return;
  throw new AppError({
    code: 'destination-not-allowed',
    status: 422,
    title: 'Destination not allowed',
    detail: `${issues.map((issue) => issuePath(issue.path)).join(', ')}: not a host of ${registration.kind}/${registration.vendor}, and not in the operator's egress allow-list.`,
    errors: fieldErrors(issues),
  });
}

/**
 * 422 when the stored row has credentials, a destination changes and the request neither sends
 * new credentials nor drops them. No row yet: nothing to bind. A change of vendor is handled
 * apart (it always needs them).
 */
export function assertCredentialsFollowDestinations(
  registration: VendorRegistration,
  stored: { vendor: string; settings: Record<string, unknown>; hasCredentials: boolean } | null,
  settings: Record<string, unknown>,
  given: Credentials | null | undefined,
): void {
  if (!stored || stored.vendor !== registration.vendor || !stored.hasCredentials || given !== undefined) return;
  const changed = changedDestinations(registration, stored.settings, settings);
  if (changed.length === 0) return;
  throw new AppError({
    code: 'credentials-required',
    status: 422,
    title: 'The credentials must be sent again',
    detail: `${changed.join(', ')} ${RESEND}.`,
    errors: changed.map((field) => ({ field, message: RESEND })),
  });
}
