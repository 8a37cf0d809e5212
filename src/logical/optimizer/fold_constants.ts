/**
 * Constant folding and expression simplification: evaluates row-independent subtrees once,
 * simplifies boolean logic with constant operands, and removes always-true filters.
 */
import type { LogicalPlan } from '../plan.js';
import { transformPlan } from '../plan.js';
import type { Expr } from '../expr.js';
import { mapChildren, isVolatile } from '../expr.js';
import { exprKey } from '../expr_key.js';
import { T } from '../../common/types.js';
import { mapNodeExprs, type OptimizerRule } from './rule.js';
import { evaluateConstant } from './evaluate.js';

const isConst = (e: Expr): e is Extract<Expr, { kind: 'const' }> => e.kind === 'const';
const TRUE: Expr = { kind: 'const', value: true, type: T.bool };
const FALSE: Expr = { kind: 'const', value: false, type: T.bool };

export function simplify(e: Expr): Expr {
  const x = mapChildren(e, simplify);
  switch (x.kind) {
    case 'and': case 'or': {
      const decisive = x.kind === 'or';
      const args: Expr[] = [];
      for (const a of x.args) {
        if (isConst(a) && a.value !== null) {
          if (a.value === decisive) return decisive ? TRUE : FALSE;
          continue; // neutral element
        }
        if (a.kind === x.kind) { for (const b of a.args) args.push(b); } else args.push(a);
      }
      if (args.length === 0) return decisive ? FALSE : TRUE;
      if (args.length === 1) return args[0]!;
      if (x.kind === 'or') return factorOr(args);
      return { ...x, args };
    }
    case 'not':
      if (isConst(x.arg)) return x.arg.value === null ? x.arg : { kind: 'const', value: !x.arg.value, type: T.bool };
      if (x.arg.kind === 'not') return x.arg.arg;
      return x;
    case 'isnull':
      if (isConst(x.arg)) return { kind: 'const', value: (x.arg.value === null) !== x.negated, type: T.bool };
      return x;
    case 'case': {
      const whens: { cond: Expr; result: Expr }[] = [];
      for (const w of x.whens) {
        if (isConst(w.cond)) {
          if (w.cond.value === true) {
            if (whens.length === 0) return w.result;
            return { ...x, whens, otherwise: w.result };
          }
          continue; // false or NULL: never taken
        }
        whens.push(w);
      }
      if (whens.length === 0) return x.otherwise ?? { kind: 'const', value: null, type: x.type };
      return { ...x, whens };
    }
    case 'coalesce': {
      const args: Expr[] = [];
      for (const a of x.args) {
        if (isConst(a)) { if (a.value === null) continue; args.push(a); break; }
        args.push(a);
      }
      if (args.length === 0) return { kind: 'const', value: null, type: x.type };
      if (args.length === 1) return args[0]!;
      return { ...x, args };
    }
    case 'call': case 'cast': case 'inlist': case 'greatest': case 'least': case 'isbool': {
      const kids: Expr[] = x.kind === 'call' || x.kind === 'greatest' || x.kind === 'least' ? x.args : x.kind === 'inlist' ? [x.arg, ...x.list] : [(x as { arg: Expr }).arg];
      if (x.kind === 'call' && x.fn.volatile) return x;
      if (!kids.every(isConst)) return x;
      const v = evaluateConstant(x);
      return v === undefined ? x : { kind: 'const', value: v, type: x.type };
    }
    default: return x;
  }
}

/**
 * (a AND b) OR (a AND c) → a AND (b OR c): a condition every branch of an OR shares is pulled
 * out, so a join key buried in each branch (TPC-H Q19) can drive a hash join.
 */
function factorOr(branches: Expr[]): Expr {
  const lists = branches.map((b) => (b.kind === 'and' ? b.args : [b]));
  const keys = lists.map((l) => new Set(l.map(exprKey)));
  const common = lists[0]!.filter((c) => !isVolatile(c) && keys.every((k) => k.has(exprKey(c))));
  if (common.length === 0) return { kind: 'or', args: branches, type: T.bool };
  const ck = new Set(common.map(exprKey));
  const rest = lists.map((l) => l.filter((c) => !ck.has(exprKey(c))));
  // A branch left with nothing is TRUE, and so is the whole OR.
  if (rest.some((r) => r.length === 0)) return common.length === 1 ? common[0]! : { kind: 'and', args: common, type: T.bool };
  const or: Expr = { kind: 'or', args: rest.map((r) => (r.length === 1 ? r[0]! : { kind: 'and', args: r, type: T.bool })), type: T.bool };
  return { kind: 'and', args: [...common, or], type: T.bool };
}

export const foldConstants: OptimizerRule = {
  name: 'fold_constants',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlan(plan, (p) => {
      const q = mapNodeExprs(p, simplify);
      if (q.kind === 'filter' && isConst(q.predicate) && q.predicate.value === true) return q.input;
      if (q.kind === 'scan') return { ...q, filters: q.filters.filter((f) => !(isConst(f) && f.value === true)) };
      return q;
    });
  },
};
