import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatementSplitter, splitStatements } from '../../src/cli/split.js';

test('splits on semicolons; a trailing statement needs no semicolon', () => {
  assert.deepEqual(splitStatements('SELECT 1; SELECT 2;\nSELECT 3'), ['SELECT 1', 'SELECT 2', 'SELECT 3']);
  assert.deepEqual(splitStatements('SELECT 1;'), ['SELECT 1']);
});

test('empty statements, whitespace and comment-only text produce nothing', () => {
  assert.deepEqual(splitStatements(''), []);
  assert.deepEqual(splitStatements(' ;; \n ; '), []);
  assert.deepEqual(splitStatements('-- just a comment\n'), []);
  assert.deepEqual(splitStatements('/* only */ ; -- this'), []);
});

test('semicolons inside string literals and quoted identifiers', () => {
  assert.deepEqual(splitStatements("SELECT 'a;b'; SELECT 'it''s;'"), ["SELECT 'a;b'", "SELECT 'it''s;'"]);
  assert.deepEqual(splitStatements('SELECT 1 AS "x;y"; SELECT 2 AS "q""uote;"'), [
    'SELECT 1 AS "x;y"',
    'SELECT 2 AS "q""uote;"',
  ]);
});

test('E strings: a backslash escapes the quote', () => {
  assert.deepEqual(splitStatements("SELECT E'it\\'s; fine'; SELECT 2"), ["SELECT E'it\\'s; fine'", 'SELECT 2']);
  assert.deepEqual(splitStatements("SELECT e'\\\\'; SELECT 2"), ["SELECT e'\\\\'", 'SELECT 2']);
  // In a standard string a backslash is an ordinary character.
  assert.deepEqual(splitStatements("SELECT 'a\\'; SELECT 2"), ["SELECT 'a\\'", 'SELECT 2']);
  // An identifier ending in e before a quote is not an E prefix.
  assert.deepEqual(splitStatements("SELECT some'\\'; SELECT 2"), ["SELECT some'\\'", 'SELECT 2']);
});

test('dollar quotes, with and without a tag', () => {
  const fn = 'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql';
  assert.deepEqual(splitStatements(`${fn}; SELECT 2`), [fn, 'SELECT 2']);
  const tagged = "SELECT $body$ a; $$ still inside; ' $body$";
  assert.deepEqual(splitStatements(`${tagged};SELECT 3;`), [tagged, 'SELECT 3']);
});

test('$1 parameters and $ inside identifiers do not open a dollar quote', () => {
  assert.deepEqual(splitStatements('SELECT $1; SELECT a$b$ FROM t; SELECT 3'), [
    'SELECT $1',
    'SELECT a$b$ FROM t',
    'SELECT 3',
  ]);
});

test('comments: -- to end of line and nested /* */', () => {
  assert.deepEqual(splitStatements('SELECT 1 -- no; split here\n, 2; SELECT 3'), [
    'SELECT 1 -- no; split here\n, 2',
    'SELECT 3',
  ]);
  assert.deepEqual(splitStatements('SELECT /* a; /* nested; */ still; */ 1; SELECT 2'), [
    'SELECT /* a; /* nested; */ still; */ 1',
    'SELECT 2',
  ]);
  // Minus signs and division are not comments.
  assert.deepEqual(splitStatements('SELECT 4-1; SELECT 6/2'), ['SELECT 4-1', 'SELECT 6/2']);
});

test('leading whitespace and -- comments are not part of the statement; /* */ is', () => {
  assert.deepEqual(splitStatements('\n  -- header\n  SELECT 1;\n\n/* c */ SELECT 2'), ['SELECT 1', '/* c */ SELECT 2']);
});

test('semicolons inside parentheses do not end a statement', () => {
  assert.deepEqual(splitStatements('CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); SELECT 3'), [
    'CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)',
    'SELECT 3',
  ]);
});

test('an unterminated quote keeps the rest of the input in one statement', () => {
  assert.deepEqual(splitStatements("SELECT 'abc; SELECT 2"), ["SELECT 'abc; SELECT 2"]);
});

test('incremental: statements come out as soon as they are complete', () => {
  const s = new StatementSplitter();
  assert.deepEqual(s.push('SELECT 1; SEL'), ['SELECT 1']);
  assert.equal(s.pending, true);
  assert.deepEqual(s.push('ECT 2;'), ['SELECT 2']);
  assert.equal(s.pending, false);
  assert.deepEqual(s.push(' SELECT 3'), []);
  assert.deepEqual(s.end(), ['SELECT 3']);
});

test('incremental: every token survives being cut at any point', () => {
  const text =
    "SELECT 'a;''b' AS \"x;\"\"y\", E'c\\';d', $t$ e; $$ $t$, $1 -- f;\n, 2 /* g; /* h; */ */; " +
    'SELECT 4-3, 8/2; CREATE FUNCTION f() AS $$ x; $$; SELECT a$b$c FROM (SELECT 1; 2) q';
  const whole = splitStatements(text);
  assert.equal(whole.length, 4);
  for (let cut = 0; cut <= text.length; cut++) {
    for (const size of [1, 2, 3]) {
      const s = new StatementSplitter();
      const got = [...s.push(text.slice(0, cut))];
      for (let i = cut; i < text.length; i += size) got.push(...s.push(text.slice(i, i + size)));
      got.push(...s.end());
      assert.deepEqual(got, whole, `cut at ${cut}, then chunks of ${size}`);
    }
  }
});

test('a statement of several megabytes comes out whole, however the input is cut', () => {
  // Quoted semicolons, E'' escapes, comments and a dollar quote spread through a 4 MB INSERT.
  const rows: string[] = [];
  for (let i = 0; rows.length < 80000; i++) {
    rows.push(`(${i}, 'a;''b ${i}', E'c\\';${i}', $q$;${i}$q$ /* ; */, "x;"` + (i % 100 === 0 ? ' -- ;\n' : '') + ')');
  }
  const big = `INSERT INTO t VALUES ${rows.join(',')}`;
  assert.ok(big.length > 4e6, `${big.length} characters`);
  const text = `SELECT 1;\n${big};\nSELECT 'after';`;
  const want = ['SELECT 1', big, "SELECT 'after'"];
  assert.deepEqual(splitStatements(text), want);
  for (const size of [65536, 4093, 7]) {
    const s = new StatementSplitter();
    const got: string[] = [];
    for (let i = 0; i < text.length; i += size) got.push(...s.push(text.slice(i, i + size)));
    got.push(...s.end());
    assert.equal(got.length, 3, `chunks of ${size}`);
    assert.ok(got[1] === big, `chunks of ${size}: the large statement differs`);
    assert.deepEqual([got[0], got[2]], [want[0], want[2]]);
  }
});

test('many statements in one input come out in order', () => {
  const stmts = Array.from({ length: 100000 }, (_, i) => `INSERT INTO t VALUES (${i}, 'é;${i}')`);
  assert.deepEqual(splitStatements(stmts.join(';\n') + ';'), stmts);
});
