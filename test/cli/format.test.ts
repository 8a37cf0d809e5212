// Expected layouts below were produced by psql 15 against PostgreSQL 15 for the same results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  commandTag,
  csvField,
  displayWidth,
  errorPositionLines,
  formatAligned,
  formatCsv,
  formatError,
  formatFloat,
  formatJson,
  pgText,
  renderResult,
  returnsRows,
} from '../../src/cli/format.js';
import type { QueryResult } from '../../src/index.js';

function result(columns: [string, string][], rows: unknown[][], command = 'SELECT'): QueryResult {
  return { columns: columns.map(([name, type]) => ({ name, type })), rows, rowCount: rows.length, command };
}

const people = result(
  [['id', 'integer'], ['name', 'text'], ['amount', 'numeric'], ['active', 'boolean'], ['since', 'date']],
  [
    [1, 'Ann', '12.50', true, null],
    [22, null, '7', false, '2024-03-01'],
    [333, 'Bartholomew', null, null, '1999-12-31'],
  ],
);

test('aligned: centred header, -+- rule, numbers right, text left, NULL empty, footer', () => {
  assert.equal(
    formatAligned(people),
    [
      ' id  |    name     | amount | active |   since    ',
      '-----+-------------+--------+--------+------------',
      '   1 | Ann         |  12.50 | t      | ',
      '  22 |             |      7 | f      | 2024-03-01',
      ' 333 | Bartholomew |        |        | 1999-12-31',
      '(3 rows)',
      '',
      '',
    ].join('\n'),
  );
});

test('aligned: one row, and a right-aligned NULL in the last column', () => {
  assert.equal(formatAligned(result([['a', 'integer']], [[1]])), ' a \n---\n 1\n(1 row)\n\n');
  assert.equal(
    formatAligned(result([['a', 'text'], ['bbbb', 'integer']], [['x', null]])),
    ' a | bbbb \n---+------\n x |     \n(1 row)\n\n',
  );
});

test('aligned: no rows, and no columns', () => {
  assert.equal(
    formatAligned(result([['bb', 'integer'], ['x', 'integer']], [])),
    ' bb | x \n----+---\n(0 rows)\n\n',
  );
  assert.equal(formatAligned(result([], [[]])), '--\n(1 row)\n\n');
});

test('aligned: header centring leans left when the padding is odd', () => {
  const r = result([['big', 'bigint'], ['d', 'date']], [[123456789012n, '2024-01-02']]);
  assert.equal(
    formatAligned(r),
    '     big      |     d      \n--------------+------------\n 123456789012 | 2024-01-02\n(1 row)\n\n',
  );
});

test('aligned: multi-line values and headers continue with +', () => {
  assert.equal(
    formatAligned(result([['ml', 'text'], ['z', 'integer']], [['a\nbb', 1]])),
    ' ml | z \n----+---\n a +| 1\n bb | \n(1 row)\n\n',
  );
  assert.equal(
    formatAligned(
      result(
        [['t', 'text'], ['r', 'text'], ['c', 'text'], ['h\ntwo', 'text'], ['n', 'integer']],
        [['a\tb', 'c\rd', '\u0001', 'x\ny', 5]],
      ),
    ),
    [
      '     t     |  r   |  c   |  h +| n ',
      '           |      |      | two |   ',
      '-----------+------+------+-----+---',
      ' a       b | c\\rd | \\x01 | x  +| 5',
      '           |      |      | y   | ',
      '(1 row)',
      '',
      '',
    ].join('\n'),
  );
});

test('aligned: wide characters take two columns', () => {
  assert.equal(displayWidth('é日本'), 5);
  assert.equal(
    formatAligned(result([['u', 'text'], ['f', 'double precision'], ['neg', 'integer']], [['é日本', 1.5, -3]])),
    '   u   |  f  | neg \n-------+-----+-----\n é日本 | 1.5 |  -3\n(1 row)\n\n',
  );
});

