/**
 * Time to run one large `INSERT INTO t VALUES (...), (...), ...` statement, at several sizes, in
 * three ways: through the statement splitter alone (fed in 64 KiB chunks, as standard input
 * arrives), through the embedded API, and through `quiver sql` reading standard input. The time
 * per megabyte should stay about the same as the size grows (linear), not grow with it.
 *
 *   node dist/bench/large_statement.js [--sizes 5,10,50] [--no-cli]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { open } from '../src/index.js';
import { StatementSplitter } from '../src/cli/split.js';

const { values: args } = parseArgs({
  options: { sizes: { type: 'string', default: '5,10,50' }, 'no-cli': { type: 'boolean', default: false } },
});
const sizes = args.sizes.split(',').map(Number);

/** An INSERT statement of about `mb` megabytes, with its row count. */
function statement(mb: number): { sql: string; rows: number } {
  const parts: string[] = [];
  let len = 0;
  let i = 0;
  while (len < mb * 1e6) {
    // About 100 bytes a row, like a row of a typical dump. (Much denser rows, three short
    // constants in 25 bytes, exhaust the parser's memory beyond about 30 MB: error 54000.)
    const p = `(${i}, 'customer ${i} ${'x'.repeat(60)}', ${i * 1.5})`;
    parts.push(p);
    len += p.length + 1;
    i++;
  }
  return { sql: `INSERT INTO t VALUES ${parts.join(',')};\n`, rows: i };
}

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;
/** CPU seconds of this process since `c0` (on a busy machine, wall time says little). */
const cpuSeconds = (c0: NodeJS.CpuUsage): number => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1e6; };
const CREATE = 'CREATE TABLE t (a int, b text, c numeric);\n';
const main = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

console.log('MB\trows\tsplitter s (cpu)\tAPI s (cpu)\tCLI from stdin s');
for (const mb of sizes) {
  const { sql, rows } = statement(mb);

  let t0 = process.hrtime.bigint();
  let c0 = process.cpuUsage();
  const splitter = new StatementSplitter();
  let found = 0;
  for (let i = 0; i < sql.length; i += 65536) found += splitter.push(sql.slice(i, i + 65536)).length;
  found += splitter.end().length;
  const split = `${seconds(t0).toFixed(2)} (${cpuSeconds(c0).toFixed(2)})`;
  if (found !== 1) throw new Error(`the splitter found ${found} statements, expected 1`);

  const db = await open();
  await db.query(CREATE);
  t0 = process.hrtime.bigint();
  c0 = process.cpuUsage();
  const r = await db.query(sql);
  const api = `${seconds(t0).toFixed(2)} (${cpuSeconds(c0).toFixed(2)})`;
  await db.close();
  if (r.rowCount !== rows) throw new Error(`inserted ${r.rowCount} rows, expected ${rows}`);

  let cli = NaN;
  if (!args['no-cli']) {
    t0 = process.hrtime.bigint();
    const p = spawnSync(process.execPath, [main, 'sql'], { input: CREATE + sql + 'SELECT count(*) FROM t;\n', maxBuffer: 1 << 20 });
    cli = seconds(t0);
    if (p.status !== 0) throw new Error(`quiver sql failed: ${p.stderr.toString().slice(0, 500)}`);
  }
  console.log(`${mb}\t${rows}\t${split}\t${api}\t${args['no-cli'] ? '-' : cli.toFixed(2)}`);
}
