import type { z } from 'zod';
import { AppError } from '../errors/app-error';
import { fieldErrorsOf } from '../errors/field-errors';

/** Parses a request part with its schema or throws a 400 naming each offending field. */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  what: string,
  root = '',
): z.infer<Schema> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw AppError.validation(`The ${what} is invalid.`, fieldErrorsOf(parsed.error, root));
  return parsed.data;
}
