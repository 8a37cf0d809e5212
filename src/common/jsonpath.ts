/**
 * SQL/JSON path language, the common part: `$`, `@`, `$var`, `.key`, `."key"`, `.*`, `[n]`,
 * `[n to m]`, `[last]`, `[*]`, filters `? (...)` with comparisons, `&&`, `||`, `!`, `exists`,
 * `starts with`, `like_regex`, `is unknown`, the methods type(), size(), double(), abs(),
 * floor(), ceiling(), and lax (default) and strict modes, as PostgreSQL's jsonpath_exec.c runs
 * them. A jsonpath value is its normalized text (as PostgreSQL prints it); arithmetic and the
 * datetime methods are not supported (0A000).
 */
import { QuiverError, SqlState } from './errors.js';
import { Decimal } from './decimal.js';
import { JsonNumber, JsonObject, type JsonValue, quoteJson, compareUtf8 } from './json.js';

type Cmp = '==' | '!=' | '<' | '<=' | '>' | '>=';
type Step =
  | { k: 'key'; name: string } | { k: 'anykey' } | { k: 'anyindex' }
  | { k: 'index'; subs: [Node, Node | null][] } | { k: 'filter'; pred: Node } | { k: 'method'; name: string };
type Node =
  | { k: 'path'; base: '$' | '@' | 'last' | { v: string } | { lit: JsonValue }; steps: Step[] }
  | { k: 'cmp'; op: Cmp; l: Node; r: Node } | { k: 'and' | 'or'; l: Node; r: Node } | { k: 'not'; e: Node }
  | { k: 'exists'; e: Node } | { k: 'starts'; l: Node; r: Node } | { k: 'regex'; l: Node; pattern: string; flags: string }
  | { k: 'unknown'; e: Node };

export interface JsonPath { strict: boolean; expr: Node }

const METHODS = new Set(['type', 'size', 'double', 'abs', 'floor', 'ceiling']);
const PREDICATES = new Set(['cmp', 'and', 'or', 'not', 'exists', 'starts', 'regex', 'unknown']);

function syntax(msg: string): QuiverError {
  return new QuiverError(SqlState.syntaxError, msg);
}

class PathParser {
  private i = 0;
  constructor(private readonly s: string) {}

  private ws(): void { while (/\s/.test(this.s[this.i] ?? '')) this.i++; }
  private peek(t: string): boolean { this.ws(); return this.s.startsWith(t, this.i); }
  private eat(t: string): boolean { if (this.peek(t)) { this.i += t.length; return true; } return false; }
  private word(w: string): boolean {
    this.ws();
    if (this.s.startsWith(w, this.i) && !/[A-Za-z0-9_]/.test(this.s[this.i + w.length] ?? '')) { this.i += w.length; return true; }
    return false;
  }
  private expect(t: string): void {
    if (!this.eat(t)) throw this.error();
  }
  private error(): QuiverError {
    this.ws();
    if (this.i >= this.s.length) return syntax('syntax error at end of jsonpath input');
    return syntax(`syntax error at or near "${this.s.slice(this.i, this.i + 1)}" of jsonpath input`);
  }

  parse(): JsonPath {
    let strict = false;
    if (this.word('strict')) strict = true;
    else this.word('lax');
    const expr = this.or();
    this.ws();
    if (this.i < this.s.length) {
      if (/[-+*/%]/.test(this.s[this.i]!)) {
        this.i++;
        this.ws();
        if (this.i >= this.s.length) throw this.error();
        throw new QuiverError(SqlState.featureNotSupported, 'jsonpath arithmetic is not supported');
      }
      throw this.error();
    }
    return { strict, expr };
  }

  private or(): Node {
    let l = this.and();
    while (this.eat('||')) l = { k: 'or', l, r: this.and() };
    return l;
  }

  private and(): Node {
    let l = this.unary();
    while (this.eat('&&')) l = { k: 'and', l, r: this.unary() };
    return l;
  }

  private unary(): Node {
    if (this.eat('!')) {
      this.expect('(');
      const e = this.or();
      this.expect(')');
      return { k: 'not', e };
    }
    if (this.word('exists')) {
      this.expect('(');
      const e = this.or();
      this.expect(')');
      return { k: 'exists', e };
    }
    return this.comparison();
  }

