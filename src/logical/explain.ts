/** Text forms of expressions and logical plans for EXPLAIN. */
import type { Expr } from './expr.js';
import type { LogicalPlan, Field } from './plan.js';
import { planChildren } from './plan.js';
import { typeName } from '../common/types.js';

export function exprToString(e: Expr, schema?: Field[]): string {
  const s = (x: Expr): string => exprToString(x, schema);
  switch (e.kind) {
    case 'col': return schema && schema[e.index] ? `${schema[e.index]!.name}#${e.index}` : `#${e.index}`;
    case 'const': return e.value === null ? 'NULL' : typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'param': return `$${e.index + 1}`;
    case 'outer': return `outer.${e.slot}`;
    case 'call': {
      const name = e.fn.name;
      if (/^[^a-z_]/.test(name) && e.args.length === 2) return `(${s(e.args[0]!)} ${name} ${s(e.args[1]!)})`;
      if (/^[^a-z_]/.test(name) && e.args.length === 1) return `${name}${s(e.args[0]!)}`;
      return `${name}(${e.args.map(s).join(', ')})`;
    }
    case 'cast': return `CAST(${s(e.arg)} AS ${typeName(e.type)})`;
    case 'and': case 'or': return `(${e.args.map(s).join(` ${e.kind.toUpperCase()} `)})`;
    case 'not': return `NOT ${s(e.arg)}`;
    case 'isnull': return `${s(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL`;
    case 'isbool': return `${s(e.arg)} IS ${e.negated ? 'NOT ' : ''}${e.test.toUpperCase()}`;
    case 'case': return `CASE ${e.whens.map((w) => `WHEN ${s(w.cond)} THEN ${s(w.result)}`).join(' ')}${e.otherwise ? ` ELSE ${s(e.otherwise)}` : ''} END`;
    case 'inlist': return `${s(e.arg)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(s).join(', ')})`;
    case 'coalesce': case 'greatest': case 'least': return `${e.kind}(${e.args.map(s).join(', ')})`;
    case 'subquery': return `${e.mode}(subquery${e.test ? ` ${s(e.test)}` : ''})`;
  }
}

function describe(p: LogicalPlan): string {
  const inSchema = (q: LogicalPlan): Field[] => planChildren(q)[0]?.schema ?? [];
  switch (p.kind) {
    case 'scan': return `Scan: ${p.table.name} [${p.columns.map((c) => p.table.columns[c]!.name).join(', ')}]${p.filters.length ? ` filters=[${p.filters.map((f) => exprToString(f, p.schema)).join(', ')}]` : ''}`;
    case 'values': return `Values: ${p.rows.length} rows`;
    case 'filter': return `Filter: ${exprToString(p.predicate, inSchema(p))}`;
    case 'project': return `Projection: ${p.exprs.map((e) => exprToString(e, inSchema(p))).join(', ')}`;
    case 'aggregate': return `Aggregate: groupBy=[${p.groupBy.map((e) => exprToString(e, inSchema(p))).join(', ')}] aggr=[${p.aggs.map((a) => `${a.fn.name}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map((x) => exprToString(x, inSchema(p))).join(', ')})`).join(', ')}]${p.groupingSets ? ` sets=${JSON.stringify(p.groupingSets)}` : ''}`;
    case 'join': return `${p.joinType[0]!.toUpperCase()}${p.joinType.slice(1)} ${p.lateral ? 'Lateral ' : ''}Join${p.nullAware ? ' (null-aware)' : ''}: ${p.on ? exprToString(p.on, [...p.left.schema, ...p.right.schema]) : 'cross'}`;
    case 'sort': return `Sort: ${p.keys.map((k) => `${exprToString(k.expr, inSchema(p))} ${k.desc ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}`;
    case 'limit': return `Limit: ${p.limit ? exprToString(p.limit) : 'ALL'} offset ${p.offset ? exprToString(p.offset) : 0}`;
    case 'distinct': return p.onKeys ? `Distinct On: ${p.onKeys.map((e) => exprToString(e, inSchema(p))).join(', ')}` : 'Distinct';
    case 'setop': return `${p.op[0]!.toUpperCase()}${p.op.slice(1)}${p.all ? ' All' : ''}`;
    case 'window': return `Window: ${p.calls.map((w) => `${w.fn.name}(${w.args.map((a) => exprToString(a, inSchema(p))).join(', ')})`).join(', ')}`;
    case 'tablefunc': return `TableFunction: ${p.name}`;
    case 'project_set': return `ProjectSet: ${p.calls.map((c) => `${c.name}(${c.args.map((a) => exprToString(a, inSchema(p))).join(', ')})`).join(', ')}`;
    case 'recursive_cte': return `RecursiveCte: ${p.all ? 'UNION ALL' : 'UNION'}`;
    case 'worktable': return 'WorkTable';
    case 'cte': return `Materialize CTEs: ${p.ctes.map((c) => c.name).join(', ')}`;
    case 'cte_scan': return `CteScan: ${p.name}`;
  }
}

export function explainLogical(p: LogicalPlan, depth = 0, out: string[] = []): string[] {
  out.push('  '.repeat(depth) + describe(p));
  for (const c of planChildren(p)) explainLogical(c, depth + 1, out);
  return out;
}
