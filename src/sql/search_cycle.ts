/**
 * SEARCH and CYCLE clauses of WITH RECURSIVE, rewritten as PostgreSQL rewrites them
 * (rewriteSearchCycle.c): extra columns computed in both terms of the recursive UNION.
 *
 *   SEARCH DEPTH FIRST BY c SET seq     seq: anchor ARRAY[ROW(c)], then seq || ROW(c)
 *   SEARCH BREADTH FIRST BY c SET seq   seq: anchor ROW(0, c), then ROW(seq.depth + 1, c)
 *   CYCLE c SET mark [TO v DEFAULT d] USING path
 *       mark: anchor d, then CASE WHEN ROW(c) = ANY(path) THEN v ELSE d END
 *       path: anchor ARRAY[ROW(c)], then path || ROW(c)
 *       and the recursive term only extends rows whose mark is not v, which ends the recursion.
 *
 * The recursive term carries the extra columns of the work-table row it extends: they are
 * appended to its select list (as references through the recursive reference's name), and the
 * new values are computed over its output.
 */
import type { PgNode } from './parser.js';
import type { Expr } from '../logical/expr.js';
import type { LogicalPlan, Field } from '../logical/plan.js';
import { T, arrayOf, recordOf, type SqlType, typeName } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';
import type { ScalarFunction } from '../udf/registry.js';
import { resolveScalar } from '../udf/registry.js';
import { RowValue } from '../udf/row_value.js';
import { err, strVal, firstPosition } from './bind_expr.js';
import { commonType, coerce } from './coerce.js';

const col = (index: number, type: SqlType): Expr => ({ kind: 'col', index, type });

function rowFn(types: SqlType[]): ScalarFunction {
  return {
    name: 'row', args: types.map(() => 'any' as const), ret: recordOf(types), strict: false,
    // Compiled comparisons may hand booleans over as 0/1.
    impl: ((...xs: unknown[]) => new RowValue(xs.map((x, i) => (x !== null && types[i]!.id === 'bool' ? !!x : x)), types)) as (...args: never[]) => unknown,
  };
}

function arrayFn(t: SqlType): ScalarFunction {
  return { name: 'array', args: ['any'], ret: t, strict: false, impl: ((x: unknown) => [x]) as (...args: never[]) => unknown };
}

/** path || element (array_cat with a one-element array, as PostgreSQL builds it). */
function appendFn(t: SqlType): ScalarFunction {
  return { name: '||', args: ['array', 'any'], ret: t, strict: false, impl: ((a: unknown[] | null, x: unknown) => (a === null ? [x] : [...a, x])) as (...args: never[]) => unknown };
}

/** ROW(...) = ANY(path), with record_eq's equality (NULL fields equal each other). */
const inPathFn: ScalarFunction = {
  name: '= ANY', args: ['record', 'array'], ret: T.bool, strict: true,
  impl: ((r: RowValue, path: RowValue[]) => path.some((p) => p !== null && r.equals(p))) as (...args: never[]) => unknown,
};

/** ROW(seq.depth + 1, ...) for breadth-first search: the depth is the row's first field. */
function nextDepthFn(): ScalarFunction {
  return {
    name: 'depth + 1', args: ['record'], ret: T.int8, strict: true,
    impl: ((r: RowValue) => (r.values[0] as bigint) + 1n) as (...args: never[]) => unknown,
  };
}

export class SearchCycle {
  /** The added columns, in PostgreSQL's order: sequence, then mark and path. */
  readonly extras: Field[] = [];
  private search: { breadth: boolean; cols: number[] } | null = null;
  private cycle: { cols: number[]; mark: Expr; default: Expr; ne: ScalarFunction } | null = null;

