/**
 * BC amounts are JSON numbers in major units (`12.34`); ours are integers in minor units (1234).
 * Reading rounds on the number's decimal text, never on its binary value: `1.005` EUR is 101
 * cents, where Math.round(1.005 * 100) would give 100. Pure functions, unit-tested.
 */

/** ISO 4217 minor-unit digits (EUR 2, JPY 0, KWD 3); unknown codes count as 2. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** The shortest decimal text of a finite number, without exponent: 1e-7 → "0.0000001". */
export function plainDecimal(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(text);
  if (!match) return text;
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** 12.345 at 2 digits → 1235: rounded half away from zero; undefined when not a safe integer then. */
export function majorToMinorUnits(value: number, currency: string): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  const digits = currencyDigits(currency);
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(plainDecimal(value));
  if (!match) return undefined;
  const [, sign = '', whole = '0', fraction = ''] = match;
  let scaled = BigInt(whole + fraction.slice(0, digits).padEnd(digits, '0'));
  if (fraction.charAt(digits) >= '5') scaled += 1n;
  if (scaled > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return sign === '-' && scaled !== 0n ? -Number(scaled) : Number(scaled);
}

/**
 * 1234 EUR → 12.34. Dividing two exact integers rounds once, to the double nearest the decimal,
 * which JSON writes as `12.34`.
 */
export function minorToMajorUnits(amount: number, currency: string): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be an integer in minor units, got ${amount}`);
  return amount / 10 ** currencyDigits(currency);
}
