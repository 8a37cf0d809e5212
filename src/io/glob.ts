/**
 * File name patterns for table functions (`read_parquet('dir/*.parquet')`): `*` and `?` within
 * one path component, `[...]` character classes, `**` for any number of directories. Matches
 * come back sorted, so a glob reads its files in a stable order.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

function componentRegex(c: string): RegExp {
  let re = '';
  for (let i = 0; i < c.length; i++) {
    const ch = c[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = c.indexOf(']', i + 2);
      if (close < 0) { re += '\\['; continue; }
      let body = c.slice(i + 1, close);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function entries(dir: string): { name: string; isDir: boolean }[] {
  try {
    return readdirSync(dir || '.', { withFileTypes: true }).map((d) => ({ name: d.name, isDir: d.isDirectory() || (d.isSymbolicLink() && isDir(join(dir || '.', d.name))) }));
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

/** The files matching `pattern`, sorted; directories are not matched. */
export function expandGlob(pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let current: string[] = [absolute ? '/' : ''];
  if (absolute) parts.shift();
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const next: string[] = [];
    if (part === '**') {
      // Zero or more directories: every directory below, including the current one.
      const stack = [...current];
      while (stack.length) {
        const d = stack.pop()!;
        next.push(d);
        for (const e of entries(d)) if (e.isDir) stack.push(join(d || '.', e.name));
      }
      current = next;
      continue;
    }
    if (!hasGlob(part)) {
      for (const d of current) {
        const p = d ? join(d, part) : part;
        if (last ? !isDir(p) && exists(p) : isDir(p)) next.push(p);
      }
    } else {
      const re = componentRegex(part);
      for (const d of current) {
        for (const e of entries(d)) {
          if (e.name.startsWith('.') && !part.startsWith('.')) continue;
          if (re.test(e.name) && (last ? !e.isDir : e.isDir)) next.push(d ? join(d, e.name) : e.name);
        }
      }
    }
    current = next;
  }
  return [...new Set(current)].sort();
}

function exists(p: string): boolean {
  try { statSync(p); return true; } catch { return false; }
}