  /**
   * `bindConst` binds the TO / DEFAULT constants. Checks the clauses as PostgreSQL's parse_cte
   * does, with its messages.
   */
  constructor(private cteName: string, cte: PgNode, names: string[], private types: SqlType[], bindConst: (n: PgNode) => Expr) {
    const sc = cte.search_clause, cc = cte.cycle_clause;
    const columns = (list: PgNode[], what: string, clause: PgNode): number[] => {
      const out: number[] = [];
      for (const n of list.map(strVal)) {
        const i = names.indexOf(n);
        if (i < 0) throw err(SqlState.syntaxError, `${what} column "${n}" not in WITH query column list`, clause);
        if (out.includes(i)) throw err(SqlState.duplicateColumn, `${what} column "${n}" specified more than once`, clause);
        out.push(i);
      }
      return out;
    };
    if (sc) {
      const cols = columns(sc.search_col_list, 'search', sc);
      const seq: string = sc.search_seq_column;
      if (names.includes(seq)) throw err(SqlState.syntaxError, `search sequence column name "${seq}" already used in WITH query column list`, sc);
      this.search = { breadth: !!sc.search_breadth_first, cols };
      const row = recordOf(sc.search_breadth_first ? [T.int8, ...cols.map((i) => types[i]!)] : cols.map((i) => types[i]!));
      this.extras.push({ name: seq, type: sc.search_breadth_first ? row : arrayOf(row) });
    }
    if (cc) {
      const cols = columns(cc.cycle_col_list, 'cycle', cc);
      const markName: string = cc.cycle_mark_column, pathName: string = cc.cycle_path_column;
      if (names.includes(markName)) throw err(SqlState.syntaxError, `cycle mark column name "${markName}" already used in WITH query column list`, cc);
      if (names.includes(pathName)) throw err(SqlState.syntaxError, `cycle path column name "${pathName}" already used in WITH query column list`, cc);
      if (markName === pathName) throw err(SqlState.syntaxError, 'cycle mark column name and cycle path column name are the same', cc);
      if (sc) {
        const seq: string = sc.search_seq_column;
        if (seq === markName) throw err(SqlState.syntaxError, 'search sequence column name and cycle mark column name are the same', sc);
        if (seq === pathName) throw err(SqlState.syntaxError, 'search sequence column name and cycle path column name are the same', sc);
      }
      const to = cc.cycle_mark_value ? bindConst(cc.cycle_mark_value) : { kind: 'const' as const, value: true, type: T.bool };
      const def = cc.cycle_mark_default ? bindConst(cc.cycle_mark_default) : { kind: 'const' as const, value: false, type: T.bool };
      let mt = commonType([to.type, def.type], 'CYCLE', firstPosition(cc.cycle_mark_value).position);
      if (mt.id === 'unknown') mt = T.text;
      const ne = resolveScalar('<>', [mt, mt]);
      if (!ne || mt.id === 'array' || mt.id === 'record') {
        throw new QuiverError(SqlState.undefinedFunction, `could not identify an equality operator for type ${typeName(mt)}`);
      }
      this.cycle = { cols, mark: coerce(to, mt), default: coerce(def, mt), ne: ne.fn };
      this.extras.push({ name: markName, type: mt }, { name: pathName, type: arrayOf(recordOf(cols.map((i) => types[i]!))) });
    }
  }

  private row(cols: number[], lead: Expr[] = []): Expr {
    const args = [...lead, ...cols.map((i) => col(i, this.types[i]!))];
    return { kind: 'call', fn: rowFn(args.map((a) => a.type)), args, type: recordOf(args.map((a) => a.type)) };
  }

  /** The anchor's rows (the CTE's own columns) with the added columns' first values. */
  anchor(plan: LogicalPlan): LogicalPlan {
    const k = this.types.length;
    const exprs: Expr[] = this.types.map((t, i) => col(i, t));
    let x = 0;
    if (this.search) {
      const t = this.extras[x++]!.type;
      if (this.search.breadth) exprs.push(this.row(this.search.cols, [{ kind: 'const', value: 0n, type: T.int8 }]));
      else exprs.push({ kind: 'call', fn: arrayFn(t), args: [this.row(this.search.cols)], type: t });
    }
    if (this.cycle) {
      exprs.push(this.cycle.default);
      const t = this.extras[x + 1]!.type;
      exprs.push({ kind: 'call', fn: arrayFn(t), args: [this.row(this.cycle.cols)], type: t });
    }
    return { kind: 'project', input: plan, exprs, schema: [...plan.schema.slice(0, k), ...this.extras] };
  }

