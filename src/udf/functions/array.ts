/**
 * Array functions and operators: ||, =, <>, cardinality, array_length, array_to_string,
 * string_to_array, array_position, and x = ANY(array).
 */
import { T, arrayOf, typeName, type SqlType } from '../../common/types.js';
import { QuiverError, SqlState, MAX_TEXT_LENGTH, textTooLong } from '../../common/errors.js';
import { registerScalar } from '../registry.js';
import { toText } from '../runtime.js';
import { keyOf } from './array_keys.js';
import { compileRegex, parseRegexFlags } from '../regex.js';
import { splitRegex } from '../set_functions.js';
import { quoteIdent } from '../quote_ident.js';

const sameElems = (a: SqlType[]): SqlType => {
  const [x, y] = a as [SqlType, SqlType];
  if (x.elem && y.elem && x.elem.id !== y.elem.id) {
    throw new QuiverError(SqlState.datatypeMismatch, `cannot concatenate incompatible arrays`, { detail: `Arrays with element types ${typeName(x.elem)} and ${typeName(y.elem)} are not compatible for concatenation.` });
  }
  return x;
};

function register(): void {
  registerScalar({ name: '||', args: ['array', 'array'], ret: sameElems, strict: false, impl: ((a: unknown[] | null, b: unknown[] | null) => (a === null ? b : b === null ? a : [...a, ...b])) as (...args: never[]) => unknown });
  registerScalar({ name: 'array_cat', args: ['array', 'array'], ret: sameElems, strict: false, impl: ((a: unknown[] | null, b: unknown[] | null) => (a === null ? b : b === null ? a : [...a, ...b])) as (...args: never[]) => unknown });
  registerScalar({ name: 'array_append', args: ['array', 'any'], ret: (a) => a[0]!, strict: false, impl: ((a: unknown[] | null, x: unknown) => [...(a ?? []), x]) as (...args: never[]) => unknown });
  registerScalar({ name: 'array_prepend', args: ['any', 'array'], ret: (a) => a[1]!, strict: false, impl: ((x: unknown, a: unknown[] | null) => [x, ...(a ?? [])]) as (...args: never[]) => unknown });
  registerScalar({ name: 'cardinality', args: ['array'], ret: T.int4, strict: true, impl: ((a: unknown[]) => a.length) as (...args: never[]) => unknown });
  registerScalar({ name: 'array_length', args: ['array', 'int4'], ret: T.int4, strict: true, impl: ((a: unknown[], d: number) => (d === 1 && a.length > 0 ? a.length : null)) as (...args: never[]) => unknown });
  registerScalar({
    name: 'array_to_string', args: ['array', 'text'], ret: T.text, strict: true, needsTypes: true,
    impl: ((a: unknown[], sep: string, t: SqlType) => a.filter((x) => x !== null).map((x) => toText(x, t.elem!)).join(sep)) as (...args: never[]) => unknown,
  });
  registerScalar({
    name: 'array_to_string', args: ['array', 'text', 'text'], ret: T.text, strict: true, needsTypes: true,
    impl: ((a: unknown[], sep: string, nul: string, t: SqlType) => a.map((x) => (x === null ? nul : toText(x, t.elem!))).join(sep)) as (...args: never[]) => unknown,
  });
  registerScalar({
    name: 'string_to_array', args: ['text', 'text'], ret: arrayOf(T.text), strict: false,
    impl: ((s: string | null, d: string | null) => (s === null ? null : s === '' ? [] : d === null ? [...s] : d === '' ? [s] : s.split(d))) as (...args: never[]) => unknown,
  });
  registerScalar({
    name: 'array_position', args: ['array', 'any'], ret: T.int4, strict: false, needsTypes: true,
    impl: ((a: unknown[] | null, x: unknown, ts: SqlType[]) => {
      if (a === null) return null;
      const et = ts[0]!.elem!;
      const k = keyOf(x, et);
      const i = a.findIndex((y) => keyOf(y, et) === k);
      return i < 0 ? null : i + 1;
    }) as (...args: never[]) => unknown,
  });
  // Equality compares element by element (NULL elements equal each other, as PostgreSQL's array_eq).
  const eq = (a: unknown[], b: unknown[], t: SqlType): boolean => a.length === b.length && a.every((x, i) => keyOf(x, t.elem!) === keyOf(b[i], t.elem!));
  registerScalar({ name: '=', args: ['array', 'array'], ret: T.bool, strict: true, needsTypes: true, impl: ((a: unknown[], b: unknown[], t: SqlType) => eq(a, b, t)) as (...args: never[]) => unknown });
  registerScalar({ name: '<>', args: ['array', 'array'], ret: T.bool, strict: true, needsTypes: true, impl: ((a: unknown[], b: unknown[], t: SqlType) => !eq(a, b, t)) as (...args: never[]) => unknown });
}

