/**
 * The package as a user gets it: `npm pack` builds the tarball that would be published, it is
 * installed into an empty project, and both faces are used from there — the `quiver` command
 * through `npx` and the embedded API through an `import` of the package name. What the tarball
 * must not carry (tests, the conformance corpus, benchmarks, TypeScript sources) is checked too.
 *
 * Installing the tarball resolves its dependencies from the npm cache that `npm ci` filled (or
 * the registry). Set QUIVER_SKIP_PACK_TEST=1 to leave this test out on a machine with neither.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}\n${r.error ?? ''}`);
  return r.stdout;
}

test('the packed package installs into an empty project and works from there', { skip: process.env['QUIVER_SKIP_PACK_TEST'] === '1', timeout: 600_000 }, () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'quiver-pack-'));
  try {
    // The build already ran (npm test builds first); --ignore-scripts keeps pack from rebuilding.
    const packed = JSON.parse(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], repoRoot)) as { filename: string; files: { path: string }[] }[];
    const info = packed[0]!;
    const files = info.files.map((f) => f.path);
    assert.ok(files.includes('dist/src/index.js') && files.includes('dist/src/index.d.ts'), 'the API and its types are packed');
    assert.ok(files.includes('dist/src/cli/main.js'), 'the command is packed');
    assert.ok(files.includes('dist/sqllogictest/runner/main.js'), 'the slt runner the command imports is packed');
    assert.ok(files.includes('LICENSE') && files.includes('README.md'));
    for (const f of files) {
      assert.ok(!f.startsWith('dist/test/') && !f.startsWith('dist/bench/') && !f.startsWith('test/') && !f.startsWith('src/'), `${f} should not be packed`);
      assert.ok(!f.endsWith('.slt') && !f.endsWith('.test') && !f.endsWith('.map'), `${f} should not be packed`);
    }

    const project = path.join(work, 'app');
    run('mkdir', ['-p', project], work);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
    run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, info.filename)], project);
    const installed = JSON.parse(readFileSync(path.join(project, 'node_modules/quiverdb/package.json'), 'utf8')) as { name: string };
    assert.equal(installed.name, 'quiverdb');

    const out = run(npx, ['--no-install', 'quiver', 'sql', '--format', 'csv', 'select 1 as one, 40 + 2 as answer'], project);
    assert.equal(out, 'one,answer\n1,42\n');

    writeFileSync(path.join(project, 'use.mjs'), [
      "import { open, QuiverError } from 'quiverdb';",
      'const db = await open();',
      "await db.query('CREATE TABLE t (a integer, b text)');",
      "await db.query(\"INSERT INTO t VALUES (1, 'x'), (2, 'y')\");",
      "const r = await db.query('SELECT b FROM t WHERE a = $1', [2]);",
      'let code = null;',
      "try { await db.query('SELECT * FROM missing'); } catch (e) { code = e instanceof QuiverError ? e.code : String(e); }",
      "const arrow = await db.queryArrow('SELECT a FROM t ORDER BY a');",
      'await db.close();',
      'console.log(JSON.stringify({ rows: r.rows, code, arrowRows: arrow.numRows }));',
    ].join('\n'));
    const api = JSON.parse(run(process.execPath, ['use.mjs'], project)) as unknown;
    assert.deepEqual(api, { rows: [['y']], code: '42P01', arrowRows: 2 });

    // The README's embedded-API example runs as written; each console.log line's comment starts
    // with what it prints.
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Embedded API'));
    const example = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(example !== undefined, 'the README has a js example under "Embedded API"');
    writeFileSync(path.join(project, 'readme.mjs'), example);
    const printed = run(process.execPath, ['readme.mjs'], project).trimEnd().split('\n');
    const promised = [...example.matchAll(/^\s*(?:if \(.*\) )?console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => m[1]!);
    assert.equal(printed.length, promised.length, `printed:\n${printed.join('\n')}`);
    printed.forEach((line, i) => assert.ok(promised[i]!.startsWith(line), `README promises "${promised[i]}", the example printed "${line}"`));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
