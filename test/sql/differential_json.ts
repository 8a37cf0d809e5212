/**
 * The json family of the differential test: documents built from the base table t1 (so NULLs,
 * extreme numbers, quotes and empty strings reach them), stored as jsonb and json, then read back
 * with the access, containment, existence and editing operators, the constructors, the
 * aggregates, the set-returning functions and jsonb ordering, on both engines.
 */
import type { Rng } from './differential_harness.js';

interface Query { sql: string; ordered: boolean }

/** The fixture: one row per row of t1, its columns as members (their names as keys). */
export const JSON_FIXTURE = [
  `CREATE TABLE tj AS SELECT id, a, b, c, d, s, f, dt,
     jsonb_build_object('id', id, 'a', a, 'b', b, 'c', c, 's', s, 'f', f, 'dt', dt, 'arr', jsonb_build_array(a, s, c), 'o', jsonb_build_object('x', a, 'y', jsonb_build_array(f))) AS j,
     json_build_object('a', a, 's', s, 'arr', json_build_array(c, s)) AS js
   FROM t1`,
];

const KEYS = ["'a'", "'b'", "'c'", "'s'", "'f'", "'dt'", "'arr'", "'o'", "'id'", "'nope'", "''"];
const PATHS = ["'{o,x}'", "'{o,y,0}'", "'{arr,1}'", "'{arr,-1}'", "'{arr,9}'", "'{}'", "'{a}'", "'{o}'", "'{o,y,-1}'"];
const PATH_QUERIES = ["'$.arr[*] ? (@ > 1)'", "'strict $.o.x'", "'$.o.*'", "'$.arr[last]'", "'$.arr.size()'", "'$ ? (@.a > 1 && @.f == true)'",
  "'$.* ? (@.type() == \"string\")'", "'lax $.arr[0 to 1]'", "'$.arr[*] ? (@ like_regex \"^o\" flag \"i\")'", "'$.c.abs()'", "'$.s ? (exists (@))'"];
const LITERALS = [`'{"f": true}'`, `'{"a": 1}'`, `'{"o": {"y": [true]}}'`, `'{}'`, `'[]'`, `'{"arr": [null]}'`, `'{"s": ""}'`, `'1'`];

export class JsonGen {
  constructor(private readonly r: Rng) {}

  private key(): string { return this.r.pick(KEYS); }

  /** A jsonb expression over tj. */
  private jsonb(depth = 0): string {
    const r = this.r;
    const alts: [number, () => string][] = [
      [4, () => 'j'],
      [2, () => `(j -> ${this.key()})`],
      [1, () => `(j #> ${r.pick(PATHS)})`],
      [1, () => `(j -> 'arr' -> ${r.int(-4, 3)})`],
      [1, () => `(j - ${this.key()})`],
      [1, () => `jsonb_set(j, ${r.pick(PATHS)}, to_jsonb(${r.pick(['a', 's', 'c', 'f', 'dt'])}))`],
      [1, () => `jsonb_strip_nulls(j)`],
      [1, () => `(j #- ${r.pick(PATHS)})`],
      [1, () => `jsonb_build_object('k', ${r.pick(['a', 's', 'c', 'd', 'b'])}, 'j', j -> ${this.key()})`],
      [1, () => `to_jsonb(${r.pick(['a', 's', 'c', 'd', 'f', 'dt', 'b'])})`],
      [1, () => `js::jsonb`],
    ];
    if (depth < 2) alts.push([1, () => `(${this.jsonb(depth + 1)} || ${this.jsonb(depth + 1)})`]);
    return r.weighted(alts);
  }

  /** A scalar expression of some type over tj. */
  private scalar(): string {
    const r = this.r;
    return r.weighted([
      [3, () => `(${this.jsonb()} ->> ${this.key()})`],
      [2, () => `(j #>> ${r.pick(PATHS)})`],
      [1, () => `(js ->> ${r.pick(["'a'", "'s'", "'arr'"])})`],
      [1, () => `(js -> 'arr')::text`],
      [1, () => `jsonb_typeof(${this.jsonb()})`],
      [1, () => `(${this.jsonb()})::text`],
      [1, () => `(j ->> 'a')::int`],
      [1, () => `(j -> 'c')::numeric`],
      [4, () => this.predicate()],
      [1, () => `jsonb_array_length(j -> 'arr')`],
      [1, () => `json_build_array(a, s, j -> 'o')::text`],
    ]);
  }

