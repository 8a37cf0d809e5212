/**
 * PostgreSQL regular expressions (ARE syntax and flags) compiled to JavaScript RegExps: the
 * pattern rewriting, the flag letters, the compiled-pattern cache and the 2201B error.
 */
import { QuiverError, SqlState } from '../common/errors.js';

/** A JavaScript regular-expression error as PostgreSQL's 2201B. */
export function regexError(e: unknown): QuiverError {
  const msg = e instanceof Error ? e.message : String(e);
  // PostgreSQL's own wording for a pattern its engine cannot take.
  if (/too large/i.test(msg)) return new QuiverError('2201B', 'invalid regular expression: regular expression is too complex');
  return new QuiverError('2201B', `invalid regular expression: ${msg}`);
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: '\\p{L}', digit: '0-9', alnum: '\\p{L}\\p{N}', upper: '\\p{Lu}', lower: '\\p{Ll}',
  space: '\\s', punct: '\\p{P}\\p{S}', xdigit: '0-9A-Fa-f', word: '\\w', blank: ' \\t',
  cntrl: '\\p{Cc}', print: '\\P{C}', graph: '^\\p{C}\\s',
};

/**
 * Rewrites the parts of PostgreSQL's regular expression syntax that JavaScript spells
 * differently: bracket classes like [[:alpha:]] and the word-boundary escapes \m \M \y \Y.
 */
export function translateRegex(p: string, expanded: boolean, newlineStops = false): string {
  let out = '';
  let inBracket = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) {
      const d = p[i + 1]!;
      i++;
      if (!inBracket) {
        if (d === 'm') { out += '\\b(?=\\w)'; continue; }
        if (d === 'M') { out += '\\b(?<=\\w)'; continue; }
        if (d === 'y') { out += '\\b'; continue; }
        if (d === 'Y') { out += '\\B'; continue; }
        if (d === 'A') { out += '^'; continue; }
        if (d === 'Z') { out += '$'; continue; }
      }
      // With the 'u' flag JavaScript rejects escapes of ordinary punctuation (\_ \@ \-), which
      // POSIX reads as the character itself.
      if (/[0-9A-Za-z]/.test(d) || '^$\\.*+?()[]{}|/'.includes(d) || (inBracket && d === '-')) out += c + d;
      else out += d;
      continue;
    }
    if (inBracket) {
      if (c === '[' && p[i + 1] === ':') {
        const end = p.indexOf(':]', i + 2);
        if (end > 0) {
          const cls = POSIX_CLASSES[p.slice(i + 2, end)];
          if (cls !== undefined) { out += cls; i = end + 1; continue; }
        }
      }
      if (c === '[') { out += '\\['; continue; }
      if (c === ']') inBracket = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inBracket = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member in POSIX brackets.
      // In newline-sensitive mode a negated bracket does not match a newline either.
      if (p[i + 1] === '^') { out += newlineStops ? '^\\n' : '^'; i++; }
      if (p[i + 1] === ']') { out += '\\]'; i++; }
      continue;
    }
    // Outside brackets a ']' or a '}' that closes no bound is an ordinary character in POSIX.
    if (c === ']') { out += '\\]'; continue; }
    if (c === '{') {
      const bound = /^\{\d+(,\d*)?\}/.exec(p.slice(i));
      if (bound) { out += bound[0]; i += bound[0].length - 1; continue; }
    }
    if (c === '}') { out += '\\}'; continue; }
    if (expanded) {
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
      if (c === '#') { while (i < p.length && p[i] !== '\n') i++; continue; }
    }
    out += c;
  }
  return out;
}

/**
 * A POSIX basic regular expression in advanced syntax: \( \) \{ \} group and bound, while ( ) { } + ? |
 * are ordinary characters, as is * at the start of the expression or of a group, ^ anywhere but
 * the start and $ anywhere but the end.
 */
function basicToAdvanced(p: string): string {
  let out = '';
  let inBracket = false;
  let atStart = true;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (inBracket) {
      out += c;
      if (c === ']' && !(p[i - 1] === '[' || (p[i - 1] === '^' && p[i - 2] === '['))) inBracket = false;
      continue;
    }
    const start: boolean = atStart;
    atStart = false;
    if (c === '\\' && i + 1 < p.length) {
      const d = p[++i]!;
      if (d === '(') { out += '('; atStart = true; } else if (d === ')' || d === '{' || d === '}') out += d;
      else out += '\\' + d;
      continue;
    }
    if (c === '[') { inBracket = true; out += c; continue; }
    if ('(){}+?|'.includes(c)) { out += '\\' + c; continue; }
    if (c === '*' && start) { out += '\\*'; continue; }
    if (c === '^') { out += start ? c : '\\^'; atStart = start; continue; }
    if (c === '$') { const end = i === p.length - 1 || (p[i + 1] === '\\' && p[i + 2] === ')'); out += end ? c : '\\$'; continue; }
    out += c;
  }
  return out;
}

export interface RegexOptions { global: boolean; jsFlags: string; expanded: boolean; literal: boolean; basic?: boolean }

/** `fn` names the function when 'g' is not allowed, for PostgreSQL's error message. */
export function parseRegexFlags(flags: string, fn: string | null): RegexOptions {
  let ci = false, dotStops = false, anchors = false, expanded = false, literal = false, global = false, basic = false;
  for (const f of flags) {
    switch (f) {
      case 'g':
        if (fn !== null) throw new QuiverError(SqlState.invalidParameterValue, `${fn}() does not support the "global" option`);
        global = true; break;
      case 'i': ci = true; break;
      case 'c': ci = false; break;
      // n (m): '.' and brackets stop at newlines and ^ $ match at them; p: only the first; w: only the second.
      case 'n': case 'm': dotStops = true; anchors = true; break;
      case 's': dotStops = false; anchors = false; break;
      case 'p': dotStops = true; anchors = false; break;
      case 'w': dotStops = false; anchors = true; break;
      case 'x': expanded = true; break;
      case 't': expanded = false; break;
      case 'q': literal = true; break;
      // PostgreSQL 15's 'e' clears the extended bit along with the advanced one, so it too reads a BRE.
      case 'b': case 'e': basic = true; break;
      default: throw new QuiverError(SqlState.invalidParameterValue, `invalid regular expression option: "${f}"`);
    }
  }
  // PostgreSQL's default lets '.' match newlines and anchors only the whole string.
  return { global, jsFlags: (ci ? 'i' : '') + (anchors ? 'm' : '') + (dotStops ? '' : 's') + 'gu', expanded, literal, basic };
}

const regexCache = new Map<string, RegExp>();
export function compileRegex(pattern: string, opts: RegexOptions): RegExp {
  const key = opts.jsFlags + (opts.expanded ? 'x' : '') + (opts.literal ? 'q' : '') + (opts.basic ? 'b' : '') + '/' + pattern;
  let re = regexCache.get(key);
  if (re) { re.lastIndex = 0; return re; }
  const src = opts.literal ? pattern.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    : translateRegex(opts.basic ? basicToAdvanced(pattern) : pattern, opts.expanded, !opts.jsFlags.includes('s'));
  try {
    re = new RegExp(src, opts.jsFlags);
    // V8 compiles on first use, which is where a pattern too large for it fails.
    re.test('');
    re.lastIndex = 0;
  } catch (e) {
    throw regexError(e);
  }
  if (regexCache.size > 1000) regexCache.clear();
  regexCache.set(key, re);
  return re;
}

