/**
 * Maps key tuples to dense group ids (0, 1, 2, ...). Used by hash aggregation, hash joins,
 * DISTINCT and set operations. NULL is an ordinary key value here (GROUP BY puts NULLs together);
 * joins skip NULL keys before probing.
 */
import type { SqlType } from '../common/types.js';
import { physicalKind } from '../common/types.js';
import { jsonbHashKey } from '../common/json.js';
import { QuiverError, SqlState } from '../common/errors.js';
import type { Vector } from '../common/vector.js';
import { VectorBuilder } from '../common/vector.js';
import type { Decimal } from '../common/decimal.js';
import type { Interval } from '../common/datetime.js';
import { intervalHashKey } from '../common/datetime.js';
import { toText } from '../udf/runtime.js';

export class GroupTable {
  size = 0;
  private readonly keyBuilders: VectorBuilder[];
  private readonly single: 'i32' | 'other' | null;
  /** Two int32 keys (composite foreign keys, GROUP BY a, b): an open-addressed table of pairs. */
  private readonly pairI32: boolean;
  // slot h: pairs[3h] = first key, pairs[3h + 1] = second, pairs[3h + 2] = id (-1: empty).
  private pairs = new Int32Array(0);
  private pairMask = 0;
  private pairShift = 32;
  // Open addressing for a single int32 key: slot h is slots[2h] = key, slots[2h + 1] = id
  // (-1: empty). Key and id side by side cost one cache miss per probe, not two.
  private slots = new Int32Array(0);
  private mask = 0;
  /** Multiplicative hashing keeps the high bits: the low ones depend only on the key's low bits. */
  private shift = 32;
  private nullId = -1;
  private map = new Map<unknown, number>();

  constructor(readonly keyTypes: SqlType[]) {
    this.keyBuilders = keyTypes.map((t) => new VectorBuilder(t, 1024));
    this.single = keyTypes.length === 1 ? (physicalKind(keyTypes[0]!.id) === 'i32' ? 'i32' : 'other') : null;
    if (this.single === 'i32') this.rehash(1024);
    this.pairI32 = keyTypes.length === 2 && keyTypes.every((t) => physicalKind(t.id) === 'i32');
    if (this.pairI32) this.rehashPairs(1024);
  }

  private rehashPairs(cap: number): void {
    const old = this.pairs;
    const slots = new Int32Array(3 * cap).fill(-1);
    const mask = cap - 1, shift = 32 - Math.log2(cap);
    for (let s = 0; s < old.length; s += 3) {
      const id = old[s + 2]!;
      if (id < 0) continue;
      const a = old[s]!, b = old[s + 1]!;
      let h = pairHash(a, b) >>> shift;
      while (slots[3 * h + 2] !== -1) h = (h + 1) & mask;
      slots[3 * h] = a;
      slots[3 * h + 1] = b;
      slots[3 * h + 2] = id;
    }
    this.pairs = slots;
    this.pairMask = mask;
    this.pairShift = shift;
  }

