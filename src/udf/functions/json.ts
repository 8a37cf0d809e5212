/**
 * json and jsonb operators and functions: access (`->`, `->>`, `#>`, `#>>`, the extract_path
 * functions), containment and existence, editing (`||`, `-`, `#-`, jsonb_set, jsonb_insert),
 * constructors and inspection.
 */
import { T, isText, typeName, type SqlType } from '../../common/types.js';
import { QuiverError, SqlState } from '../../common/errors.js';
import { registerScalar } from '../registry.js';
import { getField, getFieldText, getElement, getElementText, getPath, getPathText } from '../../common/json_access.js';

type Impl = (...args: never[]) => unknown;
const fn = (f: (...xs: never[]) => unknown): Impl => f as Impl;

/**
 * A result type that accepts only text[] for the array argument (the 'array' spec admits any
 * array): PostgreSQL has these operators and functions for text[] alone.
 */
export function textArrayArg(name: string, ret: SqlType): (a: SqlType[]) => SqlType {
  return (a) => {
    const arr = a.find((t) => t.id === 'array');
    if (arr && !isText(arr.elem?.id ?? 'text')) {
      const symbolic = /^[^a-z_]/.test(name);
      throw new QuiverError(SqlState.undefinedFunction, symbolic
        ? `operator does not exist: ${typeName(a[0]!)} ${name} ${typeName(a[1]!)}`
        : `function ${name}(${a.map(typeName).join(', ')}) does not exist`,
      { hint: `No ${symbolic ? 'operator' : 'function'} matches the given name and argument types. You might need to add explicit type casts.` });
    }
    return ret;
  };
}

function access(): void {
  for (const t of ['json', 'jsonb'] as const) {
    const json = t === 'json';
    const self = T[t];
    registerScalar({ name: '->', args: [t, 'text'], ret: self, strict: true, impl: fn((s: string, k: string) => getField(s, k, json)) });
    registerScalar({ name: '->', args: [t, 'int4'], ret: self, strict: true, impl: fn((s: string, i: number) => getElement(s, i, !json)) });
    registerScalar({ name: '->>', args: [t, 'text'], ret: T.text, strict: true, impl: fn((s: string, k: string) => getFieldText(s, k, json)) });
    registerScalar({ name: '->>', args: [t, 'int4'], ret: T.text, strict: true, impl: fn((s: string, i: number) => getElementText(s, i, !json)) });
    registerScalar({ name: '#>', args: [t, 'array'], ret: textArrayArg('#>', self), strict: true, impl: fn((s: string, p: (string | null)[]) => getPath(s, p, json)) });
    registerScalar({ name: '#>>', args: [t, 'array'], ret: textArrayArg('#>>', T.text), strict: true, impl: fn((s: string, p: (string | null)[]) => getPathText(s, p, json)) });
    registerScalar({ name: `${t}_extract_path`, args: [t, 'text'], variadic: true, ret: self, strict: true, impl: fn((s: string, ...p: string[]) => getPath(s, p, json)) });
    registerScalar({ name: `${t}_extract_path_text`, args: [t, 'text'], variadic: true, ret: T.text, strict: true, impl: fn((s: string, ...p: string[]) => getPathText(s, p, json)) });
  }
}

access();
