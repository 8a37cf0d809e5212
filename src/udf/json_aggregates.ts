/**
 * json_agg, jsonb_agg, json_object_agg and jsonb_object_agg. NULL inputs are kept (as JSON null);
 * a group without rows gives NULL. json output keeps PostgreSQL's spacing: `[1, 2]` and
 * `{ "a" : 1, "b" : 2 }`.
 */
import { T, type SqlType } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { makeVector, type Vector, type VectorData } from '../common/vector.js';
import { registerAggregate, type Accumulator } from './registry.js';
import { toText } from './runtime.js';
import { jsonbOut, makeObject, quoteJson, type JsonValue } from '../common/json.js';
import { valueToJson, valueToJsonb } from './functions/json_build.js';

/** Row i of v as an engine value (booleans as true/false), or null. */
function valueAt(v: Vector, i: number): unknown {
  if (v.valid !== null && v.valid[i] === 0) return null;
  const x = (v.data as unknown as ArrayLike<unknown>)[i];
  return v.type.id === 'bool' ? x === 1 : x;
}

/** Per group, the list of its items; `item` turns the argument rows into one item. */
class ListAgg<I> implements Accumulator {
  private lists: (I[] | null)[] = [];
  constructor(
    private readonly ret: SqlType,
    private readonly item: (args: Vector[], i: number) => I,
    private readonly render: (items: I[]) => string,
  ) {}
  resize(n: number): void { while (this.lists.length < n) this.lists.push(null); }
  update(gids: Int32Array, n: number, args: Vector[], sel: Int32Array | null): void {
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      (this.lists[gids[k]!] ??= []).push(this.item(args, i));
    }
  }
  merge(other: Accumulator, from: Int32Array, into: Int32Array, n: number): void {
    const o = other as ListAgg<I>;
    for (let k = 0; k < n; k++) {
      const src = o.lists[from[k]!];
      if (src) { const dst = (this.lists[into[k]!] ??= []); for (const x of src) dst.push(x); }
    }
  }
  finish(n: number): Vector {
    this.resize(n);
    const r: (string | null)[] = new Array(n).fill(null);
    const valid = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      const l = this.lists[g];
      if (!l) { anyNull = true; continue; }
      r[g] = this.render(l);
      valid[g] = 1;
    }
    return makeVector(this.ret, r as VectorData, anyNull ? valid : null, n);
  }
}

function keyAt(v: Vector, i: number): string {
  const k = valueAt(v, i);
  if (k === null) throw new QuiverError(SqlState.invalidParameterValue, 'field name must not be null');
  return v.type.id === 'bool' ? (k ? 'true' : 'false') : toText(k, v.type);
}

function register(): void {
  registerAggregate({
    name: 'json_agg', args: ['any'], ret: T.json, strict: false,
    create: () => new ListAgg<string>(T.json, (a, i) => valueToJson(valueAt(a[0]!, i), a[0]!.type), (l) => '[' + l.join(', ') + ']'),
  });
  registerAggregate({
    name: 'jsonb_agg', args: ['any'], ret: T.jsonb, strict: false,
    create: () => new ListAgg<JsonValue>(T.jsonb, (a, i) => valueToJsonb(valueAt(a[0]!, i), a[0]!.type), (l) => jsonbOut(l)),
  });
  registerAggregate({
    name: 'json_object_agg', args: ['any', 'any'], ret: T.json, strict: false,
    create: () => new ListAgg<string>(T.json,
      (a, i) => `${quoteJson(keyAt(a[0]!, i))} : ${valueToJson(valueAt(a[1]!, i), a[1]!.type)}`,
      (l) => (l.length ? '{ ' + l.join(', ') + ' }' : '{}')),
  });
  registerAggregate({
    name: 'jsonb_object_agg', args: ['any', 'any'], ret: T.jsonb, strict: false,
    create: () => new ListAgg<[string, JsonValue]>(T.jsonb,
      (a, i) => [keyAt(a[0]!, i), valueToJsonb(valueAt(a[1]!, i), a[1]!.type)],
      (l) => jsonbOut(makeObject(l.map((p) => p[0]), l.map((p) => p[1])))),
  });
}

register();
