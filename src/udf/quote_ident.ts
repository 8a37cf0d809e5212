/** quote_ident's rule (ruleutils.c quote_identifier), used by format('%I'). */

// PostgreSQL 15's keywords other than the unreserved ones: reserved, column-name and
// type/function-name keywords cannot stand as bare identifiers everywhere, so they are quoted.
const NOT_UNRESERVED = new Set((
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
  'current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc ' +
  'distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral ' +
  'leading limit localtime localtimestamp not null offset on only or order placing primary references returning ' +
  'select session_user some symmetric table then to trailing true union unique user using variadic when where window with ' +
  'authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like ' +
  'natural notnull outer overlaps right similar tablesample verbose ' +
  'between bigint bit boolean char character coalesce dec decimal exists extract float greatest grouping inout int ' +
  'integer interval least national nchar none normalize nullif numeric out overlay position precision real row setof ' +
  'smallint substring time timestamp treat trim values varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest ' +
  'xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable'
).split(' '));

/** The identifier as SQL text: bare when it is lower case and no keyword, else double-quoted. */
export function quoteIdent(s: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(s) && !NOT_UNRESERVED.has(s)) return s;
  return `"${s.replace(/"/g, '""')}"`;
}
