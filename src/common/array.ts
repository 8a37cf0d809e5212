/**
 * One-dimensional arrays: values are JavaScript arrays of engine values (null for NULL elements).
 * Text form as PostgreSQL's array_in / array_out: {1,2,NULL}, {"a b","x\"y"}.
 */
import { QuiverError, SqlState } from './errors.js';

/** Splits array text into element texts (null for an unquoted NULL). */
export function parseArrayText(s: string): (string | null)[] {
  const t = s.trim();
  if (t[0] !== '{' || t[t.length - 1] !== '}') {
    throw new QuiverError(SqlState.invalidTextRepresentation, `malformed array literal: "${s}"`, { detail: 'Array value must start with "{" or dimension information.' });
  }
  const out: (string | null)[] = [];
  let i = 1;
  const end = t.length - 1;
  if (t.slice(1, end).trim() === '') return out;
  while (i <= end) {
    while (i < end && /\s/.test(t[i]!)) i++;
    let v = '';
    let quoted = false;
    if (t[i] === '"') {
      quoted = true;
      i++;
      while (i < end && t[i] !== '"') {
        if (t[i] === '\\') i++;
        v += t[i++];
      }
      if (t[i] !== '"') throw new QuiverError(SqlState.invalidTextRepresentation, `malformed array literal: "${s}"`);
      i++;
      while (i < end && /\s/.test(t[i]!)) i++;
    } else {
      while (i < end && t[i] !== ',') {
        if (t[i] === '{' || t[i] === '"') throw new QuiverError(SqlState.featureNotSupported, 'multidimensional arrays are not supported');
        if (t[i] === '\\') i++;
        v += t[i++];
      }
      v = v.trim();
      if (v === '') throw new QuiverError(SqlState.invalidTextRepresentation, `malformed array literal: "${s}"`);
    }
    out.push(!quoted && v.toUpperCase() === 'NULL' ? null : v);
    if (t[i] === ',') { i++; continue; }
    if (i === end) break;
    throw new QuiverError(SqlState.invalidTextRepresentation, `malformed array literal: "${s}"`);
  }
  return out;
}

/** Element texts joined as PostgreSQL prints an array, quoting where needed. */
export function formatArrayText(elems: (string | null)[]): string {
  return `{${elems.map((e) => {
    if (e === null) return 'NULL';
    if (e === '' || /[{},"\\\s]/.test(e) || e.toUpperCase() === 'NULL') return `"${e.replace(/(["\\])/g, '\\$1')}"`;
    return e;
  }).join(',')}}`;
}
