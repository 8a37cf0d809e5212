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

/**
 * The longest text value: V8's longest string (2^29 - 24 UTF-16 code units). PostgreSQL's limit is
 * 1 GB; past either, the answer is PostgreSQL's 54000.
 */
export const MAX_TEXT_LENGTH = 0x1fffffe8;

/** PostgreSQL's error when a text value would grow past the limit (its enlargeStringInfo). */
export function textTooLong(have: number, more: number): QuiverError {
  return new QuiverError('54000', 'out of memory', { detail: `Cannot enlarge string buffer containing ${have} bytes by ${more} more bytes.` });
}

/**
 * Anything thrown inside the engine that is not a QuiverError. The places user input can reach
 * raise QuiverErrors themselves; this is the safety net for the JavaScript errors that mean a
 * limit was reached (PostgreSQL's 54000 / 54001 / 53200) and for the rest, an internal error (XX000).
 */
export function asQuiverError(e: unknown): QuiverError {
  if (e instanceof QuiverError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError) {
    if (/call stack/i.test(msg)) return new QuiverError('54001', 'stack depth limit exceeded');
    if (/Invalid string length|Cannot create a string longer/i.test(msg)) {
      return new QuiverError('54000', 'out of memory', { detail: `A text value would be longer than ${MAX_TEXT_LENGTH} characters.` });
    }
    if (/Invalid (typed )?array length|Invalid array buffer length|too many elements/i.test(msg)) {
      return new QuiverError('54000', 'array size exceeds the maximum allowed');
    }
    if (/Array buffer allocation failed|allocation failed/i.test(msg)) return new QuiverError('53200', 'out of memory');
    if (/Maximum BigInt size exceeded/i.test(msg)) return new QuiverError(SqlState.numericOutOfRange, 'value overflows numeric format');
    if (/Division by zero/i.test(msg)) return new QuiverError(SqlState.divisionByZero, 'division by zero');
  }
  if (e instanceof SyntaxError && /Invalid regular expression/i.test(msg)) {
    return new QuiverError('2201B', /too large/i.test(msg) ? 'invalid regular expression: regular expression is too complex' : `invalid regular expression: ${msg}`);
  }
  return new QuiverError(SqlState.internalError, `internal error: ${msg}`);
}
