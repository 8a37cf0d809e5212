/**
 * The one-line progress bar `quiver sql` draws on a terminal for a statement that runs longer
 * than a second, redrawn in place and erased when the statement ends.
 */
import type { Progress } from '../index.js';

export interface TerminalOut {
  write(text: string): unknown;
  /** Width of the terminal, when known. */
  columns?: number;
}

const ERASE_LINE = '\r\x1b[K';

export class ProgressLine {
  private shown = false;
  private readonly start: number;

  constructor(private readonly out: TerminalOut, private readonly delayMs = 1000, private readonly clock: () => number = () => performance.now()) {
    this.start = clock();
  }

  /** Draws the bar for `p`, once the statement has run for the delay. */
  update(p: Progress): void {
    const elapsed = this.clock() - this.start;
    if (elapsed < this.delayMs) return;
    const secs = `${(elapsed / 1000).toFixed(1)} s`;
    let text: string;
    if (p.total > 0) {
      const frac = Math.min(1, p.done / p.total);
      const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - 20));
      const filled = Math.round(frac * width);
      text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}%  ${secs}`;
    } else {
      // Nothing read from tables to measure against (generate_series, VALUES): time only.
      text = `running  ${secs}`;
    }
    this.out.write(ERASE_LINE + text);
    this.shown = true;
  }

  /** Erases the bar, if it was drawn. */
  finish(): void {
    if (!this.shown) return;
    this.out.write(ERASE_LINE);
    this.shown = false;
  }
}
