/**
 * json(b)_each(_text), json(b)_array_elements(_text) and json(b)_object_keys: in FROM their
 * columns are `key`, `value` (or `value`, or the function's name); in a select list json_each
 * gives a record. Members are sliced out of the text (json keeps duplicate keys and the input's
 * spacing, jsonb's text is already normalized).
 */
import { T, recordOf, type SqlType } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';
import { registerSetFunction, type SetFunction } from './set_functions.js';
import { RowValue } from './row_value.js';
import { topKind, objectMembers, arrayElements, spanText } from '../common/json_access.js';
import { jsonbIn } from '../common/json.js';
import { fromText } from './runtime.js';

type Kind = 'object' | 'array' | 'scalar';

function misuse(message: string): QuiverError {
  return new QuiverError(SqlState.invalidParameterValue, message);
}

/** The error each function gives for a value of the wrong kind, as PostgreSQL words it. */
function checkKind(name: string, jsonb: boolean, want: 'object' | 'array', got: Kind): void {
  if (got === want) return;
  if (want === 'object' && name.endsWith('object_keys')) throw misuse(`cannot call ${name} on ${got === 'array' ? 'an array' : 'a scalar'}`);
  if (want === 'object') {
    if (jsonb) throw misuse(`cannot call ${name} on a non-object`);
    throw misuse(got === 'array' ? 'cannot deconstruct an array as an object' : 'cannot deconstruct a scalar');
  }
  if (jsonb) throw misuse(`cannot extract elements from ${got === 'object' ? 'an object' : 'a scalar'}`);
  throw misuse(`cannot call ${name} on ${got === 'object' ? 'a non-array' : 'a scalar'}`);
}

function accepts(args: SqlType[], t: 'json' | 'jsonb'): boolean {
  return args.length === 1 && (args[0]!.id === t || args[0]!.id === 'unknown');
}

function each(t: 'json' | 'jsonb', asText: boolean): SetFunction {
  const name = `${t}_each${asText ? '_text' : ''}`;
  const valueType = asText ? T.text : T[t];
  return {
    name, strict: true, yieldsRows: true,
    resolve: (args) => (accepts(args, t)
      ? { args: [T[t]], ret: recordOf([T.text, valueType]), columns: [{ name: 'key', type: T.text }, { name: 'value', type: valueType }] }
      : null),
    *generate(args) {
      const s = args[0] as string;
      checkKind(name, t === 'jsonb', 'object', topKind(s));
      const types = [T.text, valueType];
      for (const m of objectMembers(s)) yield new RowValue([m.key, asText ? spanText(s, m.a, m.b) : s.slice(m.a, m.b)], types);
    },
  };
}

function elements(t: 'json' | 'jsonb', asText: boolean): SetFunction {
  const name = `${t}_array_elements${asText ? '_text' : ''}`;
  const valueType = asText ? T.text : T[t];
  return {
    name, strict: true,
    resolve: (args) => (accepts(args, t) ? { args: [T[t]], ret: valueType, columns: [{ name: 'value', type: valueType }] } : null),
    *generate(args) {
      const s = args[0] as string;
      checkKind(name, t === 'jsonb', 'array', topKind(s));
      for (const [a, b] of arrayElements(s)) yield asText ? spanText(s, a, b) : s.slice(a, b);
    },
  };
}

function objectKeys(t: 'json' | 'jsonb'): SetFunction {
  const name = `${t}_object_keys`;
  return {
    name, strict: true,
    resolve: (args) => (accepts(args, t) ? { args: [T[t]], ret: T.text } : null),
    *generate(args) {
      const s = args[0] as string;
      checkKind(name, t === 'jsonb', 'object', topKind(s));
      for (const m of objectMembers(s)) yield m.key;
    },
  };
}

for (const t of ['json', 'jsonb'] as const) {
  registerSetFunction(each(t, false));
  registerSetFunction(each(t, true));
  registerSetFunction(elements(t, false));
  registerSetFunction(elements(t, true));
  registerSetFunction(objectKeys(t));
}

/** The output columns of json_to_record(set), from the call's column definition list. */
export interface RecordColumns { names: string[]; types: SqlType[] }

/** Functions that take their output columns from a column definition list in FROM. */
export const RECORD_FUNCTIONS = new Set(['json_to_record', 'jsonb_to_record', 'json_to_recordset', 'jsonb_to_recordset']);

/**
 * A JSON member as a value of column type t (populate_scalar): JSON null is NULL; json and jsonb
 * columns take the member's text; a JSON array fills an array column element by element; any
 * other member goes through the type's input function, strings unquoted.
 */
function memberValue(s: string, a: number, b: number, t: SqlType): unknown {
  const text = spanText(s, a, b);
  if (text === null) return null;
  if (t.id === 'json') return s.slice(a, b);
  if (t.id === 'jsonb') return jsonbIn(s.slice(a, b));
  if (t.id === 'array' && s.charCodeAt(a) === 91) {
    const inner = s.slice(a, b);
    return arrayElements(inner).map(([x, y]) => memberValue(inner, x, y, t.elem!));
  }
  return fromText(text, t);
}

function recordOfObject(s: string, cols: RecordColumns): RowValue {
  const members = new Map<string, { a: number; b: number }>();
  for (const m of objectMembers(s)) members.set(m.key, m); // the last of duplicate keys wins
  return new RowValue(cols.names.map((n, i) => {
    const m = members.get(n);
    return m ? memberValue(s, m.a, m.b, cols.types[i]!) : null;
  }), cols.types);
}

function toRecord(t: 'json' | 'jsonb', set: boolean): SetFunction {
  const name = `${t}_to_record${set ? 'set' : ''}`;
  return {
    name, strict: true, yieldsRows: true,
    resolve: (args) => (accepts(args.slice(0, 1), t) ? { args: [T[t], ...args.slice(1)], ret: T.record } : null),
    *generate(args) {
      const s = args[0] as string;
      const cols = args[1] as RecordColumns | undefined;
      if (!cols) {
        throw new QuiverError(SqlState.featureNotSupported, `could not determine row type for result of ${name}`, { hint: 'Provide a non-null record argument, or call the function in the FROM clause using a column definition list.' });
      }
      const kind = topKind(s);
      if (!set) {
        if (kind !== 'object') throw misuse(`cannot call populate_composite on ${kind === 'array' ? 'an array' : 'a scalar'}`);
        yield recordOfObject(s, cols);
        return;
      }
      if (kind !== 'array') throw misuse(`cannot call ${name} on ${kind === 'object' ? 'an object' : 'a scalar'}`);
      for (const [a, b] of arrayElements(s)) {
        const el = s.slice(a, b);
        if (topKind(el) !== 'object') throw misuse(`argument of ${name} must be an array of objects`);
        yield recordOfObject(el, cols);
      }
    },
  };
}

for (const t of ['json', 'jsonb'] as const) {
  registerSetFunction(toRecord(t, false));
  registerSetFunction(toRecord(t, true));
}