test('floats are spelled as PostgreSQL prints them', () => {
  const cases: [number, 'double' | 'real', string][] = [
    [1e15, 'double', '1e+15'],
    [1e14, 'double', '100000000000000'],
    [123456789012345, 'double', '123456789012345'],
    [0.0001, 'double', '0.0001'],
    [0.00001, 'double', '1e-05'],
    [1.5e300, 'double', '1.5e+300'],
    [1 / 3, 'double', '0.3333333333333333'],
    [2.5e20, 'double', '2.5e+20'],
    [1e-310, 'double', '1e-310'],
    [NaN, 'double', 'NaN'],
    [-Infinity, 'double', '-Infinity'],
    [-0, 'double', '-0'],
    [Math.fround(1e6), 'real', '1e+06'],
    [Math.fround(123456), 'real', '123456'],
    [Math.fround(0.1), 'real', '0.1'],
    [Math.fround(3.14159), 'real', '3.14159'],
    [Math.fround(1234567), 'real', '1.234567e+06'],
    [Math.fround(16777217), 'real', '1.6777216e+07'],
    [Math.fround(1e-5), 'real', '1e-05'],
  ];
  for (const [v, p, want] of cases) assert.equal(formatFloat(v, p), want, `${v} as ${p}`);
});

test('values as PostgreSQL text', () => {
  assert.equal(pgText(null), null);
  assert.equal(pgText(true, 'boolean'), 't');
  assert.equal(pgText(false), 'f');
  assert.equal(pgText(9007199254740993n, 'bigint'), '9007199254740993');
  assert.equal(pgText(42, 'integer'), '42');
  assert.equal(pgText(0.1, 'real'), '0.1');
  assert.equal(pgText('12.50', 'numeric'), '12.50');
  assert.equal(pgText(new Uint8Array([1, 2, 255]), 'bytea'), '\\x0102ff');
  assert.equal(pgText([1, null, 'a b'], 'text[]'), '{1,NULL,"a b"}');
});

test('csv: header, RFC 4180 quoting, NULL empty, empty string quoted, t/f', () => {
  assert.equal(csvField(null), '');
  assert.equal(csvField(''), '""');
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField(' sp '), ' sp ');
  assert.equal(csvField('x,y'), '"x,y"');
  assert.equal(csvField('q"z'), '"q""z"');
  assert.equal(csvField('l\nm'), '"l\nm"');
  assert.equal(csvField('a\rb'), '"a\rb"');
  assert.equal(
    formatCsv(
      result(
        [['a', 'integer'], ['n', 'text'], ['c', 'text'], ['b', 'boolean'], ['col,1', 'text']],
        [[1, null, 'x,y', true, 'a"'], [2, '', 'l\nm', false, null]],
      ),
    ),
    'a,n,c,b,"col,1"\n1,,"x,y",t,"a"""\n2,"","l\nm",f,\n',
  );
});

test('json: one array of objects per result; bigint and numeric keep every digit', () => {
  const r = result(
    [['id', 'bigint'], ['amount', 'numeric'], ['name', 'text'], ['ok', 'boolean'], ['f', 'double precision']],
    [
      [9007199254740993n, '12345678901234567890.12', 'a "q"', true, 0.5],
      [1n, 'NaN', null, false, NaN],
    ],
  );
  const text = formatJson(r);
  assert.equal(
    text,
    '[\n' +
      '  {"id":9007199254740993,"amount":12345678901234567890.12,"name":"a \\"q\\"","ok":true,"f":0.5},\n' +
      '  {"id":1,"amount":"NaN","name":null,"ok":false,"f":"NaN"}\n' +
      ']\n',
  );
  const parsed: unknown = JSON.parse(text);
  assert.ok(Array.isArray(parsed) && parsed.length === 2);
  assert.equal(formatJson(result([['a', 'integer']], [])), '[]\n');
});

test('command tags as psql prints them', () => {
  const tag = (command: string, rowCount: number): string => commandTag({ command, rowCount });
  assert.equal(tag('CREATE TABLE', 0), 'CREATE TABLE');
  assert.equal(tag('INSERT', 3), 'INSERT 0 3');
  assert.equal(tag('UPDATE', 2), 'UPDATE 2');
  assert.equal(tag('DELETE', 1), 'DELETE 1');
  assert.equal(tag('DROP TABLE', 0), 'DROP TABLE');
  assert.equal(tag('CREATE VIEW', 0), 'CREATE VIEW');
  assert.equal(tag('CREATE TABLE AS', 5), 'SELECT 5');
  assert.equal(tag('SELECT', 5), 'SELECT 5');
});