  private comparison(): Node {
    const l = this.value();
    // A parenthesized predicate: only `is unknown` may follow it.
    if (l.k !== 'path') {
      if (this.word('is')) {
        if (!this.word('unknown')) throw this.error();
        return { k: 'unknown', e: l };
      }
      return l;
    }
    for (const op of ['==', '!=', '<>', '<=', '>=', '<', '>'] as const) {
      if (this.eat(op)) return { k: 'cmp', op: op === '<>' ? '!=' : op, l, r: this.value() };
    }
    if (this.word('starts')) {
      if (!this.word('with')) throw this.error();
      return { k: 'starts', l, r: this.value() };
    }
    if (this.word('like_regex')) {
      const pattern = this.string();
      let flags = '';
      if (this.word('flag')) flags = this.string();
      if (/[^isxqm]/.test(flags)) throw new QuiverError(SqlState.syntaxError, `invalid input syntax for type jsonpath`, { detail: `Unrecognized flag character "${flags.match(/[^isxqm]/)![0]}" in LIKE_REGEX predicate.` });
      return { k: 'regex', l, pattern, flags };
    }
    return l;
  }

  private string(): string {
    this.ws();
    if (this.s[this.i] !== '"') throw this.error();
    const start = this.i;
    let p = this.i + 1;
    while (p < this.s.length && this.s[p] !== '"') p += this.s[p] === '\\' ? 2 : 1;
    if (p >= this.s.length) throw syntax('syntax error at end of jsonpath input');
    this.i = p + 1;
    return JSON.parse(this.s.slice(start, p + 1)) as string;
  }

  private value(): Node {
    this.ws();
    const c = this.s[this.i];
    let node: Node;
    if (c === '(') {
      this.i++;
      const inner = this.or();
      this.expect(')');
      if (inner.k !== 'path') return inner;
      node = inner;
    } else if (c === '$') {
      this.i++;
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
      if (m) { this.i += m[0].length; node = { k: 'path', base: { v: m[0] }, steps: [] }; }
      else if (this.s[this.i] === '"') node = { k: 'path', base: { v: this.string() }, steps: [] };
      else node = { k: 'path', base: '$', steps: [] };
    } else if (c === '@') {
      this.i++;
      node = { k: 'path', base: '@', steps: [] };
    } else if (c === '"') {
      node = { k: 'path', base: { lit: this.string() }, steps: [] };
    } else if (c !== undefined && /[-+0-9.]/.test(c)) {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(this.s.slice(this.i));
      if (!m) throw this.error();
      this.i += m[0].length;
      node = { k: 'path', base: { lit: new JsonNumber(Decimal.parse(m[0].replace(/^\+/, '')).toString()) }, steps: [] };
    } else if (this.word('true')) node = { k: 'path', base: { lit: true }, steps: [] };
    else if (this.word('false')) node = { k: 'path', base: { lit: false }, steps: [] };
    else if (this.word('null')) node = { k: 'path', base: { lit: null }, steps: [] };
    else if (this.word('last')) node = { k: 'path', base: 'last', steps: [] };
    else throw this.error();
    if (node.k !== 'path') return node;
    for (;;) {
      if (this.eat('.')) {
        this.ws();
        if (this.eat('*')) { node.steps.push({ k: 'anykey' }); continue; }
        if (this.s[this.i] === '"') { node.steps.push({ k: 'key', name: this.string() }); continue; }
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
        if (!m) throw this.error();
        this.i += m[0].length;
        if (this.peek('(')) {
          if (!METHODS.has(m[0])) throw new QuiverError(SqlState.featureNotSupported, `jsonpath item method .${m[0]}() is not supported`);
          this.expect('(');
          this.expect(')');
          node.steps.push({ k: 'method', name: m[0] });
        } else {
          node.steps.push({ k: 'key', name: m[0] });
        }
        continue;
      }
      if (this.eat('[')) {
        if (this.eat('*')) { this.expect(']'); node.steps.push({ k: 'anyindex' }); continue; }
        const subs: [Node, Node | null][] = [];
        do {
          const from = this.subscript();
          subs.push([from, this.word('to') ? this.subscript() : null]);
        } while (this.eat(','));
        this.expect(']');
        node.steps.push({ k: 'index', subs });
        continue;
      }
      if (this.eat('?')) {
        this.expect('(');
        const pred = this.or();
        this.expect(')');
        if (!PREDICATES.has(pred.k)) throw syntax('syntax error at or near ")" of jsonpath input');
        node.steps.push({ k: 'filter', pred });
        continue;
      }
      return node;
    }
  }

