/**
 * A throwaway PostgreSQL server for tests that compare with the real thing: initialised in a
 * temporary directory, on a free port, and stopped and removed afterwards. As root the server runs
 * as the postgres user (PostgreSQL refuses to run as root).
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PG_BINARIES = ['postgres', 'initdb', 'pg_ctl'];

/** The directory of the PostgreSQL server binaries, preferring version 15; null when there are none. */
export function findPgBin(): string | null {
  const has = (dir: string): boolean => PG_BINARIES.every((b) => existsSync(path.join(dir, b)));
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) if (dir && has(dir)) return dir;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  // Prefer 15, the version the engine targets, then the newest.
  const versions = readdirSync(root).sort((x, y) => (x === '15' ? -1 : y === '15' ? 1 : Number(y) - Number(x)));
  for (const v of versions) { const dir = path.join(root, v, 'bin'); if (has(dir)) return dir; }
  return null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export class PgServer {
  private running = false;
  private readonly onExit = (): void => { this.stop(); };

  private constructor(
    private readonly bin: string,
    readonly dir: string,
    readonly port: number,
    private readonly asUser: string | null,
  ) {}

  /** PostgreSQL refuses to run as root, so as root it runs as the postgres user. */
  private run(cmd: string, args: string[], timeoutMs: number): { ok: boolean; out: string } {
    const exe = path.join(this.bin, cmd);
    const r = this.asUser
      ? spawnSync('runuser', ['-u', this.asUser, '--', exe, ...args], { encoding: 'utf8', timeout: timeoutMs })
      : spawnSync(exe, args, { encoding: 'utf8', timeout: timeoutMs });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
    return { ok: r.status === 0, out };
  }

  static async start(bin: string): Promise<PgServer> {
    const root = process.getuid?.() === 0;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'quiver-pg-'));
    let asUser: string | null = null;
    if (root) {
      const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
      if (uid.status !== 0 || gid.status !== 0) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error('running as root, and there is no postgres user to run the server as');
      }
      chownSync(dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
      asUser = 'postgres';
    }
    // The port is free when probed but could be taken before the server binds it; try a few.
    let lastLog = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const server = new PgServer(bin, dir, await freePort(), asUser);
      try {
        server.startOnce();
        return server;
      } catch (e) {
        lastLog = (e as Error).message;
      }
    }
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start:\n${lastLog}`);
  }

  private get dataDir(): string { return path.join(this.dir, 'data'); }
  private get logFile(): string { return path.join(this.dir, 'server.log'); }

  private startOnce(): void {
    if (!existsSync(this.dataDir)) {
      // C collation: text compares and sorts by code point, as in the engine.
      const init = this.run('initdb', ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], 120_000);
      if (!init.ok) throw new Error(`initdb failed:\n${init.out}`);
    }
    const opts = [
      '-c listen_addresses=127.0.0.1', `-p ${this.port}`, `-c unix_socket_directories='${this.dir}'`,
      '-c fsync=off', '-c full_page_writes=off', '-c synchronous_commit=off', '-c max_connections=10',
    ].join(' ');
    // -w -t bounds the wait for the server to accept connections.
    const st = this.run('pg_ctl', ['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', '60', '-o', opts], 90_000);
    if (!st.ok) {
      const log = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-3000) : '';
      this.stop();
      throw new Error(`pg_ctl start failed:\n${st.out}\n${log}`);
    }
    this.running = true;
    // Should the runner be killed before the after hook, still do not leave a server behind.
    process.once('exit', this.onExit);
  }

  /** The user and group the server runs as, when that is not this process's. */
  owner(): { uid: number; gid: number } | null {
    if (!this.asUser) return null;
    const uid = spawnSync('id', ['-u', this.asUser], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', this.asUser], { encoding: 'utf8' });
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  version(): string {
    const r = spawnSync(path.join(this.bin, 'postgres'), ['--version'], { encoding: 'utf8' });
    return (r.stdout ?? '').trim();
  }

  stop(): void {
    if (existsSync(path.join(this.dataDir, 'postmaster.pid'))) {
      const r = this.run('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30'], 40_000);
      if (!r.ok) {
        // The server this test started, by the pid it recorded.
        const pid = Number(readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
        if (Number.isInteger(pid) && pid > 0) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
      }
    }
    this.running = false;
    process.removeListener('exit', this.onExit);
  }

  cleanup(): void {
    if (this.running) this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
