/**
 * Odoo keeps amounts as floats in major units; the SPI as integers in minor units. The
 * currency's digits come from CLDR via Intl (EUR 2, JPY 0, KWD 3).
 */
function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** 12.34 EUR → 1234. Rounds half away from zero, so float noise (19.99 * 100 = 1998.999…) cannot lose a cent. */
export function toMinorUnits(major: number, currency: string): number {
  const scaled = major * 10 ** minorDigits(currency);
  return Math.sign(scaled) * Math.round(Math.abs(scaled));
}

/** 1234 EUR → 12.34 (a float, as Odoo's monetary fields take it). */
export function toMajorUnits(minor: number, currency: string): number {
  const digits = minorDigits(currency);
  return Number((minor / 10 ** digits).toFixed(digits));
}
