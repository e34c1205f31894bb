/**
 * Amounts between the SPI (integers in the currency's minor unit) and what vendors send: decimal
 * strings ("12.340": SAP, HubSpot) or JSON numbers in major units (Business Central, Salesforce,
 * Odoo). Conversions go through decimal text and BigInt, so no float ever rounds an amount:
 * 1.005 EUR is 101 cents, where Math.round(1.005 * 100) gives 100.
 */

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/;

/** ISO 4217 minor-unit digits (EUR 2, JPY 0, KWD 3); unknown codes count as 2. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * "12.345" at 2 digits → 1235n: exact when the value fits, otherwise rounded half away from
 * zero (SAP amounts carry scale 3; a currency with 2 digits only ever shows a trailing 0 there).
 * Returns undefined for anything that is not a plain decimal.
 */
export function decimalToScaled(value: string, digits: number): bigint | undefined {
  const match = DECIMAL.exec(value.trim());
  if (!match) return undefined;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const kept = fraction.slice(0, digits).padEnd(digits, '0');
  let scaled = BigInt(whole + kept);
  const firstDropped = fraction.charAt(digits);
  if (firstDropped !== '' && firstDropped >= '5') scaled += 1n;
  return sign === '-' && scaled !== 0n ? -scaled : scaled;
}

/** 1234 at 2 digits → "12.34"; -5 → "-0.05"; 7 at 0 digits → "7". */
export function scaledToDecimal(value: bigint | number, digits: number): string {
  const scaled = typeof value === 'bigint' ? value : BigInt(value);
  const negative = scaled < 0n;
  const digitsText = (negative ? -scaled : scaled).toString().padStart(digits + 1, '0');
  const whole = digitsText.slice(0, digitsText.length - digits);
  const fraction = digitsText.slice(digitsText.length - digits);
  return `${negative ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
}

/** Minor units of `currency` → a decimal string, e.g. (1234, 'EUR') → "12.34". */
export function minorToDecimal(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be an integer in minor units, got ${amount}`);
  return scaledToDecimal(amount, currencyDigits(currency));
}

/** A decimal string → minor units of `currency`; undefined when unreadable or too large. */
export function decimalToMinor(value: string, currency: string): number | undefined {
  const scaled = decimalToScaled(value, currencyDigits(currency));
  if (scaled === undefined || scaled > BigInt(Number.MAX_SAFE_INTEGER) || scaled < BigInt(Number.MIN_SAFE_INTEGER))
    return undefined;
  return Number(scaled);
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

/** A number in major units → minor units, rounded half away from zero; undefined when not a safe integer then. */
export function majorToMinor(value: number, currency: string): number | undefined {
  return Number.isFinite(value) ? decimalToMinor(plainDecimal(value), currency) : undefined;
}

/**
 * 1234 EUR → 12.34. Dividing two exact integers rounds once, to the double nearest the decimal,
 * which JSON writes as `12.34`.
 */
export function minorToMajor(amount: number, currency: string): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be an integer in minor units, got ${amount}`);
  return amount / 10 ** currencyDigits(currency);
}