  /**
   * Two int32 keys. Rows with a NULL in either key go through the general map; they can never
   * equal a pair in the table, so the two never disagree on a key's id.
   */
  private lookupPairI32(keys: Vector[], n: number, out: Int32Array, sel: Int32Array | null, add: boolean): void {
    const ka = keys[0]!, kb = keys[1]!;
    const da = ka.data as Int32Array, db = kb.data as Int32Array;
    const va = ka.valid, vb = kb.valid;
    let slots = this.pairs, mask = this.pairMask, shift = this.pairShift;
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if ((va !== null && va[i] === 0) || (vb !== null && vb[i] === 0)) {
        out[k] = this.mapId(keys, compositeKey(keys, i), i, add);
        continue;
      }
      const a = da[i]!, b = db[i]!;
      let h = pairHash(a, b) >>> shift;
      let id: number;
      for (;;) {
        id = slots[3 * h + 2]!;
        if (id === -1 || (slots[3 * h] === a && slots[3 * h + 1] === b)) break;
        h = (h + 1) & mask;
      }
      if (id === -1) {
        if (!add) { out[k] = -1; continue; }
        id = this.size++;
        slots[3 * h] = a;
        slots[3 * h + 1] = b;
        slots[3 * h + 2] = id;
        this.keyBuilders[0]!.push(a);
        this.keyBuilders[1]!.push(b);
        if (this.size * 2 > mask) {
          this.rehashPairs((mask + 1) * 2);
          slots = this.pairs; mask = this.pairMask; shift = this.pairShift;
        }
      }
      out[k] = id;
    }
  }

  private rehash(cap: number): void {
    const old = this.slots;
    const slots = new Int32Array(2 * cap).fill(-1);
    const mask = cap - 1, shift = 32 - Math.log2(cap);
    for (let s = 0; s < old.length; s += 2) {
      const id = old[s + 1]!;
      if (id < 0) continue;
      const k = old[s]!;
      let h = Math.imul(k, 0x9e3779b1) >>> shift;
      while (slots[2 * h + 1] !== -1) h = (h + 1) & mask;
      slots[2 * h] = k;
      slots[2 * h + 1] = id;
    }
    this.slots = slots;
    this.mask = mask;
    this.shift = shift;
  }

  /** Assigns ids to rows (sel ? sel[k] : k) for k < n, inserting new keys; writes ids into out[k]. */
  insert(keys: Vector[], n: number, out: Int32Array, sel: Int32Array | null = null): void {
    this.lookup(keys, n, out, sel, true);
  }

  /** Like insert but never adds keys: unknown keys get -1. */
  probe(keys: Vector[], n: number, out: Int32Array, sel: Int32Array | null = null): void {
    this.lookup(keys, n, out, sel, false);
  }

  private lookup(keys: Vector[], n: number, out: Int32Array, sel: Int32Array | null, add: boolean): void {
    if (this.single === 'i32') { this.lookupI32(keys[0]!, n, out, sel, add); return; }
    if (this.pairI32) { this.lookupPairI32(keys, n, out, sel, add); return; }
    if (keys.length === 1 && keys[0]!.dict && keys[0]!.type.id !== 'bpchar') { this.lookupDict(keys[0]!, n, out, sel, add); return; }
    const nk = keys.length;
    if (nk > 1 && keys.every((v) => v.dict)) {
      // Several dictionary-encoded keys (GROUP BY flag, status): each combination of codes in
      // this batch is looked up once, and rows map through a small table of combinations.
      let total = 1;
      for (const v of keys) total *= v.dict!.values.length + 1;
      if (total <= 65536) { this.lookupDictCombo(keys, total, n, out, sel, add); return; }
    }
    for (let k = 0; k < n; k++) {
      const i = sel ? sel[k]! : k;
      out[k] = this.mapId(keys, nk === 1 ? keyOf(keys[0]!, i) : compositeKey(keys, i), i, add);
    }
  }

  /** Row i's id under `key` in the general map; a new key is added when `add`, else -1. */
  private mapId(keys: Vector[], key: unknown, i: number, add: boolean): number {
    const found = this.map.get(key);
    if (found !== undefined) return found;
    if (!add) return -1;
    const id = this.size++;
    this.map.set(key, id);
    for (let c = 0; c < keys.length; c++) this.keyBuilders[c]!.pushFrom(keys[c]!, i);
    return id;
  }

  private lookupDictCombo(keys: Vector[], total: number, n: number, out: Int32Array, sel: Int32Array | null, add: boolean): void {
    const cache = new Int32Array(total).fill(-2);
    const codes = keys.map((v) => v.dict!.codes);
    const strides = new Int32Array(keys.length);
    let m = 1;
    for (let c = keys.length - 1; c >= 0; c--) { strides[c] = m; m *= keys[c]!.dict!.values.length + 1; }
    for (let k = 0; k < n; k++) {
      const i = sel ? sel[k]! : k;
      let combo = 0;
      // Code -1 (NULL) becomes slot 0.
      for (let c = 0; c < codes.length; c++) combo += (codes[c]![i]! + 1) * strides[c]!;
      let id = cache[combo]!;
      if (id === -2) {
        id = this.mapId(keys, compositeKey(keys, i), i, add);
        cache[combo] = id;
      }
      out[k] = id;
    }
  }

  /** Dictionary-encoded text: look each distinct value up once, then map codes to group ids. */
  private lookupDict(key: Vector, n: number, out: Int32Array, sel: Int32Array | null, add: boolean): void {
    const { codes, values } = key.dict!;
    const ids = new Int32Array(values.length).fill(-2);
    let nullId = -2;
    for (let k = 0; k < n; k++) {
      const i = sel ? sel[k]! : k;
      const c = codes[i]!;
      if (c < 0) {
        if (nullId === -2) {
          const id = this.map.get(NULL_KEY);
          if (id !== undefined) nullId = id;
          else if (add) { nullId = this.size++; this.map.set(NULL_KEY, nullId); this.keyBuilders[0]!.push(null); }
          else nullId = -1;
        }
        out[k] = nullId;
        continue;
      }
      let id = ids[c]!;
      if (id === -2) {
        const s = values[c]!;
        const found = this.map.get(s);
        if (found !== undefined) id = found;
        else if (add) { id = this.size++; this.map.set(s, id); this.keyBuilders[0]!.push(s); }
        else id = -1;
        ids[c] = id;
      }
      out[k] = id;
    }
  }

  /**
   * The hot loop of hash aggregation (add) and of hash-join probes (no add): no selection, no
   * NULLs; a key not found is inserted or answered with -1.
   */
  private denseI32(data: Int32Array, n: number, out: Int32Array, add: boolean): void {
    let slots = this.slots, mask = this.mask, shift = this.shift;
    for (let k = 0; k < n; k++) {
      const v = data[k]!;
      let h = Math.imul(v, 0x9e3779b1) >>> shift;
      let id = slots[2 * h + 1]!;
      while (id !== -1 && slots[2 * h] !== v) { h = (h + 1) & mask; id = slots[2 * h + 1]!; }
      if (id === -1 && add) {
        id = this.size++;
        slots[2 * h] = v;
        slots[2 * h + 1] = id;
        this.keyBuilders[0]!.push(v);
        if (this.size * 4 > mask) {
          this.rehash((mask + 1) * 2);
          slots = this.slots; mask = this.mask; shift = this.shift;
        }
      }
      out[k] = id;
    }
  }

  private lookupI32(key: Vector, n: number, out: Int32Array, sel: Int32Array | null, add: boolean): void {
    const data = key.data as Int32Array, valid = key.valid;
    if (sel === null && valid === null) {
      this.denseI32(data, n, out, add);
      return;
    }
    let slots = this.slots, mask = this.mask, shift = this.shift;
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (valid !== null && valid[i] === 0) {
        if (this.nullId < 0) {
          if (!add) { out[k] = -1; continue; }
          this.nullId = this.size++;
          this.keyBuilders[0]!.push(null);
        }
        out[k] = this.nullId;
        continue;
      }
      const v = data[i]!;
      let h = Math.imul(v, 0x9e3779b1) >>> shift;
      let id: number;
      for (;;) {
        id = slots[2 * h + 1]!;
        if (id === -1 || slots[2 * h] === v) break;
        h = (h + 1) & mask;
      }
      if (id === -1) {
        if (!add) { out[k] = -1; continue; }
        id = this.size++;
        slots[2 * h] = v;
        slots[2 * h + 1] = id;
        this.keyBuilders[0]!.push(v);
        if (this.size * 4 > mask) {
          this.rehash((mask + 1) * 2);
          slots = this.slots; mask = this.mask; shift = this.shift;
        }
      }
      out[k] = id;
    }
  }

  /** The key columns of all groups, in id order. */
  keyVectors(): Vector[] { return this.keyBuilders.map((b) => b.finish()); }
}