test('renderResult: tables for row sets, tags for commands, both for RETURNING', () => {
  const insert: QueryResult = { columns: [], rows: [], rowCount: 3, command: 'INSERT' };
  assert.deepEqual(renderResult(insert, 'aligned'), { out: 'INSERT 0 3\n', tag: null });
  assert.deepEqual(renderResult(insert, 'csv'), { out: 'INSERT 0 3\n', tag: null });
  assert.deepEqual(renderResult(insert, 'json'), { out: '', tag: 'INSERT 0 3' });

  const ctas: QueryResult = { columns: [], rows: [], rowCount: 5, command: 'SELECT' };
  assert.equal(returnsRows(ctas, 'CREATE TABLE t2 AS SELECT * FROM t'), false);
  assert.deepEqual(renderResult(ctas, 'aligned', 'CREATE TABLE t2 AS SELECT * FROM t'), { out: 'SELECT 5\n', tag: null });

  const returning = result([['a', 'integer']], [[1], [2]], 'INSERT');
  assert.equal(renderResult(returning, 'aligned').out, ' a \n---\n 1\n 2\n(2 rows)\n\nINSERT 0 2\n');

  const select = result([['a', 'integer']], [[1]]);
  assert.deepEqual(renderResult(select, 'aligned'), { out: ' a \n---\n 1\n(1 row)\n\n', tag: null });
  assert.deepEqual(renderResult(select, 'csv'), { out: 'a\n1\n', tag: null });
});

test('errors: message, SQLSTATE, and psql-style LINE context with a caret', () => {
  const sql = 'SELECT * FROM missing_table';
  assert.equal(
    formatError({ message: 'relation "missing_table" does not exist', code: '42P01', position: 15 }, sql),
    'ERROR:  relation "missing_table" does not exist\n' +
      'SQLSTATE: 42P01\n' +
      'LINE 1: SELECT * FROM missing_table\n' +
      '                      ^\n',
  );
  assert.equal(formatError({ message: 'division by zero', code: '22012' }), 'ERROR:  division by zero\nSQLSTATE: 22012\n');
  assert.equal(
    formatError({ message: 'm', code: 'XX000', detail: 'd', hint: 'h' }),
    'ERROR:  m\nSQLSTATE: XX000\nDETAIL:  d\nHINT:  h\n',
  );
});

test('errors: position on a later line, and long lines cut around the position', () => {
  assert.deepEqual(errorPositionLines('select 1 as x,\n  y from missing_table', 25), [
    'LINE 2:   y from missing_table',
    '                 ^',
  ]);
  const long =
    'select 1 from (select 1 as aaaaaaaaaa, 2 as bbbbbbbbbbbbbbbbbbbb, 3 as cccccccccccccccccccccc, ' +
    '4 as ddddddddddddddddddddd, 5 as eeeeeeeeeeeeeee) s where zzz > 1 and yyyyyyyyyyyyyyyyyy < 2 and ' +
    'xxxxxxxxxxxxxxxxxxxxxxxxx = 3';
  assert.deepEqual(errorPositionLines(long, long.indexOf('zzz') + 1), [
    'LINE 1: ...dddddddddddddddddd, 5 as eeeeeeeeeeeeeee) s where zzz > 1 an...',
    '                                                             ^',
  ]);
  const wide =
    'select aaaaaaaaaa, bbbbbbbbbbbbbb, cccccccccccccccc, dddddddddddddddd, eeeeeeeeeeeeeeeeee, ffffffffffffffff from (select 1) s';
  assert.deepEqual(errorPositionLines(wide, 8), [
    'LINE 1: select aaaaaaaaaa, bbbbbbbbbbbbbb, cccccccccccccccc, ddddddd...',
    '               ^',
  ]);
});
