/**
 * Partial aggregation across threads: what a worker sends back (group keys and accumulator
 * states) and how the main thread merges the workers' partials with `Accumulator.merge`.
 *
 * An accumulator's state is its own fields: typed arrays and arrays of numbers, bigints or strings
 * (fragment.ts allows only aggregates whose state is such data), and arrays of numerics (min/max
 * values, exact sums past 2^53), which cross as digit strings (wire_value.ts). Its other fields
 * (the result type, a comparison function) come from the constructor, so the receiving side creates the same
 * accumulator from the registry and copies the state fields onto it.
 */
import type { Vector } from '../common/vector.js';
import { takeVector, concatVectors, sliceVector } from '../common/vector.js';
import type { SqlType } from '../common/types.js';
import type { Decimal } from '../common/decimal.js';
import type { AggCall } from '../logical/expr.js';
import type { Accumulator } from '../udf/registry.js';
import { GroupTable } from './group_table.js';
import { isPlainValue, toWire, fromWire, type WireValue } from './wire_value.js';

export type AccState = Record<string, unknown>;

export interface PartialAggregate {
  keys: Vector[];
  states: AccState[];
  groups: number;
  /** Per group: the index of the first morsel (in table order) this worker saw it in. */
  first: Int32Array;
  /** Morsels this worker ran (for EXPLAIN ANALYZE). */
  morsels: number;
  /** Time the worker spent on the job. */
  ms: number;
}

/** Thrown when a state holds something a structured clone would not copy faithfully. */
export class StateNotPlain extends Error { override name = 'DataCloneError'; }

export function exportState(acc: Accumulator): AccState {
  const out: AccState = {};
  for (const [k, v] of Object.entries(acc)) {
    if (typeof v === 'function') continue;
    if (ArrayBuffer.isView(v) || isPlainValue(v)) { out[k] = v; continue; }
    if (Array.isArray(v)) {
      if (v.every(isPlainValue)) { out[k] = v; continue; }
      // numeric states (a Decimal per group for min/max, a DecimalSum for sums past 2^53).
      const w = v.map(toWire);
      if (w.some((x, i) => x === undefined && v[i] !== undefined)) throw new StateNotPlain(`aggregate state ${k} holds objects`);
      out[k] = { wire: w };
      continue;
    }
    // Constructor-made fields (result types): the receiver's own accumulator has them.
  }
  return out;
}

function importState(fresh: Accumulator, state: AccState): Accumulator {
  for (const [k, v] of Object.entries(state)) {
    const w = v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v) ? (v as { wire: WireValue[] }).wire : undefined;
    (fresh as unknown as AccState)[k] = w ? w.map(fromWire) : v;
  }
  return fresh;
}

/**
 * min/max over numeric keep the later of equal values in table order, which shows when equal
 * values differ in display scale (1.0, 1.00). Merged partials cannot tell which came later: such
 * a tie with the value merged so far makes the caller run the aggregate in process.
 */
function scaleTie(call: AggCall, merged: Accumulator, part: Accumulator, from: Int32Array, into: Int32Array, n: number): boolean {
  if ((call.fn.name !== 'min' && call.fn.name !== 'max') || call.args[0]?.type.id !== 'numeric') return false;
  const m = (merged as unknown as { m: (Decimal | null)[] }).m, o = (part as unknown as { m: (Decimal | null)[] }).m;
  for (let k = 0; k < n; k++) {
    const x = o[from[k]!], y = m[into[k]!];
    if (x && y && x.s !== y.s && x.cmp(y) === 0) return true;
  }
  return false;
}

/** Merges one partial's states into the merged accumulators; false on a tie scaleTie reports. */
function mergeStates(accs: Accumulator[], calls: AggCall[], states: AccState[], from: Int32Array, into: Int32Array, n: number): boolean {
  for (let a = 0; a < calls.length; a++) {
    const c = calls[a]!;
    const part = importState(c.fn.create(c.args.map((x) => x.type), c.type), states[a]!);
    if (scaleTie(c, accs[a]!, part, from, into, n)) return false;
    accs[a]!.merge(part, from, into, n);
  }
  return true;
}

/**
 * Merges the partials into one set of groups, numbered as the serial aggregate would number them
 * (in order of first appearance in the table): a group's first appearance is the smallest
 * (morsel, id within the worker that ran that morsel), since each worker takes its morsels in
 * increasing order and numbers its groups as it meets them. Null when the partials cannot give
 * the serial answer (see scaleTie).
 */
export function mergePartials(partials: PartialAggregate[], keyTypes: SqlType[], calls: AggCall[]): { keys: Vector[]; accs: Accumulator[]; groups: number } | null {
  const create = (c: AggCall): Accumulator => c.fn.create(c.args.map((x) => x.type), c.type);
  const accs = calls.map(create);
  if (keyTypes.length === 0) {
    for (const acc of accs) acc.resize(1);
    const from = new Int32Array(1), into = new Int32Array(1);
    for (const p of partials) if (!mergeStates(accs, calls, p.states, from, into, 1)) return null;
    return { keys: [], accs, groups: 1 };
  }
  const table = new GroupTable(keyTypes);
  const ids: Int32Array[] = [];
  let order = new Float64Array(1024).fill(Infinity);
  // Per group, the row (in the partials' keys laid end to end) of its first appearance: the key
  // shown is that row's, as in the serial aggregate (equal bpchar keys can differ in blanks).
  let shown = new Int32Array(1024);
  let base = 0;
  for (const p of partials) {
    const prov = new Int32Array(p.groups);
    if (p.groups > 0) table.insert(p.keys, p.groups, prov);
    if (table.size > order.length) {
      const o = new Float64Array(Math.max(table.size, order.length * 2)).fill(Infinity);
      o.set(order); order = o;
      const w = new Int32Array(o.length);
      w.set(shown); shown = w;
    }
    for (let g = 0; g < p.groups; g++) {
      const key = p.first[g]! * 4294967296 + g;
      if (key < order[prov[g]!]!) { order[prov[g]!] = key; shown[prov[g]!] = base + g; }
    }
    ids.push(prov);
    base += p.groups;
  }
  const groups = table.size;
  const perm = Int32Array.from({ length: groups }, (_, i) => i).sort((a, b) => order[a]! - order[b]!);
  const rank = new Int32Array(groups);
  for (let i = 0; i < groups; i++) rank[perm[i]!] = i;
  for (const acc of accs) acc.resize(groups);
  for (let pi = 0; pi < partials.length; pi++) {
    const p = partials[pi]!, prov = ids[pi]!;
    const from = Int32Array.from({ length: p.groups }, (_, i) => i);
    const into = new Int32Array(p.groups);
    for (let g = 0; g < p.groups; g++) into[g] = rank[prov[g]!]!;
    if (!mergeStates(accs, calls, p.states, from, into, p.groups)) return null;
  }
  const rows = new Int32Array(groups);
  for (let i = 0; i < groups; i++) rows[i] = shown[perm[i]!]!;
  const withGroups = partials.filter((p) => p.groups > 0);
  const keys = keyTypes.map((t, c) => takeVector(concatVectors(t, withGroups.map((p) => sliceVector(p.keys[c]!, 0, p.groups))), rows, groups));
  return { keys, accs, groups };
}
