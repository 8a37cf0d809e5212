import type { Batch } from '../../common/vector.js';
import { takeBatch } from '../../common/vector.js';
import type { Field } from '../../logical/plan.js';
import type { ExecContext } from '../context.js';
import { executeAll, type PhysicalOperator } from '../operator.js';
import { GroupTable } from '../group_table.js';
import { isPause, slicePause, sliceUsed } from '../pause.js';

/**
 * WITH RECURSIVE: emits the anchor rows, then repeatedly runs the recursive term over the rows of
 * the previous round (the work table) until a round yields nothing new. UNION (not ALL) drops rows
 * already produced, which is what makes cyclic graphs terminate.
 */
export class RecursiveCteExec implements PhysicalOperator {
  readonly name = 'RecursiveCteExec';
  readonly children: PhysicalOperator[];
  constructor(private id: number, private anchor: PhysicalOperator, private recursive: PhysicalOperator, private all: boolean, readonly schema: Field[]) {
    this.children = [anchor, recursive];
  }
  describe(): string { return this.all ? 'UNION ALL' : 'UNION'; }
  partitions(): number { return 1; }

  *execute(ctx: ExecContext): Generator<Batch> {
    const seen = this.all ? null : new GroupTable(this.schema.map((f) => f.type));
    const dedupe = (b: Batch): Batch | null => {
      if (!seen) return b;
      const before = seen.size;
      const ids = new Int32Array(b.length);
      seen.insert(b.columns, b.length, ids);
      if (seen.size === before) return null;
      const keep = new Int32Array(b.length);
      let k = 0, next = before;
      for (let i = 0; i < b.length; i++) if (ids[i] === next) { keep[k++] = i; next++; }
      return k === b.length ? b : takeBatch(b, keep, k);
    };
    let work: Batch[] = [];
    for (const b of executeAll(this.anchor, ctx)) {
      if (isPause(b)) { yield b; continue; }
      const d = dedupe(b);
      if (d && d.length) { work.push(d); yield d; }
    }
    while (work.length > 0) {
      ctx.workTables.set(this.id, work);
      const next: Batch[] = [];
      for (const b of executeAll(this.recursive, ctx)) {
        if (isPause(b)) { yield b; continue; }
        const d = dedupe(b);
        if (d && d.length) { next.push(d); yield d; }
      }
      work = next;
    }
    ctx.workTables.delete(this.id);
  }
}

/** Reads the rows of the current round of a recursive CTE. */
export class WorkTableScanExec implements PhysicalOperator {
  readonly name = 'WorkTableScanExec';
  readonly children: PhysicalOperator[] = [];
  constructor(private id: number, readonly schema: Field[]) {}
  describe(): string { return `worktable ${this.id}`; }
  partitions(): number { return 1; }
  *execute(ctx: ExecContext): Generator<Batch> {
    // A recursion of many short rounds is a long step taken one round at a time.
    if (sliceUsed(ctx)) yield slicePause();
    yield* ctx.workTables.get(this.id) ?? [];
  }
}
