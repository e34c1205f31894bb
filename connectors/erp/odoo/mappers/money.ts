/**
 * Odoo keeps amounts as floats in major units. Its values come from its own database, so an
 * amount that is no safe integer in minor units is a broken record: refuse it rather than guess.
 */
import { majorToMinor, minorToMajor } from '../../../money';

export function toMinorUnits(major: number, currency: string): number {
  const minor = majorToMinor(major, currency);
  if (minor === undefined) throw new RangeError(`Odoo amount ${major} ${currency} is not a safe amount in minor units`);
  return minor;
}

export const toMajorUnits = minorToMajor;
