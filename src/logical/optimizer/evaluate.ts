/**
 * Evaluates a constant expression at plan time. The logical layer may not import the physical
 * one, so the evaluator is injected by whoever owns the expression compiler.
 */
import type { Expr } from '../expr.js';

let evaluator: ((e: Expr) => unknown) | null = null;
export function setConstantEvaluator(f: (e: Expr) => unknown): void { evaluator = f; }

/** The value, or undefined when it cannot be folded now (an error is left for run time). */
export function evaluateConstant(e: Expr): unknown {
  if (!evaluator) return undefined;
  try { return evaluator(e); } catch { return undefined; }
}
