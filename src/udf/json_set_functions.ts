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
    name, strict: true,
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
