/**
 * A binary function as a plain JavaScript function of two non-null engine values, for the rare
 * places that apply an operator outside generated vector code (x = ANY(array)).
 */
import type { SqlType } from '../common/types.js';
import * as H from './runtime.js';
import type { ScalarFunction } from './registry.js';
import { returnType } from './registry.js';

export function compileScalarOp(fn: ScalarFunction, a: SqlType, b: SqlType): (x: unknown, y: unknown) => unknown {
  if (fn.inline) {
    const ret = returnType(fn, [a, b]);
    const body = fn.inline(['x', 'y'], [a, b], ret);
    // Inline comparisons may answer 0/1; callers get a real boolean.
    return new Function('H', `return (x, y) => ${ret.id === 'bool' ? `!!(${body})` : body};`)(H) as (x: unknown, y: unknown) => unknown;
  }
  const impl = fn.impl as unknown as (...args: unknown[]) => unknown;
  return (x, y) => impl(x, y);
}
