/**
 * Splits SQL text into statements at top-level semicolons, the way psql decides where a
 * statement ends: a `;` inside a quoted string ('...', E'...', "..."), a dollar-quoted body
 * ($$...$$, $tag$...$tag$), a comment (-- ..., nested /* ... *\/) or parentheses does not end
 * the statement.
 *
 * It works incrementally so that input read in chunks can be executed one statement at a time
 * as soon as each is complete: `push()` returns the statements completed by a chunk, `end()`
 * returns whatever is left at end of input (a last statement without `;`).
 *
 * Like psql, whitespace and `--` comments before a statement are not part of it (so error
 * positions count from the statement's first token), and statements with nothing but comments
 * in them are dropped.
 */

type State =
  | { kind: 'normal' }
  | { kind: 'single' }
  | { kind: 'escape' } // E'...': backslash escapes as well as ''
  | { kind: 'ident' }
  | { kind: 'dollar'; tag: string }
  | { kind: 'line' }
  | { kind: 'block'; depth: number };

const NORMAL: State = { kind: 'normal' };

function isIdentStart(ch: string): boolean {
  return /[A-Za-z_\u0080-\uffff]/.test(ch);
}

function isIdentChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(ch);
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v';
}

export class StatementSplitter {
  /**
   * The text not yet handed out, from a little before the scan position (see compact). Chunks
   * are never appended to the whole pending statement: doing that, then indexing into the
   * result, copies the statement once per chunk, which is quadratic in its length.
   */
  private buf = '';
  /** Text of the current statement that precedes buf (start is then 0). */
  private head: string[] = [];
  private pos = 0;
  private state: State = NORMAL;
  private parens = 0;
  /** Where the current statement's text starts in buf, or -1 before its first token. */
  private start = -1;
  /** Whether the current statement has anything besides comments. */
  private content = false;

  /** Adds text; returns the statements that it completes, in order. */
  push(chunk: string): string[] {
    this.buf += chunk;
    const out: string[] = [];
    this.scan(false, out);
    this.compact();
    return out;
  }

  /** Ends the input; returns the last statement if it was not terminated by `;`. */
  end(): string[] {
    const out: string[] = [];
    this.scan(true, out);
    this.finish(this.buf.length, out);
    this.buf = '';
    this.pos = 0;
    this.state = NORMAL;
    this.parens = 0;
    return out;
  }

  /** True while a statement has been started but not yet terminated. */
  get pending(): boolean {
    return this.start >= 0 || this.state.kind !== 'normal';
  }

  private compact(): void {
    // Keep only what the scan still needs: the text from the scan position on, and the two
    // characters before it (E'...' and $tag$ look back that far). The current statement's
    // text before that moves to head, so that each character is copied a bounded number of
    // times however many chunks the statement spans.
    const keep = Math.max(0, this.pos - 2);
    if (keep === 0) return;
    if (this.start >= 0) {
      if (keep > this.start) this.head.push(this.buf.slice(this.start, keep));
      this.start = Math.max(0, this.start - keep);
    }
    this.buf = this.buf.slice(keep);
    this.pos -= keep;
  }

  private begin(at: number): void {
    if (this.start < 0) this.start = at;
  }

  private finish(end: number, out: string[]): void {
    if (this.start >= 0 && this.content) {
      const tail = this.buf.slice(this.start, end);
      const text = (this.head.length ? this.head.join('') + tail : tail).trimEnd();
      if (text !== '') out.push(text);
    }
    this.head = [];
    this.start = -1;
    this.content = false;
  }