/** A Map key for one value: numbers and strings as themselves, others by canonical text. */
export function keyOf(v: Vector, i: number): unknown {
  if (v.valid !== null && v.valid[i] === 0) return NULL_KEY;
  if (v.scale !== undefined) return 'n' + fixedHashKey((v.data as Float64Array)[i]!, v.scale);
  const d = (v.data as unknown as { [i: number]: unknown })[i];
  switch (v.type.id) {
    case 'numeric': return 'n' + (d as Decimal).hashKey();
    case 'interval': return 'v' + intervalHashKey(d as Interval);
    case 'timetz': return 'z' + String(d);
    case 'array': return 'a' + toText(d, v.type);
    case 'record': return 'r' + toText(d, v.type);
    case 'jsonb': return jsonbHashKey(d as string);
    // json has no equality (PostgreSQL refuses to group, join or deduplicate it).
    case 'json': throw new QuiverError(SqlState.undefinedFunction, 'could not identify an equality operator for type json');
    case 'float4': case 'float8': return Object.is(d, -0) ? 0 : d;
    case 'bpchar': { const s = d as string; let e = s.length; while (e > 0 && s.charCodeAt(e - 1) === 32) e--; return s.slice(0, e); }
    default: return d;
  }
}

const NULL_KEY = Symbol('null');

/** Decimal.hashKey of a fixed-point value: equal for equal numbers whatever their scales. */
function fixedHashKey(x: number, s: number): string {
  // x is an integer below 2^53, so x / 10 is exact when x % 10 is 0 and String gives its digits.
  while (s > 0 && x % 10 === 0 && x !== 0) { x /= 10; s--; }
  return s === 0 || x === 0 ? String(x + 0) : String(x) + 'e-' + s;
}

/** Mixes two int32 keys; the caller takes the top bits, which the multiplications fill best. */
function pairHash(a: number, b: number): number {
  const x = (Math.imul(a, 0x9e3779b1) ^ b) | 0;
  return Math.imul(x ^ (x >>> 16), 0x85ebca6b);
}

function compositeKey(keys: Vector[], i: number): string {
  let s = '';
  for (let c = 0; c < keys.length; c++) {
    const k = keyOf(keys[c]!, i);
    s += k === NULL_KEY ? '\u0000N' : typeof k === 'string' ? '\u0000s' + k.length + ':' + k : '\u0000' + String(k);
  }
  return s;
}
