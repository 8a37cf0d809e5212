/**
 * SQL types as PostgreSQL names them, and the physical layout each one has in a vector.
 */
export type TypeId =
  | 'bool' | 'int2' | 'int4' | 'int8' | 'float4' | 'float8' | 'numeric'
  | 'text' | 'varchar' | 'bpchar' | 'date' | 'time' | 'timetz' | 'timestamp' | 'interval'
  | 'array' // one-dimensional arrays; `elem` gives the element type
  | 'record' // a row value (ROW(...)); `fields` gives the field types
  | 'json' | 'jsonb' // stored as text: json verbatim, jsonb normalized (common/json.ts)
  | 'jsonpath' // stored as its normalized text (common/jsonpath.ts)
  | 'unknown' // an untyped string literal or NULL, resolved by context as PostgreSQL does
  ;

export interface SqlType {
  readonly id: TypeId;
  /** numeric(p,s): precision and scale; varchar(n)/char(n): length. -1 when absent. */
  readonly precision: number;
  readonly scale: number;
  /** For arrays: the element type. */
  readonly elem?: SqlType;
  /** For records: the field types. */
  readonly fields?: readonly SqlType[];
}

export function arrayOf(elem: SqlType): SqlType {
  return Object.freeze({ id: 'array' as const, precision: -1, scale: -1, elem });
}

export function recordOf(fields: SqlType[]): SqlType {
  return Object.freeze({ id: 'record' as const, precision: -1, scale: -1, fields: Object.freeze([...fields]) });
}

const cache = new Map<TypeId, SqlType>();
export function type(id: TypeId, precision = -1, scale = -1): SqlType {
  if (precision === -1 && scale === -1) {
    let t = cache.get(id);
    if (!t) { t = Object.freeze({ id, precision, scale }); cache.set(id, t); }
    return t;
  }
  return Object.freeze({ id, precision, scale });
}

/**
 * timestamp with time zone is, until it becomes a type of its own, a timestamp marked by this
 * scale: its values are UTC (the session time zone is UTC) and its text input applies the zone
 * offset the text names, where timestamp without time zone ignores it.
 */
export const TIMESTAMPTZ_SCALE = 1;

export function isTimestampTz(t: SqlType): boolean {
  return t.id === 'timestamp' && t.scale === TIMESTAMPTZ_SCALE;
}

export const T = {
  bool: type('bool'), int2: type('int2'), int4: type('int4'), int8: type('int8'),
  float4: type('float4'), float8: type('float8'), numeric: type('numeric'),
  text: type('text'), varchar: type('varchar'), bpchar: type('bpchar'),
  date: type('date'), time: type('time'), timetz: type('timetz'), timestamp: type('timestamp'), interval: type('interval'),
  timestamptz: type('timestamp', -1, TIMESTAMPTZ_SCALE),
  unknown: type('unknown'),
  array: arrayOf(type('text')),
  record: type('record'),
  json: type('json'), jsonb: type('jsonb'), jsonpath: type('jsonpath'),
} as const;

/** How values of a type are stored in a vector. */
export type PhysicalKind = 'bool' | 'i32' | 'i64' | 'f64' | 'decimal' | 'string' | 'interval';

export function physicalKind(id: TypeId): PhysicalKind {
  switch (id) {
    case 'bool': return 'bool';
    case 'int2': case 'int4': case 'date': return 'i32';
    case 'int8': return 'i64';
    case 'float4': case 'float8': case 'timestamp': case 'time': return 'f64';
    case 'numeric': return 'decimal';
    case 'interval': case 'timetz': case 'array': case 'record': return 'interval';
    default: return 'string';
  }
}

export function isNumeric(id: TypeId): boolean {
  return id === 'int2' || id === 'int4' || id === 'int8' || id === 'float4' || id === 'float8' || id === 'numeric';
}
export function isInteger(id: TypeId): boolean { return id === 'int2' || id === 'int4' || id === 'int8'; }
export function isText(id: TypeId): boolean { return id === 'text' || id === 'varchar' || id === 'bpchar' || id === 'unknown'; }

/** PostgreSQL's name of a type, as format_type prints it. */
export function typeName(t: SqlType): string {
  switch (t.id) {
    case 'bool': return 'boolean';
    case 'int2': return 'smallint';
    case 'int4': return 'integer';
    case 'int8': return 'bigint';
    case 'float4': return 'real';
    case 'float8': return 'double precision';
    case 'numeric': return t.precision >= 0 ? `numeric(${t.precision},${Math.max(t.scale, 0)})` : 'numeric';
    case 'text': return 'text';
    case 'varchar': return t.precision >= 0 ? `character varying(${t.precision})` : 'character varying';
    case 'bpchar': return t.precision >= 0 ? `character(${t.precision})` : 'bpchar';
    case 'date': return 'date';
    case 'time': return 'time without time zone';
    case 'timetz': return 'time with time zone';
    case 'timestamp': return t.scale === TIMESTAMPTZ_SCALE ? 'timestamp with time zone' : 'timestamp without time zone';
    case 'interval': return 'interval';
    case 'unknown': return 'unknown';
    case 'array': return `${typeName(t.elem ?? T.text)}[]`;
    case 'record': return 'record';
    case 'json': return 'json';
    case 'jsonb': return 'jsonb';
    case 'jsonpath': return 'jsonpath';
  }
}

/** Type category letters as pg_type.typcategory, used by implicit-cast resolution. */
export function category(id: TypeId): 'A' | 'B' | 'N' | 'S' | 'D' | 'T' | 'X' | 'P' | 'U' {
  switch (id) {
    case 'bool': return 'B';
    case 'int2': case 'int4': case 'int8': case 'float4': case 'float8': case 'numeric': return 'N';
    case 'text': case 'varchar': case 'bpchar': return 'S';
    case 'date': case 'timestamp': case 'time': case 'timetz': return 'D';
    case 'interval': return 'T';
    case 'unknown': return 'X';
    case 'array': return 'A';
    case 'record': return 'P';
    case 'json': case 'jsonb': case 'jsonpath': return 'U';
  }
}

/** Rank in the numeric implicit-cast chain int2 → int4 → int8 → numeric → float4 → float8. */
export function numericRank(id: TypeId): number {
  switch (id) {
    case 'int2': return 1; case 'int4': return 2; case 'int8': return 3;
    case 'numeric': return 4; case 'float4': return 5; case 'float8': return 6;
    default: return 0;
  }
}

/** Whether PostgreSQL casts `from` to `to` implicitly (pg_cast castcontext 'i'). */
export function canImplicitCast(from: TypeId, to: TypeId): boolean {
  if (from === to || from === 'unknown') return true;
  const rf = numericRank(from), rt = numericRank(to);
  if (rf && rt) return rf <= rt;
  if (isText(from) && isText(to)) return to === 'text' || (from === 'bpchar' && to === 'varchar');
  if (from === 'date' && to === 'timestamp') return true;
  return false;
}

/** Whether PostgreSQL casts `from` to `to` in assignment (pg_cast castcontext 'a'), beyond implicit casts. */
export function isJsonAssignmentCast(from: TypeId, to: TypeId): boolean {
  return (from === 'json' && to === 'jsonb') || (from === 'jsonb' && to === 'json');
}
