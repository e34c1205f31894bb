import { AppError } from '../../errors/app-error';
import type { FlowIssue } from '../flow-issue';

/**
 * 400 for a flow that may not be published: `errors` names each place (the issue's JSON pointer)
 * as the API's field errors do, and the `issues` extension carries every issue whole (path, rule,
 * message, task, line and column).
 */
export function invalidFlow(issues: readonly FlowIssue[]): AppError {
  return new AppError({
    code: 'invalid-flow',
    status: 400,
    title: 'Invalid flow',
    detail: `The flow breaks ${issues.length} rule${issues.length === 1 ? '' : 's'}; "issues" lists each with its task path.`,
    errors: issues.map((issue) => ({ field: issue.path || '(document)', message: `${issue.rule}: ${issue.message}` })),
    extensions: { issues },
  });
}

export const flowNotFound = (name: string): AppError =>
  AppError.notFound(`No flow "${name}" is published; GET /v1/flows lists them.`, 'flow-not-found');

export const flowVersionNotFound = (name: string, version: string): AppError =>
  AppError.notFound(
    `Flow "${name}" has no version "${version}"; GET /v1/flows/${name}/versions lists them.`,
    'flow-version-not-found',
  );

export const flowVersionExists = (name: string, version: string): AppError =>
  AppError.conflict(
    `Flow "${name}" version ${version} is published with other content; a published version never changes: raise document.version.`,
    'flow-version-exists',
  );

export const flowRetired = (name: string, version: string): AppError =>
  AppError.conflict(
    `Flow "${name}" version ${version} is retired: no new run may start with it. Start a published version.`,
    'flow-retired',
  );

export const noDefaultVersion = (name: string, deprecated: readonly string[]): AppError =>
  AppError.conflict(
    deprecated.length > 0
      ? `Flow "${name}" has no published version to start by default, only deprecated ones (${deprecated.join(', ')}): name one with "version", or publish a new version.`
      : `Every version of flow "${name}" is retired: publish a new version to start runs.`,
    'flow-no-published-version',
  );
