/**
 * The `{version}` segment of a versioned network URL (/api/network/{version}/layers|nodes|reports/…,
 * /api/tiles/{version}/…) and its check against the version in force. Versions are whole numbers
 * from 1, one per import, so a refusal can say which of three things is wrong: the segment is not a
 * version at all (400), the version was replaced by a later import (404 stale_version), or there has
 * never been such a version (404 unknown_version). Each names the field `version` and the current one.
 */
import { HttpError } from './respond';

/** The segment as a version number: digits only, no sign, no decimals, no leading zero. */
export function versionParam(segment: string, current: number | null): number {
  const n = /^[1-9]\d{0,14}$/.test(segment) ? Number(segment) : /^0$/.test(segment) ? 0 : NaN;
  if (Number.isNaN(n)) {
    throw new HttpError(400, 'bad_version', `the network version in the URL must be a whole number from 1${current === null ? '' : ` (the current one is ${current})`}; got "${segment}"`, 'version');
  }
  return n;
}

/** Throws 404 naming both versions unless `requested` is the version in force. */
export function inForce(requested: number, current: number): void {
  if (requested === current) return;
  if (requested >= 1 && requested < current) {
    throw new HttpError(404, 'stale_version', `network version ${requested} is not current (current: ${current}): a later import replaced it`, 'version');
  }
  throw new HttpError(404, 'unknown_version', `there is no network version ${requested}: versions run from 1 to ${current}, the current one`, 'version');
}
