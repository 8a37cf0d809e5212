/** A canonical text of an expression, equal for structurally equal expressions. */
import type { Expr } from './expr.js';

export function exprKey(e: Expr): string {
  switch (e.kind) {
    case 'col': return `#${e.index}`;
    case 'const': return `c(${e.type.id}:${constKey(e.value)})`;
    case 'param': return `$${e.index}:${e.type.id}`;
    case 'outer': return `o${e.slot}`;
    case 'call': return `${e.fn.name}/${e.fn.args.join(',')}(${e.args.map(exprKey).join(',')})`;
    case 'cast': return `cast(${exprKey(e.arg)}:${e.type.id}:${e.type.precision}:${e.type.scale})`;
    case 'and': case 'or': case 'coalesce': case 'greatest': case 'least':
      return `${e.kind}(${e.args.map(exprKey).join(',')})`;
    case 'not': return `not(${exprKey(e.arg)})`;
    case 'isnull': return `isnull${e.negated ? '!' : ''}(${exprKey(e.arg)})`;
    case 'isbool': return `is${e.negated ? '!' : ''}${e.test}(${exprKey(e.arg)})`;
    case 'case': return `case(${e.whens.map((w) => exprKey(w.cond) + '=>' + exprKey(w.result)).join(';')};${e.otherwise ? exprKey(e.otherwise) : ''})`;
    case 'inlist': return `in${e.negated ? '!' : ''}(${exprKey(e.arg)};${e.list.map(exprKey).join(',')})`;
    // The same subquery written twice (GROUP BY and select list) is one expression; a volatile
    // or unknown one stays distinct.
    case 'subquery': return e.sourceKey
      ? `sq(${e.mode}:${e.sourceKey}:${e.outerArgs.map(exprKey).join(',')}:${e.test ? exprKey(e.test) : ''})`
      : `sq${subqueryId(e)}`;
  }
}

const ids = new WeakMap<object, number>();
let next = 0;
function subqueryId(e: object): number {
  let i = ids.get(e);
  if (i === undefined) { i = next++; ids.set(e, i); }
  return i;
}

function constKey(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString() + 'n';
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return JSON.stringify(v);
}
