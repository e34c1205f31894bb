/**
 * Stripe's request bodies and query strings: application/x-www-form-urlencoded with bracket
 * notation for nested values (`metadata[reference]=order-1`, `items[0][price]=…`). Arrays are
 * indexed, the form Stripe documents and the one Prism reads.
 */
export type FormValue =
  string | number | boolean | null | undefined | readonly FormValue[] | { readonly [key: string]: FormValue };

function append(out: [string, string][], key: string, value: FormValue): void {
  if (value === undefined) return;
  // Stripe reads an empty value as "unset this field".
  if (value === null) out.push([key, '']);
  else if (Array.isArray(value)) value.forEach((item: FormValue, index) => append(out, `${key}[${index}]`, item));
  else if (typeof value === 'object')
    for (const [sub, item] of Object.entries(value)) append(out, `${key}[${sub}]`, item);
  else out.push([key, String(value)]);
}

/** Flat key/value pairs in insertion order, undefined fields left out. */
export function toFormPairs(params: { readonly [key: string]: FormValue }): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(params)) append(out, key, value);
  return out;
}

/** A request body; axios sends URLSearchParams as application/x-www-form-urlencoded. */
export function toStripeForm(params: { readonly [key: string]: FormValue }): URLSearchParams {
  return new URLSearchParams(toFormPairs(params));
}

/** Query parameters for GET requests (`created[gte]=…`), in the shape HttpRequest.params takes. */
export function toStripeQuery(params: { readonly [key: string]: FormValue }): Record<string, string> {
  return Object.fromEntries(toFormPairs(params));
}
