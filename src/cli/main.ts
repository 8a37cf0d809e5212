#!/usr/bin/env node
/**
 * The `quiver` command: run SQL (`quiver sql`), run sqllogictest files (`quiver slt`), or show a
 * short demonstration (`quiver demo`).
 */
import { readFileSync } from 'node:fs';
import { open } from '../index.js';
import type { Database } from '../index.js';
import { asQuiverError } from '../common/errors.js';
import { DEMO_QUERIES, loadDemoData } from './demo.js';
import { OUTPUT_FORMATS, formatError, renderResult } from './format.js';
import type { OutputFormat } from './format.js';
import { StatementSplitter, splitStatements } from './split.js';
import { ProgressLine } from './progress.js';

const USAGE = `Usage: quiver <command> [options]

Commands:
  sql [--data DIR] [--format aligned|csv|json] ["SQL"]
                 run SQL statements given as an argument, or read from standard input
  slt [options] FILE|DIR ...
                 run sqllogictest files (see: quiver slt --help)
  demo           load a small sample dataset into memory and run a few queries on it
  help [command] show this help, or the help of a command

Options:
  -h, --help     show help
  -V, --version  show the version
`;

const SQL_USAGE = `Usage: quiver sql [--data DIR] [--format aligned|csv|json] ["SQL"]

Runs the statements in SQL, one at a time, printing each result as psql would. Without SQL,
reads statements from standard input and runs each as soon as its terminating ';' is read.
Execution stops at the first error (exit status 1).

Options:
  --data DIR       keep tables in DIR (created if missing); default: an in-memory database
  --format FORMAT  aligned (default, like psql), csv (RFC 4180; NULL is an empty field),
                   or json (one JSON array of row objects per result; command tags such as
                   INSERT 0 3 then go to standard error)
  -h, --help       show this help

Examples:
  quiver sql "SELECT 1 AS a"
  quiver sql --format csv "SELECT * FROM generate_series(1, 3)"
  echo "CREATE TABLE t (a int); INSERT INTO t VALUES (1); SELECT * FROM t;" | quiver sql --data ./db
`;

const DEMO_USAGE = `Usage: quiver demo

Creates two tables, customers (20 rows) and orders (60 rows), in an in-memory database, runs a
few illustrative queries on them (a join with GROUP BY, a window function, a CTE, EXPLAIN) and
prints each query with its result.
`;

class UsageError extends Error {}

/** Output written through here waits for the stream to drain, so large results stream. */
async function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  if (text === '') return;
  if (!stream.write(text)) {
    await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
}

function version(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') {
      return pkg.version;
    }
  } catch {
    // Fall through: a copied-out build without package.json still runs.
  }
  return 'unknown';
}

interface SqlOptions {
  dataDir?: string;
  format: OutputFormat;
  sql?: string;
  help: boolean;
}

function parseSqlArgs(argv: string[]): SqlOptions {
  const opts: SqlOptions = { format: 'aligned', help: false };
  let positional: string[] = [];
  const value = (flag: string, i: number): string => {
    const v = argv[i];
    if (v === undefined) throw new UsageError(`option ${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    if (arg === '--') {
      positional = positional.concat(argv.slice(i + 1));
      break;
    } else if (name === '-h' || name === '--help') {
      opts.help = true;
    } else if (name === '--data' || name === '-d') {
      opts.dataDir = inline ?? value(arg, ++i);
    } else if (name === '--format' || name === '-F') {
      const f = inline ?? value(arg, ++i);
      if (!(OUTPUT_FORMATS as readonly string[]).includes(f)) {
        throw new UsageError(`unknown format "${f}" (expected ${OUTPUT_FORMATS.join(', ')})`);
      }
      opts.format = f as OutputFormat;
    } else if (name === '--csv' || name === '--json') {
      opts.format = name === '--csv' ? 'csv' : 'json';
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option "${arg}"`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length > 1) {
    throw new UsageError('give the SQL as one argument (quote it), or pipe it to standard input');
  }
  const sql = positional[0];
  if (sql !== undefined && sql !== '-') opts.sql = sql;
  return opts;
}

/**
 * Runs one statement and prints its result; returns false if it failed. On a terminal, a
 * statement running longer than a second shows a progress bar on stderr, and Ctrl-C cancels the
 * statement (as in psql) instead of ending the program.
 */
async function runStatement(db: Database, statement: string, format: OutputFormat): Promise<boolean> {
  const terminal = process.stdout.isTTY === true && process.stderr.isTTY === true;
  const bar = terminal ? new ProgressLine(process.stderr) : null;
  const cancel = new AbortController();
  const onInterrupt = (): void => cancel.abort();
  if (terminal) process.once('SIGINT', onInterrupt);
  try {
    const result = await db.query(statement, [], bar ? { signal: cancel.signal, onProgress: (p) => bar.update(p) } : {});
    bar?.finish();
    const { out, tag } = renderResult(result, format, statement);
    await write(process.stdout, out);
    if (tag !== null) await write(process.stderr, tag + '\n');
    return true;
  } catch (e) {
    bar?.finish();
    await write(process.stderr, formatError(asQuiverError(e), statement));
    return false;
  } finally {
    if (terminal) process.removeListener('SIGINT', onInterrupt);
  }
}

async function runSql(argv: string[]): Promise<number> {
  const opts = parseSqlArgs(argv);
  if (opts.help) {
    await write(process.stdout, SQL_USAGE);
    return 0;
  }
  let db: Database;
  try {
    db = await open(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir });
  } catch (e) {
    await write(process.stderr, formatError(asQuiverError(e)));
    return 1;
  }
  try {
    if (opts.sql !== undefined) {
      for (const stmt of splitStatements(opts.sql)) {
        if (!(await runStatement(db, stmt, opts.format))) return 1;
      }
      return 0;
    }
    return await runStdin(db, opts.format);
  } finally {
    await db.close();
  }
}