  /** An array subscript: a number, `last`, or `last - n`. */
  private subscript(): Node {
    const v = this.value();
    if (v.k === 'path' && v.base === 'last' && this.eat('-')) {
      const n = this.value();
      return { k: 'path', base: 'last', steps: [{ k: 'method', name: `-${(n.k === 'path' && typeof n.base === 'object' && 'lit' in n.base && n.base.lit instanceof JsonNumber) ? n.base.lit.text : '0'}` }] };
    }
    return v;
  }
}

// ---- printing (PostgreSQL's jsonpath_out) ------------------------------------------------------

/** PostgreSQL's operationPriority: an operand prints in parentheses unless it binds tighter. */
function prio(n: Node): number {
  switch (n.k) {
    case 'or': return 0;
    case 'and': return 1;
    case 'cmp': case 'starts': return 2;
    default: return 6;
  }
}

function printNode(n: Node, brackets: boolean): string {
  const side = (c: Node): string => printNode(c, prio(c) <= prio(n));
  const wrap = (s: string): string => (brackets ? `(${s})` : s);
  switch (n.k) {
    case 'path': {
      let s: string;
      if (n.base === '$' || n.base === '@') s = n.base;
      else if (n.base === 'last') {
        const m = n.steps[0];
        return m && m.k === 'method' && m.name.startsWith('-') ? `last - ${m.name.slice(1)}` : 'last';
      } else if ('v' in n.base) s = '$' + quoteJson(n.base.v);
      else s = literalText(n.base.lit);
      for (const st of n.steps) s += printStep(st);
      return s;
    }
    case 'cmp': return wrap(`${side(n.l)} ${n.op} ${side(n.r)}`);
    case 'and': return wrap(`${side(n.l)} && ${side(n.r)}`);
    case 'or': return wrap(`${side(n.l)} || ${side(n.r)}`);
    case 'not': return `!(${printNode(n.e, false)})`;
    case 'exists': return `exists (${printNode(n.e, false)})`;
    case 'starts': return wrap(`${side(n.l)} starts with ${side(n.r)}`);
    case 'regex': return wrap(`${side(n.l)} like_regex ${quoteJson(n.pattern)}${n.flags ? ` flag ${quoteJson(n.flags)}` : ''}`);
    case 'unknown': return `(${printNode(n.e, false)}) is unknown`;
  }
}

function literalText(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return quoteJson(v);
  return (v as JsonNumber).text;
}

function printStep(st: Step): string {
  switch (st.k) {
    case 'key': return '.' + quoteJson(st.name);
    case 'anykey': return '.*';
    case 'anyindex': return '[*]';
    case 'index': return '[' + st.subs.map(([a, b]) => printNode(a, false) + (b ? ` to ${printNode(b, false)}` : '')).join(',') + ']';
    case 'filter': return `?(${printNode(st.pred, false)})`;
    case 'method': return `.${st.name}()`;
  }
}

export function printJsonPath(p: JsonPath): string {
  return (p.strict ? 'strict ' : '') + printNode(p.expr, true);
}

const parsed = new Map<string, JsonPath>();

/** A jsonpath text (already normalized, or user input) parsed, with a small cache. */
export function parseJsonPath(s: string): JsonPath {
  let p = parsed.get(s);
  if (!p) {
    p = new PathParser(s).parse();
    if (parsed.size > 256) parsed.clear();
    parsed.set(s, p);
  }
  return p;
}

/** jsonpath's input function: the normalized text. */
export function jsonpathIn(s: string): string {
  return printJsonPath(parseJsonPath(s));
}

// ---- execution ---------------------------------------------------------------------------------

class PathError extends QuiverError {}

function structural(code: string, msg: string): PathError { return new PathError(code, msg); }

interface Ctx { root: JsonValue; vars: JsonValue; strict: boolean; last: number }

const isObj = (v: JsonValue): v is JsonObject => v instanceof JsonObject;

function typeName(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (v instanceof JsonNumber) return 'number';
  return Array.isArray(v) ? 'array' : 'object';
}

function num(v: JsonNumber): Decimal { return Decimal.parse(v.text); }