  /**
   * Advances pos as far as the text allows. Without `final`, stops before any construct whose
   * meaning depends on characters that have not arrived yet.
   */
  private scan(final: boolean, out: string[]): void {
    const b = this.buf;
    const n = b.length;
    let i = this.pos;
    // Each branch either advances i or breaks out to wait for more input.
    scan: while (i < n) {
      const st = this.state;
      const ch = b[i] ?? '';
      const next = b[i + 1];
      const needMore = next === undefined && !final;
      switch (st.kind) {
        case 'normal': {
          if (isSpace(ch)) {
            i++;
          } else if (ch === '-' && (next === '-' || needMore)) {
            if (needMore) break scan;
            this.state = { kind: 'line' };
            i += 2;
          } else if (ch === '/' && (next === '*' || needMore)) {
            if (needMore) break scan;
            this.begin(i);
            this.state = { kind: 'block', depth: 1 };
            i += 2;
          } else if (ch === ';' && this.parens === 0) {
            this.finish(i, out);
            i++;
          } else {
            this.begin(i);
            this.content = true;
            if (ch === "'") {
              const prev = b[i - 1];
              const escape = (prev === 'E' || prev === 'e') && i - 1 >= this.start && !isIdentChar(b[i - 2]);
              this.state = escape ? { kind: 'escape' } : { kind: 'single' };
              i++;
            } else if (ch === '"') {
              this.state = { kind: 'ident' };
              i++;
            } else if (ch === '$' && !isIdentChar(b[i - 1])) {
              // $n is a parameter; $tag$ opens a dollar quote; find out which.
              let j = i + 1;
              if (j < n && isIdentStart(b[j] ?? '')) {
                j++;
                while (j < n && /[A-Za-z0-9_\u0080-\uffff]/.test(b[j] ?? '')) j++;
              }
              if (j >= n && !final) break scan;
              if (b[j] === '$') {
                this.state = { kind: 'dollar', tag: b.slice(i, j + 1) };
                i = j + 1;
              } else {
                i = j > i + 1 ? j : i + 1;
              }
            } else {
              if (ch === '(') this.parens++;
              else if (ch === ')' && this.parens > 0) this.parens--;
              i++;
            }
          }
          break;
        }
        case 'single':
        case 'escape': {
          if (st.kind === 'escape' && ch === '\\') {
            if (needMore) break scan;
            i += 2;
          } else if (ch === "'") {
            if (needMore) break scan;
            if (next === "'") i += 2;
            else {
              this.state = NORMAL;
              i++;
            }
          } else {
            // Skip to the next character that matters.
            let j = i + 1;
            if (st.kind === 'escape') {
              while (j < n && b[j] !== "'" && b[j] !== '\\') j++;
            } else {
              const q = b.indexOf("'", j);
              j = q < 0 ? n : q;
            }
            i = j;
          }
          break;
        }
        case 'ident': {
          if (ch === '"') {
            if (needMore) break scan;
            if (next === '"') i += 2;
            else {
              this.state = NORMAL;
              i++;
            }
          } else {
            const q = b.indexOf('"', i + 1);
            i = q < 0 ? n : q;
          }
          break;
        }
        case 'dollar': {
          const close = b.indexOf(st.tag, i);
          if (close < 0) {
            // Keep the last few characters: the closing tag may be split across chunks.
            i = Math.max(i, n - st.tag.length + 1);
            break scan;
          }
          this.state = NORMAL;
          i = close + st.tag.length;
          break;
        }
        case 'line': {
          const nl = b.indexOf('\n', i);
          if (nl < 0) {
            i = n;
            break scan;
          }
          this.state = NORMAL;
          i = nl + 1;
          break;
        }
        case 'block': {
          if (ch === '*' && (next === '/' || needMore)) {
            if (needMore) break scan;
            this.state = st.depth === 1 ? NORMAL : { kind: 'block', depth: st.depth - 1 };
            i += 2;
          } else if (ch === '/' && (next === '*' || needMore)) {
            if (needMore) break scan;
            this.state = { kind: 'block', depth: st.depth + 1 };
            i += 2;
          } else {
            i++;
          }
          break;
        }
      }
    }
    this.pos = i;
  }
}

/** All statements in a complete SQL text. */
export function splitStatements(sql: string): string[] {
  const s = new StatementSplitter();
  return [...s.push(sql), ...s.end()];
}
