/**
 * LIKE and ILIKE matching without regular expressions.
 *
 * A pattern compiles once into a matcher. Patterns without `_` (the common case) match by string
 * search: the literal before the first `%` anchors the start, the literal after the last `%` anchors
 * the end, and each literal in between is found leftmost with indexOf. Patterns with `_` run
 * PostgreSQL's MatchText (like_match.c) written as a loop: a mismatch only ever retries from the
 * most recent `%`, one text position further on, which is what MatchText's LIKE_ABORT amounts to.
 * Both are linear in practice, where a backtracking regular expression is exponential in the
 * number of `%` (and overflows its stack on long patterns).
 */
import { QuiverError, SqlState } from '../common/errors.js';

/** Pattern tokens: a UTF-16 code unit to match literally, or one of these. */
const ANY = -1; // _
const PERCENT = -2; // %
const TRAILING_ESCAPE = -3; // an escape character with nothing after it

export interface LikeMatcher { test(s: string): boolean }

function trailingEscape(): QuiverError {
  return new QuiverError(SqlState.invalidEscapeSequence, 'LIKE pattern must not end with escape character');
}

/** Code units the character at i takes: `_` and the scan after `%` step over whole characters. */
function charLen(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < t.length) {
    const d = t.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/**
 * MatchText over tokens. Returns whether `t` matches; throws where PostgreSQL does, when matching
 * reaches a trailing escape.
 */
function matchTokens(t: string, p: Int32Array): boolean {
  const tl = t.length, pl = p.length;
  let ti = 0, pi = 0;
  // Where the most recent % resumes: its pattern position and the text position last tried.
  let starP = -1, starT = 0;
  for (;;) {
    let failed = false;
    if (ti < tl && pi < pl) {
      const c = p[pi]!;
      if (c === PERCENT) {
        pi++;
        // %%… and %_… collapse: N `_` and any `%` match at least N characters.
        while (pi < pl) {
          const d = p[pi]!;
          if (d === PERCENT) pi++;
          else if (d === ANY) {
            if (ti >= tl) return false;
            ti += charLen(t, ti);
            pi++;
          } else break;
        }
        if (pi >= pl) return true;
        const first = p[pi]!;
        if (first === TRAILING_ESCAPE) throw trailingEscape();
        while (ti < tl && t.charCodeAt(ti) !== first) ti += charLen(t, ti);
        if (ti >= tl) return false;
        starP = pi;
        starT = ti;
        continue;
      }
      if (c === TRAILING_ESCAPE) throw trailingEscape();
      if (c === ANY) { ti += charLen(t, ti); pi++; continue; }
      if (c === t.charCodeAt(ti)) { ti++; pi++; continue; }
      failed = true;
    } else if (ti >= tl) {
      // Text used up: the rest of the pattern must be all %. Otherwise no later start can match.
      while (pi < pl && p[pi] === PERCENT) pi++;
      return pi >= pl;
    } else {
      failed = true; // pattern used up with text left over
    }
    if (failed) {
      if (starP < 0) return false;
      pi = starP;
      const first = p[pi]!;
      ti = starT + charLen(t, starT);
      while (ti < tl && t.charCodeAt(ti) !== first) ti += charLen(t, ti);
      if (ti >= tl) return false;
      starT = ti;
    }
  }
}

/** Patterns with only literals and %: literal segments between the %. */
function segmentMatcher(segs: string[], fold: boolean): LikeMatcher {
  const norm = fold ? (s: string) => s.toLowerCase() : (s: string) => s;
  if (segs.length === 1) {
    const lit = segs[0]!;
    return { test: (s) => norm(s) === lit };
  }
  const head = segs[0]!, tail = segs[segs.length - 1]!;
  const mids = segs.slice(1, -1).filter((x) => x.length > 0);
  const minLen = head.length + tail.length;
  if (mids.length === 0) {
    if (tail.length === 0) return head.length === 0 ? { test: () => true } : { test: (s) => norm(s).startsWith(head) };
    if (head.length === 0) return { test: (s) => norm(s).endsWith(tail) };
    return { test: (s) => { const x = norm(s); return x.length >= minLen && x.startsWith(head) && x.endsWith(tail); } };
  }
  if (mids.length === 1 && head.length === 0 && tail.length === 0) {
    const mid = mids[0]!;
    return { test: (s) => norm(s).includes(mid) };
  }
  return {
    test: (s) => {
      const x = norm(s);
      if (x.length < minLen || !x.startsWith(head) || !x.endsWith(tail)) return false;
      // Leftmost placement of each middle literal leaves the most room for the rest.
      let pos = head.length;
      const end = x.length - tail.length;
      for (let i = 0; i < mids.length; i++) {
        const m = mids[i]!;
        const at = x.indexOf(m, pos);
        if (at < 0 || at + m.length > end) return false;
        pos = at + m.length;
      }
      return true;
    },
  };
}

/**
 * Compiles a LIKE pattern. `escape` is the escape character ('' for none); ILIKE passes
 * `fold` and matches the lower-cased text against the lower-cased pattern, as PostgreSQL does.
 */
export function compileLike(pattern: string, fold: boolean, escape: string): LikeMatcher {
  const tokens: number[] = [];
  const segs: string[] = [];
  let lit = '';
  let simple = true; // no `_` and no trailing escape
  const flush = (): void => {
    const s = fold ? lit.toLowerCase() : lit;
    for (let k = 0; k < s.length; k++) tokens.push(s.charCodeAt(k));
    segs.push(s);
    lit = '';
  };
  for (let i = 0; i < pattern.length;) {
    const n = charLen(pattern, i);
    const c = pattern.slice(i, i + n);
    i += n;
    if (escape !== '' && c === escape) {
      if (i >= pattern.length) {
        flush();
        tokens.push(TRAILING_ESCAPE);
        simple = false;
        break;
      }
      const m = charLen(pattern, i);
      lit += pattern.slice(i, i + m);
      i += m;
    } else if (c === '%') {
      flush();
      tokens.push(PERCENT);
    } else if (c === '_') {
      const s = fold ? lit.toLowerCase() : lit;
      for (let k = 0; k < s.length; k++) tokens.push(s.charCodeAt(k));
      lit = '';
      tokens.push(ANY);
      simple = false;
    } else {
      lit += c;
    }
  }
  if (simple) {
    flush();
    return segmentMatcher(segs, fold);
  }
  const s = fold ? lit.toLowerCase() : lit;
  for (let k = 0; k < s.length; k++) tokens.push(s.charCodeAt(k));
  const p = Int32Array.from(tokens);
  if (fold) return { test: (t) => matchTokens(t.toLowerCase(), p) };
  return { test: (t) => matchTokens(t, p) };
}

/** ESCAPE takes one character or none (like_escape). */
export function checkLikeEscape(e: string): void {
  if (e.length > 1 && !(e.length === 2 && charLen(e, 0) === 2)) {
    throw new QuiverError(SqlState.invalidEscapeSequence, 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  }
}

const cache = new Map<string, LikeMatcher>();

/** The matcher for a pattern, compiled once per distinct pattern (bounded cache). */
export function likeMatcher(pattern: string, fold: boolean, escape: string): LikeMatcher {
  const key = (fold ? 'i' : 's') + escape.length + escape + pattern;
  let m = cache.get(key);
  if (m === undefined) {
    if (escape !== '\\') checkLikeEscape(escape);
    m = compileLike(pattern, fold, escape);
    if (cache.size > 10000) cache.clear();
    cache.set(key, m);
  }
  return m;
}