  /** A boolean expression over tj. */
  private predicate(): string {
    const r = this.r;
    return r.weighted([
      [1, () => `(j ${r.pick(['@>', '<@'])} ${r.pick(LITERALS)})`],
      [1, () => `(j ? ${this.key()})`],
      [1, () => `(j ${r.pick(['?|', '?&'])} ARRAY[${this.key()}, ${this.key()}])`],
      [1, () => `(${this.jsonb()} ${r.pick(['=', '<', '>=', '<>'])} ${this.jsonb()})`],
      [1, () => `((j ->> 'a')::int ${r.pick(['<', '>'])} ${r.int(-5, 5)})`],
      [1, () => `(j -> 'f')::boolean`],
      [1, () => `(j @? ${r.pick(PATH_QUERIES)})`],
      [1, () => `(j @@ ${r.pick(["'$.a > 1'", "'$.arr[*] == null'", "'$.o.y[0] == true'", `'$.s starts with "a"'`, "'$.c >= 0'"])})`],
    ]);
  }

  query(): Query {
    const r = this.r;
    return r.weighted<Query>([
      [4, () => ({ sql: `SELECT id, ${this.scalar()}, ${this.scalar()} FROM tj${r.chance(0.4) ? ` WHERE ${this.predicate()}` : ''}`, ordered: false })],
      [2, () => ({ sql: `SELECT id, ${this.jsonb()} FROM tj ORDER BY 2${r.chance(0.5) ? ' DESC' : ''}, 1`, ordered: true })],
      [2, () => ({ sql: `SELECT ${this.jsonb()} AS g, count(*) FROM tj GROUP BY 1`, ordered: false })],
      [1, () => ({ sql: `SELECT DISTINCT ${this.jsonb()} FROM tj`, ordered: false })],
      [2, () => ({ sql: `SELECT (j ->> 'f') AS g, jsonb_agg(${this.jsonb()} ORDER BY id), json_agg(${r.pick(['a', 's', 'c', 'js'])} ORDER BY id) FROM tj GROUP BY 1`, ordered: false })],
      [1, () => ({ sql: `SELECT jsonb_object_agg(id, ${this.jsonb()}), json_object_agg(id, ${r.pick(['s', 'c', 'f'])} ORDER BY id) FROM tj`, ordered: false })],
      [2, () => ({ sql: `SELECT tj.id, e.key, e.value FROM tj, jsonb_each(${r.pick(['j', "j -> 'o'"])}) e${r.chance(0.5) ? ` WHERE e.value ${r.pick(['@>', '<@'])} ${r.pick(LITERALS)}` : ''}`, ordered: false })],
      [1, () => ({ sql: `SELECT k, count(*) FROM tj, jsonb_object_keys(${this.jsonb()}) k GROUP BY k`, ordered: false })],
      [1, () => ({ sql: `SELECT id, e FROM tj, ${r.pick(['jsonb_array_elements', 'jsonb_array_elements_text'])}(j -> 'arr') e`, ordered: false })],
      [1, () => ({ sql: `SELECT id, jsonb_path_query_array(j, ${r.pick(PATH_QUERIES)}), jsonb_path_query_first(j, ${r.pick(PATH_QUERIES)}) FROM tj`, ordered: false })],
      [1, () => ({ sql: `SELECT id, p FROM tj, jsonb_path_query(j, ${r.pick(PATH_QUERIES)}) p`, ordered: false })],
      [1, () => ({ sql: `SELECT id, x.* FROM tj, jsonb_to_record(j) AS x(a int, s text, c numeric, f boolean, nope text)`, ordered: false })],
    ]);
  }
}
