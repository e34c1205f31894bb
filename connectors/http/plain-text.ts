/**
 * A short line of plain text from whatever a vendor sent (an HTML error page, an SMTP banner, a
 * plugin's message): for error messages, logs and API answers. Linear in the input: only the
 * first MAX_SCANNED_CHARS are looked at, and no pattern below backtracks across the text.
 */

/** A vendor's message worth reading starts early; past this a body is a page, not a message. */
export const MAX_SCANNED_CHARS = 8 * 1024;

/** A tag: `<` up to the next `>`, never across another `<` (so `<<<<…` costs one step per character). */
const TAG = /<[^<>]*>/g;
/** What stays of markup after the tags: stray angle brackets. */
const ANGLE = /[<>]/g;
/** Control and format characters (C0, C1, bidi overrides, zero-width): nothing a reader should get. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
/** `scheme://user:secret@host`: the userinfo of a URL. */
const URL_USERINFO = /(\/\/)[^\s/@]*@/g;
/** Query parameters that carry secrets by convention. */
const SECRET_PARAM =
  /([?&;](?:access_token|refresh_token|id_token|token|api_?key|key|password|passwd|pwd|secret|client_secret|signature|sig|code)=)[^&\s#]*/gi;

/** Plain text of at most `maxLength` characters (an ellipsis marks a cut), or undefined when nothing readable is left. */
export function plainText(text: string, maxLength: number): string | undefined {
  const scanned = text.length > MAX_SCANNED_CHARS ? text.slice(0, MAX_SCANNED_CHARS) : text;
  const flat = scanned
    .replace(TAG, ' ')
    .replace(ANGLE, ' ')
    .replace(INVISIBLE, ' ')
    .replace(URL_USERINFO, '$1***@')
    .replace(SECRET_PARAM, '$1***')
    .replace(/\s+/g, ' ')
    .trim();
  if (flat === '') return undefined;
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1).trimEnd()}…` : flat;
}
