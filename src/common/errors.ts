/**
 * The one error class of the engine. It carries a PostgreSQL SQLSTATE so every face
 * (embedded API, wire server, CLI, sqllogictest) can report it the way PostgreSQL would.
 */
export class QuiverError extends Error {
  readonly code: string;
  /** 1-based character position in the statement text, as PostgreSQL's cursor position. */
  position?: number;
  detail?: string;
  hint?: string;

  constructor(code: string, message: string, opts: { position?: number; detail?: string; hint?: string } = {}) {
    super(message);
    this.name = 'QuiverError';
    this.code = code;
    if (opts.position !== undefined) this.position = opts.position;
    if (opts.detail !== undefined) this.detail = opts.detail;
    if (opts.hint !== undefined) this.hint = opts.hint;
  }
}

export const SqlState = {
  syntaxError: '42601',
  undefinedTable: '42P01',
  undefinedColumn: '42703',
  ambiguousColumn: '42702',
  datatypeMismatch: '42804',
  undefinedFunction: '42883',
  groupingError: '42803',
  divisionByZero: '22012',
  numericOutOfRange: '22003',
  invalidTextRepresentation: '22P02',
  invalidDatetimeFormat: '22007',
  datetimeFieldOverflow: '22008',
  stringDataRightTruncation: '22001',
  duplicateTable: '42P07',
  duplicateColumn: '42701',
  duplicateObject: '42710',
  notNullViolation: '23502',
  uniqueViolation: '23505',
  checkViolation: '23514',
  cardinalityViolation: '21000',
  featureNotSupported: '0A000',
  wrongObjectType: '42809',
  invalidParameterValue: '22023',
  invalidColumnReference: '42P10',
  ambiguousFunction: '42725',
  undefinedObject: '42704',
  invalidRecursion: '42P19',
  windowingError: '42P20',
  syntaxErrorOrAccessRule: '42000',
  invalidRowCountInLimit: '2201W',
  invalidRowCountInOffset: '2201X',
  invalidArgumentForLog: '2201E',
  invalidArgumentForPower: '2201F',
  invalidArgumentForNtile: '22014',
  invalidEscapeSequence: '22025',
  undefinedParameter: '42P02',
  internalError: 'XX000',
  dataException: '22000',
  invalidCatalogName: '3D000',
  ioError: '58030',
  cannotCoerce: '42846',
  duplicateAlias: '42712',
  duplicateSchema: '42P06',
  invalidSchemaName: '3F000',
  undefinedSchema: '3F000',
  objectInUse: '55006',
  invalidTableDefinition: '42P16',
} as const;

export function sqlError(code: string, message: string, position?: number): QuiverError {
  return new QuiverError(code, message, position === undefined ? {} : { position });
}

/** Anything thrown inside the engine that is not a QuiverError becomes an internal error (XX000). */
export function asQuiverError(e: unknown): QuiverError {
  if (e instanceof QuiverError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new QuiverError('54001', 'stack depth limit exceeded');
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new QuiverError(SqlState.internalError, `internal error: ${msg}`);
}
