/**
 * What the HubSpot fake accepts, following the CRM v3 reference: request bodies (strict, so a
 * connector that sends an undocumented field gets the 400 HubSpot would give) and the portal's
 * property definitions with their validation errors.
 */
import { z } from 'zod';

export type FakeObjectType = 'contacts' | 'companies' | 'deals';
export const OBJECT_TYPES: readonly FakeObjectType[] = ['contacts', 'companies', 'deals'];

export class HubSpotFakeError extends Error {
  constructor(
    readonly status: number,
    readonly category: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PropertyDefinition {
  readOnly?: boolean;
  unique?: boolean;
  kind?: 'string' | 'number' | 'datetime' | 'email';
  options?: readonly string[];
}

/** The portal: default properties plus the custom unique `junction_idempotency_key`. */
export function portalProperties(
  currencies: readonly string[],
): Record<FakeObjectType, Record<string, PropertyDefinition>> {
  const system = {
    hs_object_id: { readOnly: true, kind: 'number' },
    createdate: { readOnly: true, kind: 'datetime' },
  } as const;
  return {
    contacts: {
      ...system,
      lastmodifieddate: { readOnly: true, kind: 'datetime' },
      email: { unique: true, kind: 'email' },
      firstname: {},
      lastname: {},
      phone: {},
      company: {},
    },
    companies: {
      ...system,
      hs_lastmodifieddate: { readOnly: true, kind: 'datetime' },
      name: {},
      domain: {},
      junction_idempotency_key: { unique: true },
    },
    deals: {
      ...system,
      hs_lastmodifieddate: { readOnly: true, kind: 'datetime' },
      dealname: {},
      amount: { kind: 'number' },
      deal_currency_code: { options: currencies },
      pipeline: { options: ['default'] },
      dealstage: { options: ['appointmentscheduled', 'qualifiedtobuy', 'closedwon', 'closedlost'] },
      junction_idempotency_key: { unique: true },
    },
  };
}

export const MODIFIED_PROPERTY: Record<FakeObjectType, string> = {
  contacts: 'lastmodifieddate',
  companies: 'hs_lastmodifieddate',
  deals: 'hs_lastmodifieddate',
};
export const DEFAULT_SEARCH_PROPERTIES: Record<FakeObjectType, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  deals: [
    'amount',
    'closedate',
    'createdate',
    'dealname',
    'dealstage',
    'hs_lastmodifieddate',
    'hs_object_id',
    'pipeline',
  ],
};

interface Invalid {
  name: string;
  error: string;
  message: string;
}

/** The 400 HubSpot gives for bad property values (its message embeds a JSON list). */
export function invalidProperties(problems: Invalid[]): HubSpotFakeError {
  const detail = JSON.stringify(
    problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name })),
  );
  return new HubSpotFakeError(400, 'VALIDATION_ERROR', `Property values were not valid: ${detail}`);
}

export function validateProperties(
  definitions: Record<string, PropertyDefinition>,
  properties: Record<string, string>,
): void {
  const problems: Invalid[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const def = definitions[name];
    if (def === undefined)
      problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
    else if (def.readOnly)
      problems.push({
        name,
        error: 'READ_ONLY_VALUE',
        message: `${name} is a read only property; its value cannot be set.`,
      });
    else if (def.options && !def.options.includes(value))
      problems.push({
        name,
        error: 'INVALID_OPTION',
        message: `${value} was not one of the allowed options: [${def.options.join(', ')}]`,
      });
    else if (def.kind === 'number' && !/^-?\d+(\.\d+)?$/.test(value))
      problems.push({ name, error: 'INVALID_DECIMAL', message: `${value} was not a valid number.` });
    else if (def.kind === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value))
      problems.push({ name, error: 'INVALID_EMAIL', message: `Email address ${value} is invalid` });
  }
  if (problems.length > 0) throw invalidProperties(problems);
}

// ---- request bodies ----
const propertyValues = z.record(z.string(), z.string());
const filter = z.strictObject({
  propertyName: z.string().min(1),
  operator: z.enum(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY']),
  value: z.string().optional(),
  values: z.array(z.string()).min(1).max(100).optional(),
});
export type FakeFilter = z.infer<typeof filter>;

export const searchBody = z.strictObject({
  filterGroups: z
    .array(z.strictObject({ filters: z.array(filter).min(1).max(6) }))
    .max(5)
    .optional(),
  sorts: z
    .array(z.strictObject({ propertyName: z.string().min(1), direction: z.enum(['ASCENDING', 'DESCENDING']) }))
    .max(1)
    .optional(),
  properties: z.array(z.string().min(1)).optional(),
  limit: z.number().int().min(1).max(200).optional(),
  after: z.string().regex(/^\d+$/).optional(),
  query: z.string().optional(),
});
export type FakeSearchBody = z.infer<typeof searchBody>;

export const createBody = z.strictObject({
  properties: propertyValues,
  associations: z
    .array(
      z.strictObject({
        to: z.strictObject({ id: z.string().min(1) }),
        types: z
          .array(
            z.strictObject({
              associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED']),
              associationTypeId: z.number().int(),
            }),
          )
          .min(1),
      }),
    )
    .optional(),
});
export const updateBody = z.strictObject({ properties: propertyValues });
export const batchUpsertBody = z.strictObject({
  inputs: z
    .array(
      z.strictObject({
        idProperty: z.string().min(1),
        id: z.string().min(1),
        properties: propertyValues,
        objectWriteTraceId: z.string().optional(),
      }),
    )
    .min(1)
    .max(100),
});

/** Parses a body or throws HubSpot's generic 400 naming the first problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new HubSpotFakeError(
    400,
    'VALIDATION_ERROR',
    `Invalid input JSON: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
  );
}
