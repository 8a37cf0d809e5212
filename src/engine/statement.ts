/** What executing one statement produces, before conversion to the API's result shape. */
import type { Batch } from '../common/vector.js';
import type { Field } from '../logical/plan.js';

export interface StatementResult {
  command: string;
  /** Present for statements that return rows. */
  schema?: Field[];
  batches?: Batch[];
  rowCount: number;
}
