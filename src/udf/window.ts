/**
 * The built-in window functions with PostgreSQL's signatures and result types. They are computed
 * by the window operator (physical/operators/window.ts), which dispatches on the name; aggregates
 * used as window functions come from the aggregate registry instead.
 */
import { T } from '../common/types.js';
import type { SqlType } from '../common/types.js';
import { registerWindow, type ArgSpec } from './registry.js';

const first = (args: SqlType[]): SqlType => args[0]!;

function reg(name: string, args: ArgSpec[], ret: SqlType | ((args: SqlType[]) => SqlType)): void {
  registerWindow({ name, args, ret });
}

reg('row_number', [], T.int8);
reg('rank', [], T.int8);
reg('dense_rank', [], T.int8);
reg('percent_rank', [], T.float8);
reg('cume_dist', [], T.float8);
reg('ntile', ['int4'], T.int4);
for (const name of ['lag', 'lead']) {
  reg(name, ['any'], first);
  reg(name, ['any', 'int4'], first);
  // The default is coerced to the value's type by the planner (anycompatible in PostgreSQL).
  reg(name, ['any', 'int4', 'any'], first);
}
reg('first_value', ['any'], first);
reg('last_value', ['any'], first);
reg('nth_value', ['any', 'int4'], first);
