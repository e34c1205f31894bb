/**
 * A message that is a person's decision (MessageDefinition.actor, e.g. purchaseApproval's approve
 * and reject) is bound to the caller: the person is whom the credential acts for, never a name in
 * the body. Admin keys get no exception: an admin acting for nobody decides for nobody.
 */
import type { MessageDefinition, ProcessDefinition } from '../../workflows/process-definition';
import { AppError } from '../errors/app-error';
import { valueAt } from '../intake/event-path';
import { personOf, type Principal } from '../auth/scopes';

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The argument with its actor field set to the caller's person. 403 `personal-credential-required`
 * when the credential acts for nobody, 403 `actor-mismatch` when the body names someone else. An
 * argument that is not an object is left to the message's schema (400).
 */
export function bindActor(message: MessageDefinition, argument: unknown, caller: Principal | undefined): unknown {
  if (!message.actor) return argument;
  const { field } = message.actor;
  const person = personOf(caller);
  if (person === null) {
    throw new AppError({
      code: 'personal-credential-required',
      status: 403,
      title: 'Forbidden',
      detail:
        `"${message.name}" is a person's decision, and this ${caller?.kind === 'oidc' ? 'token carries no email' : 'API key acts for nobody'}. ` +
        'Decide with a personal credential: an API key issued with actsAs (npm run keys -- create --acts-as <email>, or POST /v1/keys "actsAs"), or an OIDC token with an email claim.',
    });
  }
  const body = argument === undefined || argument === null ? {} : argument;
  if (typeof body !== 'object' || Array.isArray(body)) return argument;
  const named: unknown = (body as Record<string, unknown>)[field];
  if (named !== undefined && (typeof named !== 'string' || !sameEmail(named, person))) {
    throw new AppError({
      code: 'actor-mismatch',
      status: 403,
      title: 'Forbidden',
      detail: `This credential acts for ${person}; it may not send "${message.name}" as ${typeof named === 'string' ? named : 'anyone else'}. Leave ${field} out, or send ${person}.`,
    });
  }
  return { ...body, [field]: person };
}

/**
 * A caller that acts for a person starts runs only on their own behalf (ProcessDefinition.initiator):
 * 403 `initiator-mismatch` when the input names someone else. `person` null (a system's key, an
 * OIDC token without email) vouches for whom the input names.
 */
export function checkInitiator(process: ProcessDefinition, input: unknown, person: string | null): void {
  if (!process.initiator || person === null) return;
  const field = process.initiator.path.join('.');
  const named = valueAt(input, process.initiator.path);
  if (typeof named === 'string' && sameEmail(named, person)) return;
  throw new AppError({
    code: 'initiator-mismatch',
    status: 403,
    title: 'Forbidden',
    detail: `This credential acts for ${person}; it may start "${process.type}" only on their own behalf (input.${field} = ${person}). A system's key, issued without actsAs, starts requests for others.`,
    errors: [{ field: `input.${field}`, message: `must be ${person}, the person this credential acts for` }],
  });
}
