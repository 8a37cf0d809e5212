// `quiver slt`: command-line front end of the sqllogictest runner.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareBytes } from './render.js';
import { DEFAULT_LABELS, DEFAULT_MAX_FAILURES, runFiles, type DatabaseLike } from './runner.js';

export const SLT_USAGE = `Usage: quiver slt [options] <files or folders...>

Runs sqllogictest files (.test, .slt; folders are searched recursively) against a fresh in-memory
database per file.

Options:
  --label NAME          engine name skipif/onlyif answer to; repeatable
                        (default: ${DEFAULT_LABELS.join(', ')})
  --ratchet FILE        judge files under sqllogictest/imported by the pass count in FILE
                        instead of requiring every record to pass
  --update-ratchet      with --ratchet: record this run's counts when they did not go down
  --strict-errors       also compare expected error messages in imported files
  --max-failures N      failures printed per file (default ${DEFAULT_MAX_FAILURES})
  --verbose             print every failure
`;

function collect(path: string, out: string[]): void {
  const st = statSync(path);
  if (!st.isDirectory()) {
    out.push(path);
    return;
  }
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.test') || entry.name.endsWith('.slt')) found.push(full);
    }
  };
  walk(path);
  out.push(...found.sort(compareBytes));
}

export async function sltMain(argv: string[]): Promise<number> {
  const labels: string[] = [];
  const targets: string[] = [];
  let ratchet: string | undefined;
  let updateRatchet = false;
  let verbose = false;
  let strictErrors = false;
  let maxFailures = DEFAULT_MAX_FAILURES;

  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    const value = (): string | undefined => {
      const v = argv[k + 1];
      k++;
      return v;
    };
    switch (arg) {
      case '--label': {
        const v = value();
        if (v === undefined) { process.stderr.write('--label needs a value\n'); return 2; }
        labels.push(v);
        break;
      }
      case '--ratchet': {
        ratchet = value();
        if (ratchet === undefined) { process.stderr.write('--ratchet needs a file\n'); return 2; }
        break;
      }
      case '--max-failures': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 0) { process.stderr.write('--max-failures needs a non-negative integer\n'); return 2; }
        maxFailures = v;
        break;
      }
      case '--update-ratchet': updateRatchet = true; break;
      case '--verbose': case '-v': verbose = true; break;
      case '--strict-errors': strictErrors = true; break;
      case '--help': case '-h':
        process.stdout.write(SLT_USAGE);
        return 0;
      default:
        if (arg.startsWith('--')) {
          process.stderr.write(`unknown option ${arg}\n${SLT_USAGE}`);
          return 2;
        }
        targets.push(arg);
    }
  }
  if (targets.length === 0) {
    process.stderr.write(SLT_USAGE);
    return 2;
  }
  if (updateRatchet && ratchet === undefined) {
    process.stderr.write('--update-ratchet needs --ratchet FILE\n');
    return 2;
  }

  const files: string[] = [];
  for (const t of targets) {
    try {
      collect(t, files);
    } catch (e) {
      process.stderr.write(`${t}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  }

  const summary = await runFiles(files, {
    label: labels,
    ...(ratchet !== undefined ? { ratchet } : {}),
    updateRatchet,
    verbose,
    strictErrors,
    maxFailures,
    // Imported per call rather than at the top so that an engine that fails to load shows up as
    // failing files in the report instead of a crash before any output.
    openDb: async (): Promise<DatabaseLike> => {
      const { open } = await import('../../src/engine/database.js');
      return open();
    },
  });
  return summary.exitCode;
}
