/** Resolves PostgreSQL type names (TypeName parse nodes) to SQL types. */
import { T, type, arrayOf, type SqlType } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';
import type { PgNode } from './parser.js';

export function resolveTypeName(tn: PgNode): SqlType {
  const names: string[] = (tn.names ?? []).map((n: PgNode) => n.String?.sval as string);
  const name = names[names.length - 1]!.toLowerCase();
  const mods: number[] = (tn.typmods ?? []).map((m: PgNode) => {
    const c = m.A_Const;
    if (c && c.ival !== undefined) return c.ival.ival ?? 0;
    throw new QuiverError(SqlState.invalidTextRepresentation, 'type modifiers must be simple constants', tn.location !== undefined ? { position: tn.location + 1 } : {});
  });
  const pos = tn.location !== undefined ? tn.location + 1 : undefined;
  if (tn.arrayBounds && tn.arrayBounds.length) {
    // int[], text[][]: arrays are one-dimensional here; the bounds are not enforced, as in PostgreSQL.
    return arrayOf(resolveTypeName({ ...tn, arrayBounds: undefined }));
  }
  switch (name) {
    case 'bool': case 'boolean': return T.bool;
    case 'int2': case 'smallint': return T.int2;
    case 'int4': case 'int': case 'integer': case 'serial': case 'serial4': return T.int4;
    case 'int8': case 'bigint': case 'bigserial': case 'serial8': return T.int8;
    case 'float4': case 'real': return T.float4;
    case 'float8': case 'double precision': return T.float8;
    case 'float': {
      if (mods.length && mods[0]! <= 24) return T.float4;
      return T.float8;
    }
    case 'numeric': case 'decimal': {
      if (mods.length === 0) return T.numeric;
      const p = mods[0]!, s = mods[1] ?? 0;
      if (p < 1 || p > 1000) throw new QuiverError(SqlState.invalidParameterValue, `NUMERIC precision ${p} must be between 1 and 1000`, pos === undefined ? {} : { position: pos });
      if (s < 0 || s > p) throw new QuiverError(SqlState.invalidParameterValue, `NUMERIC scale ${s} must be between 0 and precision ${p}`, pos === undefined ? {} : { position: pos });
      return type('numeric', p, s);
    }
    case 'text': case 'string': return T.text;
    case 'varchar': case 'character varying': return mods.length ? type('varchar', charLength(tn, 'varchar', mods[0]!)) : T.varchar;
    case 'bpchar': case 'char': case 'character': return mods.length ? type('bpchar', charLength(tn, 'char', mods[0]!)) : T.bpchar;
    case 'date': return T.date;
    case 'time': case 'time without time zone': return T.time;
    case 'timetz': case 'time with time zone': return T.timetz;
    case 'timestamp': case 'timestamp without time zone': case 'datetime': return T.timestamp;
    case 'timestamptz': case 'timestamp with time zone': return T.timestamptz;
    // The qualifier (YEAR, DAY TO SECOND, ...) rides in precision as PostgreSQL's field mask.
    case 'json': return T.json;
    case 'jsonb': return T.jsonb;
    case 'jsonpath': return T.jsonpath;
    case 'interval': return mods.length && mods[0] !== 0x7fff ? type('interval', mods[0]!) : T.interval;
    default:
      throw new QuiverError(SqlState.undefinedObject, `type "${name}" does not exist`, pos === undefined ? {} : { position: pos });
  }
}

/** A character type's length, within PostgreSQL's bounds (its anychar_typmodin). */
function charLength(tn: PgNode, name: string, n: number): number {
  const loc = tn.typmods?.[0]?.A_Const?.location ?? tn.location;
  const at = typeof loc === 'number' && loc >= 0 ? { position: loc + 1 } : {};
  if (n < 1) throw new QuiverError(SqlState.invalidParameterValue, `length for type ${name} must be at least 1`, at);
  if (n > 10485760) throw new QuiverError(SqlState.invalidParameterValue, `length for type ${name} cannot exceed 10485760`, at);
  return n;
}
