/**
 * SQL regular expressions: SIMILAR TO (bound as `~ similar_to_escape(pattern, escape)`, as
 * PostgreSQL's parser does) and substring(s SIMILAR pattern ESCAPE e).
 */
import { QuiverError, SqlState } from '../../common/errors.js';
import { T } from '../../common/types.js';
import { compileRegex, parseRegexFlags } from '../regex.js';
import { registerScalar } from '../registry.js';

/**
 * The pattern split at its escape-double-quote separators, each part rewritten from SQL to
 * POSIX syntax: % and _ become .* and ., ( becomes a non-capturing group, regex metacharacters
 * outside brackets are escaped, an escaped character is taken literally.
 */
function similarParts(pattern: string, escape: string | null): string[] {
  let esc: string | null = null;
  if (escape !== null && escape !== '') {
    const cps = Array.from(escape);
    if (cps.length > 1) {
      throw new QuiverError(SqlState.invalidEscapeSequence, 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
    }
    esc = cps[0]!;
  }
  const p = Array.from(pattern);
  const parts: string[] = [];
  let out = '';
  let afterEscape = false;
  // 0: outside brackets; 1: just after '['; 2: just after '[^'; 3: further inside.
  let cc = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (afterEscape) {
      if (c === '"' && cc === 0) {
        if (parts.length >= 2) {
          throw new QuiverError('2200C', 'SQL regular expression may not contain more than two escape-double-quote separators');
        }
        parts.push(out);
        out = '';
      } else {
        out += '\\' + c;
        if (cc) cc = 3;
      }
      afterEscape = false;
    } else if (esc !== null && c === esc) {
      afterEscape = true;
    } else if (cc > 0) {
      if (c === '\\') out += '\\';
      out += c;
      if (c === ']' && cc === 3) cc = 0;
      else if (c === '^' && cc === 1) cc = 2;
      else {
        if (c === '[' && (p[i + 1] === ':' || p[i + 1] === '.' || p[i + 1] === '=')) {
          // [:class:], [.coll.] and [=equiv=] run to their own closing bracket.
          const d = p[i + 1]!;
          out += d;
          i++;
          while (i + 1 < p.length && !(p[i + 1] === d && p[i + 2] === ']')) out += p[++i];
          if (i + 2 < p.length) { out += d + ']'; i += 2; }
        }
        cc = 3;
      }
    } else if (c === '[') {
      out += c;
      cc = 1;
    } else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (c === '(') out += '(?:';
    else if (c === '\\' || c === '.' || c === '^' || c === '$') out += '\\' + c;
    else out += c;
  }
  parts.push(out);
  return parts;
}

/** similar_to_escape(pattern [, escape]): the POSIX regular expression SIMILAR TO matches with. */
export function similarToEscape(pattern: string, escape: string | null = '\\'): string {
  const [a, b, c] = similarParts(pattern, escape);
  if (b === undefined) return `^(?:${a})$`;
  return `^(?:${a}){1,1}?(${b}){1,1}(?:${c ?? ''})$`;
}

function whole(part: string): RegExp {
  return compileRegex(`^(?:${part})$`, parseRegexFlags('', null));
}

function test(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}

/**
 * substring(s SIMILAR pattern ESCAPE e): with separators, the text the middle part matches when
 * the part before it matches as little as possible and the middle as much as possible; without
 * them, s itself if the pattern matches all of it. NULL when it does not match.
 */
export function substringSimilar(s: string, pattern: string, escape: string): string | null {
  const parts = similarParts(pattern, escape);
  if (!test(compileRegex(similarToEscape(pattern, escape), parseRegexFlags('', null)), s)) return null;
  if (parts.length === 1) return s;
  const [r1, r2, r3] = [whole(parts[0]!), whole(parts[1]!), whole(parts[2] ?? '')];
  // Code-unit offsets of the character boundaries.
  const cuts: number[] = [0];
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    cuts.push(i);
  }
  // Where the last part can begin, latest first: computed once, not once per start.
  const ends: number[] = [];
  for (let b = cuts.length - 1; b >= 0; b--) if (test(r3, s.slice(cuts[b]))) ends.push(b);
  for (let a = 0; a < cuts.length; a++) {
    if (!test(r1, s.slice(0, cuts[a]))) continue;
    for (const b of ends) {
      if (b < a) break;
      if (test(r2, s.slice(cuts[a], cuts[b]))) return s.slice(cuts[a], cuts[b]);
    }
  }
  return null;
}

function register(): void {
  registerScalar({ name: 'similar_to_escape', args: ['text'], ret: T.text, strict: true, impl: (p: string) => similarToEscape(p) });
  registerScalar({ name: 'similar_to_escape', args: ['text', 'text'], ret: T.text, strict: true, impl: similarToEscape });
  // SQL99's substring(s FROM pattern FOR escape) is the same function.
  registerScalar({ name: 'substring', args: ['text', 'text', 'text'], ret: T.text, strict: true, impl: substringSimilar });
}

register();