register();

// ---- regexp_match, regexp_split_to_array, format ---------------------------------------------

/** regexp_match(s, pattern [, flags]): the first match's groups (or the whole match), or NULL. */
function regexpMatch(s: string, pattern: string, flags = ''): (string | null)[] | null {
  const re = compileRegex(pattern, parseRegexFlags(flags, 'regexp_match'));
  re.lastIndex = 0;
  const m = re.exec(s);
  if (!m) return null;
  return m.length > 1 ? m.slice(1).map((x) => (x === undefined ? null : x)) : [m[0]];
}

/** format(fmt, args...): %s (text), %I (identifier), %L (literal), %% — PostgreSQL's subset without widths. */
/**
 * format(): PostgreSQL's text_format, with argument positions (%2$s), the - flag and widths, given
 * directly (%10s) or by an argument (%*s, %*3$s); a negative width aligns to the left.
 */
function formatText(fmt: string, args: unknown[], types: SqlType[]): string {
  const bad = (msg: string, hint = false): QuiverError =>
    new QuiverError(SqlState.invalidParameterValue, msg, hint ? { hint: 'For a single "%" use "%%".' } : {});
  let out = '';
  let arg = 0; // the last argument used, 1-based as in PostgreSQL (0: none yet)
  let i = 0;
  const advance = (): void => { if (++i >= fmt.length) throw bad('unterminated format() type specifier', true); };
  const digits = (): number | null => {
    const m = /^\d+/.exec(fmt.slice(i, i + 12));
    if (!m) return null;
    const n = Number(m[0]);
    if (m[0].length > 10 || n > 0x7fffffff) throw new QuiverError(SqlState.numericOutOfRange, 'number is out of range');
    i += m[0].length;
    if (i >= fmt.length) throw bad('unterminated format() type specifier', true);
    return n;
  };
  const argument = (pos: number): number => {
    arg = pos > 0 ? pos : arg + 1;
    if (arg > args.length) throw bad('too few arguments for format()');
    return arg - 1;
  };
  for (; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') { out += c; continue; }
    advance();
    if (fmt[i] === '%') { out += '%'; continue; }
    let argpos = 0, widthpos = -1, width = 0, minus = false;
    const first = digits();
    if (first !== null && fmt[i] !== '$') {
      width = first;
    } else {
      if (first !== null) {
        if (first === 0) throw bad('format specifies argument 0, but arguments are numbered from 1');
        argpos = first;
        advance();
      }
      while (fmt[i] === '-') { minus = true; advance(); }
      if (fmt[i] === '*') {
        advance();
        const n = digits();
        if (n !== null) {
          if (fmt[i] !== '$') throw bad('width argument position must be ended by "$"');
          if (n === 0) throw bad('format specifies argument 0, but arguments are numbered from 1');
          widthpos = n;
          advance();
        } else widthpos = 0;
      } else {
        width = digits() ?? 0;
      }
    }
    const spec = fmt[i]!;
    if (spec !== 's' && spec !== 'I' && spec !== 'L') throw bad(`unrecognized format() type specifier "${spec}"`, true);
    if (widthpos >= 0) {
      const k = argument(widthpos);
      const w = args[k];
      if (w === null || w === undefined) width = 0;
      else {
        const t = typeof w === 'number' || typeof w === 'bigint' ? String(w) : toText(w, types[k]!);
        if (!/^\s*[+-]?\d+\s*$/.test(t)) throw new QuiverError(SqlState.invalidTextRepresentation, `invalid input syntax for type integer: "${t}"`);
        width = Number(t);
        if (width > 0x7fffffff || width < -0x80000000) throw new QuiverError(SqlState.numericOutOfRange, `value "${t.trim()}" is out of range for type integer`);
      }
    }
    const k = argument(argpos);
    const v = args[k];
    let text: string;
    if (v === null) {
      if (spec === 'I') throw new QuiverError('22004', 'null values cannot be formatted as an SQL identifier');
      text = spec === 'L' ? 'NULL' : '';
    } else {
      // Booleans print as their output function writes them (t/f), as in concat().
      const t = types[k]!.id === 'bool' ? (v ? 't' : 'f') : toText(v, types[k]!);
      if (spec === 's') text = t;
      else if (spec === 'I') text = quoteIdent(t);
      // quote_literal: a backslash doubles, and the literal becomes an E'' string.
      else text = (t.includes('\\') ? 'E' : '') + `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
    }
    if (width <= -0x80000000) throw new QuiverError(SqlState.numericOutOfRange, 'number is out of range');
    const left = width < 0 || minus;
    const pad = Math.abs(width) - [...text].length;
    if (pad > 0) {
      if (out.length + pad + text.length > MAX_TEXT_LENGTH) throw textTooLong(out.length, pad + text.length);
      text = left ? text + ' '.repeat(pad) : ' '.repeat(pad) + text;
    }
    if (out.length + text.length > MAX_TEXT_LENGTH) throw textTooLong(out.length, text.length);
    out += text;
  }
  return out;
}

function registerText(): void {
  registerScalar({ name: 'regexp_match', args: ['text', 'text'], ret: arrayOf(T.text), strict: true, impl: ((s: string, p: string) => regexpMatch(s, p)) as (...args: never[]) => unknown });
  registerScalar({ name: 'regexp_match', args: ['text', 'text', 'text'], ret: arrayOf(T.text), strict: true, impl: ((s: string, p: string, f: string) => regexpMatch(s, p, f)) as (...args: never[]) => unknown });
  registerScalar({
    name: 'regexp_split_to_array', args: ['text', 'text'], ret: arrayOf(T.text), strict: true,
    impl: ((s: string, p: string) => [...splitRegex(s, p, '', 'regexp_split_to_array')]) as (...args: never[]) => unknown,
  });
  registerScalar({
    name: 'regexp_split_to_array', args: ['text', 'text', 'text'], ret: arrayOf(T.text), strict: true,
    impl: ((s: string, p: string, f: string) => [...splitRegex(s, p, f, 'regexp_split_to_array')]) as (...args: never[]) => unknown,
  });
  registerScalar({
    name: 'format', args: ['text', 'any'], variadic: true, ret: T.text, strict: false, needsTypes: true, nullVariadic: 'empty',
    impl: ((...xs: unknown[]) => {
      const types = xs[xs.length - 2] as SqlType[];
      const vals = xs.slice(0, xs.length - 2);
      return vals[0] === null ? null : formatText(vals[0] as string, vals.slice(1), types.slice(1));
    }) as (...args: never[]) => unknown,
  });
  registerScalar({ name: 'format', args: ['text'], ret: T.text, strict: true, impl: ((f: string) => formatText(f, [], [])) as (...args: never[]) => unknown });
}

registerText();