function evalPath(n: Node, ctx: Ctx, current: JsonValue): JsonValue[] {
  if (n.k !== 'path') {
    const r = evalPred(n, ctx, current);
    return [r];
  }
  let seq: JsonValue[];
  const b = n.base;
  if (b === '$') seq = [ctx.root];
  else if (b === '@') seq = [current];
  else if (b === 'last') {
    const m = n.steps[0];
    const minus = m && m.k === 'method' && m.name.startsWith('-') ? Number(m.name.slice(1)) : 0;
    return [new JsonNumber(String(ctx.last - minus))];
  } else if ('v' in b) {
    const vars = ctx.vars;
    const k = vars instanceof JsonObject ? vars.keys.indexOf(b.v) : -1;
    if (k < 0) throw new QuiverError(SqlState.undefinedObject, `could not find jsonpath variable "${b.v}"`);
    seq = [(vars as JsonObject).values[k]!];
  } else seq = [b.lit];
  for (const st of n.steps) seq = seq.flatMap((v) => applyStep(st, v, ctx, true));
  return seq;
}

function applyStep(st: Step, v: JsonValue, ctx: Ctx, unwrap: boolean): JsonValue[] {
  const lax = !ctx.strict;
  switch (st.k) {
    case 'key': {
      if (isObj(v)) {
        const i = v.keys.indexOf(st.name);
        if (i >= 0) return [v.values[i]!];
        if (lax) return [];
        throw structural('2203A', `JSON object does not contain key "${st.name}"`);
      }
      if (lax && unwrap && Array.isArray(v)) return v.flatMap((x) => applyStep(st, x, ctx, false));
      if (lax) return [];
      throw structural('2203A', 'jsonpath member accessor can only be applied to an object');
    }
    case 'anykey': {
      if (isObj(v)) return v.values;
      if (lax && unwrap && Array.isArray(v)) return v.flatMap((x) => applyStep(st, x, ctx, false));
      if (lax) return [];
      throw structural('2203C', 'jsonpath wildcard member accessor can only be applied to an object');
    }
    case 'anyindex': {
      if (Array.isArray(v)) return v;
      if (lax) return [v];
      throw structural('22039', 'jsonpath wildcard array accessor can only be applied to an array');
    }
    case 'index': {
      const arr = Array.isArray(v) ? v : lax ? [v] : null;
      if (!arr) throw structural('22039', 'jsonpath array accessor can only be applied to an array');
      const out: JsonValue[] = [];
      const sub = { ...ctx, last: arr.length - 1 };
      for (const [a, b] of st.subs) {
        const from = indexOf(a, sub, v), to = b ? indexOf(b, sub, v) : from;
        if (from < 0 || to >= arr.length || from > to) {
          if (!lax) throw structural('22033', 'jsonpath array subscript is out of bounds');
        }
        for (let i = Math.max(from, 0); i <= Math.min(to, arr.length - 1); i++) out.push(arr[i]!);
      }
      return out;
    }
    case 'filter': {
      if (lax && unwrap && Array.isArray(v)) return v.flatMap((x) => applyStep(st, x, ctx, false));
      return evalPred(st.pred, ctx, v) === true ? [v] : [];
    }
    case 'method': return method(st.name, v, ctx, unwrap);
  }
}

function indexOf(n: Node, ctx: Ctx, current: JsonValue): number {
  const r = evalPath(n, ctx, current);
  if (r.length !== 1 || !(r[0] instanceof JsonNumber)) throw structural('22033', 'jsonpath array subscript is not a single numeric value');
  return Math.trunc(Number(r[0].text));
}

function method(name: string, v: JsonValue, ctx: Ctx, unwrap: boolean): JsonValue[] {
  const lax = !ctx.strict;
  if (name === 'type') return [typeName(v)];
  if (name === 'size') {
    if (Array.isArray(v)) return [new JsonNumber(String(v.length))];
    if (lax) return [new JsonNumber('1')];
    throw structural('22039', 'jsonpath item method .size() can only be applied to an array');
  }
  if (lax && unwrap && Array.isArray(v)) return v.flatMap((x) => method(name, x, ctx, false));
  if (name === 'double') {
    const d = v instanceof JsonNumber ? Number(v.text) : typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(d)) {
      if (typeof v === 'string') throw structural('22036', `string argument of jsonpath item method .double() is not a valid representation of a double precision number`);
      throw structural('22036', 'jsonpath item method .double() can only be applied to a string or numeric value');
    }
    return [new JsonNumber(Decimal.parse(String(d)).toString())];
  }
  if (!(v instanceof JsonNumber)) throw structural('22036', `jsonpath item method .${name}() can only be applied to a numeric value`);
  const d = num(v);
  const r = name === 'abs' ? d.abs() : name === 'floor' ? d.floor() : d.ceil();
  return [new JsonNumber(r.toString())];
}

