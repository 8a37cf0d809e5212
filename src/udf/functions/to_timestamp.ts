/**
 * to_timestamp / to_date with a template (read by common/datetime_parse.ts), and
 * to_timestamp(epoch seconds).
 */
import { T } from '../../common/types.js';
import { QuiverError, SqlState } from '../../common/errors.js';
import { toDate, toTimestamp } from '../../common/datetime_parse.js';
import { registerScalar } from '../registry.js';
import { formatG } from './misc.js';

function register(): void {
  registerScalar({
    name: 'to_date', args: ['text', 'text'], ret: T.date, strict: true,
    impl: toDate,
  });
  registerScalar({
    name: 'to_timestamp', args: ['text', 'text'], ret: T.timestamptz, strict: true,
    impl: toTimestamp,
  });
  registerScalar({
    name: 'to_timestamp', args: ['float8'], ret: T.timestamptz, strict: true,
    impl: ((x: number) => {
      if (Number.isNaN(x)) throw new QuiverError(SqlState.datetimeFieldOverflow, 'timestamp cannot be NaN');
      if (!Number.isFinite(x)) return x;
      // PostgreSQL's range: 4714-11-24 BC up to (not including) 294277-01-01, in epoch seconds.
      if (x < -210866803200 || x >= 9224318016000) throw new QuiverError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${formatG(x)}"`);
      return Math.round(x * 1e6);
    }) as (...args: never[]) => unknown,
  });
}

register();
