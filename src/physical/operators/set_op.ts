/**
 * UNION / INTERSECT / EXCEPT, with or without ALL. Rows compare as whole tuples with NULLs equal
 * (as GroupTable treats them). UNION ALL just streams both inputs; the others count rows per
 * distinct tuple: the right input is counted first, then left rows stream out as soon as they are
 * known to belong to the result, so only the counts are kept, never the rows.
 */
import type { Batch, Vector } from '../../common/vector.js';
import { fixedNumericVector, makeVector, takeBatch } from '../../common/vector.js';
import { physicalKind } from '../../common/types.js';
import type { Field } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import type { PhysicalOperator } from '../operator.js';
import { executeAll } from '../operator.js';
import { GroupTable } from '../group_table.js';
import { isPause } from '../pause.js';

/** An Int32Array of per-group counters that grows with the group table. */
class Counts {
  a = new Int32Array(1024);
  ensure(n: number): void {
    if (n <= this.a.length) return;
    let cap = this.a.length * 2;
    while (cap < n) cap *= 2;
    const b = new Int32Array(cap);
    b.set(this.a);
    this.a = b;
  }
}

export class SetOpExec implements PhysicalOperator {
  readonly name = 'SetOpExec';
  readonly children: PhysicalOperator[];

  constructor(
    readonly left: PhysicalOperator,
    readonly right: PhysicalOperator,
    readonly op: 'union' | 'intersect' | 'except',
    readonly all: boolean,
    readonly schema: Field[],
  ) {
    this.children = [left, right];
  }

  describe(): string { return `${this.op}${this.all ? ' all' : ''}`; }

  partitions(): number { return 1; }

  /** Presents a batch with the declared output types (inputs may differ in typmod only). */
  private retype(b: Batch): Batch {
    let same = true;
    for (let c = 0; c < b.columns.length; c++) if (b.columns[c]!.type !== this.schema[c]!.type) { same = false; break; }
    if (same) return b;
    const columns: Vector[] = b.columns.map((v, c) => {
      const t = this.schema[c]!.type;
      return physicalKind(t.id) === physicalKind(v.type.id) ? (v.scale !== undefined ? fixedNumericVector(t, v.data as Float64Array, v.scale, v.valid, v.length) : makeVector(t, v.data, v.valid, v.length)) : v;
    });
    return { length: b.length, columns };
  }

  *execute(ctx: ExecContext, _partition: number): Generator<Batch> {
    if (this.op === 'union' && this.all) {
      for (const b of executeAll(this.left, ctx)) if (isPause(b)) yield b; else if (b.length > 0) yield this.retype(b);
      for (const b of executeAll(this.right, ctx)) if (isPause(b)) yield b; else if (b.length > 0) yield this.retype(b);
      return;
    }
    const table = new GroupTable(this.schema.map((f) => f.type));
    let ids = new Int32Array(0);
    let sel = new Int32Array(0);
    const idsFor = (b: Batch): Int32Array => {
      if (ids.length < b.length) { ids = new Int32Array(b.length); sel = new Int32Array(b.length); }
      table.insert(b.columns, b.length, ids);
      return ids;
    };

    if (this.op === 'union') {
      for (const input of [this.left, this.right]) {
        for (const b of executeAll(input, ctx)) {
          if (b.length === 0) { if (isPause(b)) yield b; continue; }
          // Ids are handed out in row order, so a row is the first of its tuple exactly when its
          // id is the next new one.
          let next = table.size;
          const id = idsFor(b);
          let k = 0;
          for (let i = 0; i < b.length; i++) if (id[i] === next) { sel[k++] = i; next++; }
          if (k > 0) yield this.retype(k === b.length ? b : takeBatch(b, sel, k));
        }
      }
      return;
    }

    // Occurrences in the right input per tuple.
    const right = new Counts();
    for (const b of executeAll(this.right, ctx)) {
      if (b.length === 0) { if (isPause(b)) yield b; continue; }
      const id = idsFor(b);
      right.ensure(table.size);
      const rc = right.a;
      for (let i = 0; i < b.length; i++) rc[id[i]!]!++;
    }
    // Left rows seen (EXCEPT ALL) or emitted (the others) per tuple.
    const seen = new Counts();
    const intersect = this.op === 'intersect', all = this.all;
    for (const b of executeAll(this.left, ctx)) {
      if (b.length === 0) { if (isPause(b)) yield b; continue; }
      const id = idsFor(b);
      right.ensure(table.size);
      seen.ensure(table.size);
      const rc = right.a, sc = seen.a;
      let k = 0;
      for (let i = 0; i < b.length; i++) {
        const g = id[i]!;
        let keep: boolean;
        if (intersect) {
          // INTERSECT ALL: min(l, r) copies; INTERSECT: one copy if r > 0.
          keep = sc[g]! < (all ? rc[g]! : Math.min(rc[g]!, 1));
          if (keep) sc[g]!++;
        } else if (all) {
          // EXCEPT ALL: the copies past the first r, max(l - r, 0) in all.
          keep = ++sc[g]! > rc[g]!;
        } else {
          keep = rc[g] === 0 && sc[g] === 0;
          if (keep) sc[g] = 1;
        }
        if (keep) sel[k++] = i;
      }
      if (k > 0) yield this.retype(k === b.length ? b : takeBatch(b, sel, k));
    }
  }
}