type Tri = boolean | null;

function compareItems(op: Cmp, a: JsonValue, b: JsonValue): Tri {
  const ta = typeName(a), tb = typeName(b);
  if (ta !== tb) {
    if (a === null || b === null) return op === '!=';
    return null;
  }
  let c: number;
  switch (ta) {
    case 'null': c = 0; break;
    case 'boolean': c = a === b ? 0 : a ? 1 : -1; break;
    case 'number': c = num(a as JsonNumber).cmp(num(b as JsonNumber)); break;
    case 'string': c = compareUtf8(a as string, b as string); break;
    default: return null; // arrays and objects are not comparable
  }
  switch (op) {
    case '==': return c === 0;
    case '!=': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    default: return c >= 0;
  }
}

/** An operand of a predicate: its items (arrays unwrapped in lax mode), or null on an error. */
function operand(n: Node, ctx: Ctx, current: JsonValue): JsonValue[] | null {
  try {
    const items = evalPath(n, ctx, current);
    return ctx.strict ? items : items.flatMap((x) => (Array.isArray(x) ? x : [x]));
  } catch (e) {
    if (e instanceof PathError) return null;
    throw e;
  }
}

/** Existential: true if some pair holds, unknown if none does and some pair could not be compared. */
function anyPair(l: JsonValue[] | null, r: JsonValue[] | null, f: (a: JsonValue, b: JsonValue) => Tri): Tri {
  if (l === null || r === null) return null;
  let unknown = false;
  for (const a of l) {
    for (const b of r) {
      const x = f(a, b);
      if (x === true) return true;
      if (x === null) unknown = true;
    }
  }
  return unknown ? null : false;
}

function evalPred(n: Node, ctx: Ctx, current: JsonValue): Tri {
  switch (n.k) {
    case 'cmp': return anyPair(operand(n.l, ctx, current), operand(n.r, ctx, current), (a, b) => compareItems(n.op, a, b));
    case 'and': {
      const l = evalPred(n.l, ctx, current);
      if (l === false) return false;
      const r = evalPred(n.r, ctx, current);
      return r === false ? false : l === null || r === null ? null : true;
    }
    case 'or': {
      const l = evalPred(n.l, ctx, current);
      if (l === true) return true;
      const r = evalPred(n.r, ctx, current);
      return r === true ? true : l === null || r === null ? null : false;
    }
    case 'not': { const e = evalPred(n.e, ctx, current); return e === null ? null : !e; }
    case 'unknown': return evalPred(n.e, ctx, current) === null;
    case 'exists': {
      const items = operand(n.e, ctx, current);
      return items === null ? null : items.length > 0;
    }
    case 'starts': return anyPair(operand(n.l, ctx, current), operand(n.r, ctx, current),
      (a, b) => (typeof a === 'string' && typeof b === 'string' ? a.startsWith(b) : null));
    case 'regex': {
      const flags = (n.flags.includes('i') ? 'i' : '') + (n.flags.includes('s') ? 's' : '') + (n.flags.includes('m') ? 'm' : '');
      const re = new RegExp(n.flags.includes('q') ? n.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : n.pattern, flags + 'u');
      return anyPair(operand(n.l, ctx, current), [null], (a) => (typeof a === 'string' ? re.test(a) : null));
    }
    case 'path': {
      // A bare path where a predicate belongs: PostgreSQL's grammar does not allow it.
      throw new QuiverError(SqlState.syntaxError, 'syntax error in jsonpath: a predicate is expected');
    }
  }
}

/**
 * Runs a path over a jsonb value: its items (a predicate path gives one boolean, or null for
 * unknown). `silent` turns the structural errors of strict mode into no items.
 */
export function runJsonPath(path: JsonPath, root: JsonValue, vars: JsonValue, silent: boolean): JsonValue[] | null {
  const ctx: Ctx = { root, vars, strict: path.strict, last: -1 };
  try {
    return evalPath(path.expr, ctx, root);
  } catch (e) {
    if (silent && e instanceof PathError) return null;
    throw e;
  }
}