  /**
   * The recursive term with the work table's added columns appended to its select list, so each
   * output row carries those of the row it extends. Throws when the recursive reference is not
   * in the term's own FROM list.
   */
  recursiveTerm(rarg: PgNode): PgNode {
    const ref = this.findReference(rarg.fromClause ?? []);
    if (!ref) {
      throw new QuiverError(SqlState.featureNotSupported, `with a SEARCH or CYCLE clause, the recursive reference to WITH query "${this.cteName}" must be at the top level of its right-hand SELECT`);
    }
    const alias: string = ref.alias?.aliasname ?? ref.relname;
    const extra = this.extras.map((f) => ({ ResTarget: { val: { ColumnRef: { fields: [{ String: { sval: alias } }, { String: { sval: f.name } }] } } } }));
    return { ...rarg, targetList: [...(rarg.targetList ?? []), ...extra] };
  }

  private findReference(items: PgNode[]): PgNode | null {
    for (const it of items) {
      if (it.RangeVar && it.RangeVar.relname === this.cteName && !it.RangeVar.schemaname) return it.RangeVar;
      if (it.JoinExpr) {
        const r = this.findReference([it.JoinExpr.larg, it.JoinExpr.rarg]);
        if (r) return r;
      }
    }
    return null;
  }

  /**
   * Over the recursive term's output (the CTE's columns, then the extended row's added columns):
   * drops rows already marked as cycles and computes the new added columns.
   */
  recursive(plan: LogicalPlan): LogicalPlan {
    const k = this.types.length;
    const old = (x: number): Expr => col(k + x, this.extras[x]!.type);
    let input = plan;
    const exprs: Expr[] = this.types.map((t, i) => col(i, t));
    let x = 0;
    if (this.search) {
      const seq = old(x), t = seq.type;
      if (this.search.breadth) exprs.push(this.row(this.search.cols, [{ kind: 'call', fn: nextDepthFn(), args: [seq], type: T.int8 }]));
      else exprs.push({ kind: 'call', fn: appendFn(t), args: [seq, this.row(this.search.cols)], type: t });
      x++;
    }
    if (this.cycle) {
      const c = this.cycle, mark = old(x), path = old(x + 1);
      input = { kind: 'filter', input, predicate: { kind: 'call', fn: c.ne, args: [mark, c.mark], type: T.bool }, schema: input.schema };
      const row = this.row(c.cols);
      exprs.push({ kind: 'case', whens: [{ cond: { kind: 'call', fn: inPathFn, args: [row, path], type: T.bool }, result: c.mark }], otherwise: c.default, type: c.mark.type });
      exprs.push({ kind: 'call', fn: appendFn(path.type), args: [path, row], type: path.type });
    }
    return { kind: 'project', input, exprs, schema: [...plan.schema.slice(0, k), ...this.extras] };
  }
}

/** PostgreSQL's checks on the shape of a recursive query with SEARCH or CYCLE. */
export function checkSearchCycleShape(q: PgNode, recursive: boolean, cte: PgNode): void {
  if (!recursive) throw err(SqlState.syntaxError, 'WITH query is not recursive', cte);
  if (q.larg.op && q.larg.op !== 'SETOP_NONE') throw new QuiverError(SqlState.featureNotSupported, 'with a SEARCH or CYCLE clause, the left side of the UNION must be a SELECT');
  if (q.rarg.op && q.rarg.op !== 'SETOP_NONE') throw new QuiverError(SqlState.syntaxError, 'with a SEARCH or CYCLE clause, the right side of the UNION must be a SELECT');
}
