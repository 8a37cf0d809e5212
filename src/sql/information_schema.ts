/**
 * information_schema.tables / columns / schemata, built from the catalog when queried, so tools
 * and people can list what exists with plain SQL.
 */
import type { Catalog } from '../catalog/catalog.js';
import { T, typeName, type SqlType } from '../common/types.js';
import { QuiverError, SqlState } from '../common/errors.js';

export interface VirtualTable { names: string[]; types: SqlType[]; rows: unknown[][] }

function split(key: string): [string, string] {
  const i = key.indexOf('.');
  return i < 0 ? ['public', key] : [key.slice(0, i), key.slice(i + 1)];
}

function dataType(t: SqlType): string {
  return typeName({ ...t, precision: -1, scale: t.id === 'timestamp' ? t.scale : -1 }).replace(/^bpchar$/, 'character').replace(/\[\]$/, '') + (t.id === 'array' ? '' : '');
}

/** The text of a simple DEFAULT as PostgreSQL shows it (constants only; others are NULL here). */
function defaultText(node: unknown, t: SqlType): string | null {
  const c = (node as { A_Const?: { ival?: { ival?: number }; fval?: { fval: string }; sval?: { sval?: string }; boolval?: { boolval?: boolean }; isnull?: boolean } } | null)?.A_Const;
  if (!c) return null;
  if (c.isnull) return 'NULL::' + typeName(t);
  if (c.ival) return String(c.ival.ival ?? 0);
  if (c.fval) return c.fval.fval;
  if (c.boolval) return c.boolval.boolval ? 'true' : 'false';
  if (c.sval) return `'${(c.sval.sval ?? '').replace(/'/g, "''")}'::${typeName(t)}`;
  return null;
}

export function informationSchema(catalog: Catalog, name: string, viewColumns: (view: string) => { name: string; type: SqlType }[] | null): VirtualTable {
  switch (name) {
    case 'schemata':
      return {
        names: ['catalog_name', 'schema_name', 'schema_owner'],
        types: [T.text, T.text, T.text],
        rows: ['public', ...[...catalog.schemas].filter((s) => s !== 'public'), 'information_schema'].map((s) => ['quiver', s, 'quiver']),
      };
    case 'tables':
      return {
        names: ['table_catalog', 'table_schema', 'table_name', 'table_type'],
        types: [T.text, T.text, T.text, T.text],
        rows: catalog.all().map((e) => { const [s, n] = split(e.name); return ['quiver', s, n, e.kind === 'view' ? 'VIEW' : 'BASE TABLE']; }),
      };
    case 'columns': {
      const rows: unknown[][] = [];
      for (const e of catalog.all()) {
        const [s, n] = split(e.name);
        const cols = e.kind === 'table'
          ? e.columns.map((c) => ({ name: c.name, type: c.type, notNull: c.notNull, def: defaultText(c.defaultNode, c.type) }))
          : (viewColumns(e.name) ?? []).map((c) => ({ ...c, notNull: false, def: null }));
        cols.forEach((c, i) => {
          const t = c.type;
          const isChar = t.id === 'varchar' || t.id === 'bpchar';
          rows.push(['quiver', s, n, c.name, i + 1, c.def, c.notNull ? 'NO' : 'YES', t.id === 'array' ? 'ARRAY' : dataType(t),
            isChar && t.precision >= 0 ? t.precision : null,
            t.id === 'numeric' && t.precision >= 0 ? t.precision : t.id === 'int4' ? 32 : t.id === 'int8' ? 64 : t.id === 'int2' ? 16 : t.id === 'float8' ? 53 : t.id === 'float4' ? 24 : null,
            t.id === 'numeric' && t.precision >= 0 ? Math.max(0, t.scale) : ['int2', 'int4', 'int8'].includes(t.id) ? 0 : null]);
        });
      }
      return {
        names: ['table_catalog', 'table_schema', 'table_name', 'column_name', 'ordinal_position', 'column_default', 'is_nullable', 'data_type', 'character_maximum_length', 'numeric_precision', 'numeric_scale'],
        types: [T.text, T.text, T.text, T.text, T.int4, T.text, T.text, T.text, T.int4, T.int4, T.int4],
        rows,
      };
    }
    default:
      throw new QuiverError(SqlState.undefinedTable, `relation "information_schema.${name}" does not exist`);
  }
}