async function runStdin(db: Database, format: OutputFormat): Promise<number> {
  // At a terminal, keep going after an error as interactive psql does; otherwise stop at the
  // first one, like psql -v ON_ERROR_STOP=1, so scripts do not run on after a failure.
  const interactive = process.stdin.isTTY === true;
  const prompt = async (splitter: StatementSplitter): Promise<void> => {
    if (interactive) await write(process.stderr, splitter.pending ? 'quiver-> ' : 'quiver=> ');
  };
  const splitter = new StatementSplitter();
  let failed = false;
  process.stdin.setEncoding('utf8');
  await prompt(splitter);
  for await (const chunk of process.stdin) {
    for (const stmt of splitter.push(String(chunk))) {
      if (!(await runStatement(db, stmt, format))) {
        failed = true;
        if (!interactive) return 1;
      }
    }
    await prompt(splitter);
  }
  if (interactive) await write(process.stderr, '\n');
  for (const stmt of splitter.end()) {
    if (!(await runStatement(db, stmt, format))) return 1;
  }
  return failed ? 1 : 0;
}

async function runDemo(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    await write(process.stdout, DEMO_USAGE);
    return 0;
  }
  if (argv.length > 0) throw new UsageError(`unexpected argument "${argv[0] ?? ''}" for demo`);
  let db: Database;
  try {
    db = await open();
  } catch (e) {
    await write(process.stderr, formatError(asQuiverError(e)));
    return 1;
  }
  try {
    try {
      await loadDemoData(db, splitStatements);
    } catch (e) {
      await write(process.stderr, formatError(asQuiverError(e)));
      return 1;
    }
    await write(
      process.stdout,
      'Quiver demo: tables customers (20 rows) and orders (60 rows), in memory.\n\n',
    );
    let ok = true;
    for (const q of DEMO_QUERIES) {
      await write(process.stdout, `-- ${q.title}\n${q.sql};\n\n`);
      if (!(await runStatement(db, q.sql, 'aligned'))) {
        ok = false;
        await write(process.stderr, '\n');
      }
    }
    await write(process.stdout, 'Try your own: quiver sql "SELECT ..." (see quiver sql --help).\n');
    return ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

async function runSlt(argv: string[]): Promise<number> {
  // Loaded on demand so the other commands do not depend on the test runner.
  let runner: typeof import('../../sqllogictest/runner/main.js');
  try {
    runner = await import('../../sqllogictest/runner/main.js');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND') throw e;
    await write(process.stderr, `quiver: the sqllogictest runner could not be loaded: ${(e as Error).message}\n`);
    return 1;
  }
  return runner.sltMain(argv);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        await write(process.stderr, USAGE);
        return 2;
      case 'help':
      case '--help':
      case '-h': {
        const topic = rest[0];
        if (topic === 'sql') await write(process.stdout, SQL_USAGE);
        else if (topic === 'demo') await write(process.stdout, DEMO_USAGE);
        else if (topic === 'slt') return await runSlt(['--help']);
        else await write(process.stdout, USAGE);
        return 0;
      }
      case '--version':
      case '-V':
      case 'version':
        await write(process.stdout, `quiver ${version()}\n`);
        return 0;
      case 'sql':
        return await runSql(rest);
      case 'slt':
        return await runSlt(rest);
      case 'demo':
        return await runDemo(rest);
      default:
        throw new UsageError(
          command.startsWith('-') ? `unknown option "${command}"` : `unknown command "${command}"`,
        );
    }
  } catch (e) {
    if (e instanceof UsageError) {
      await write(process.stderr, `quiver: ${e.message}\n\n${command === 'sql' ? SQL_USAGE : USAGE}`);
      return 2;
    }
    throw e;
  }
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // The reader went away (quiver sql ... | head): stop quietly, as psql does.
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly so that nothing left running by the engine keeps the process alive, but
    // only once everything written has been flushed.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  },
  (e: unknown) => {
    process.stderr.write(`quiver: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`, () =>
      process.exit(1),
    );
  },
);
