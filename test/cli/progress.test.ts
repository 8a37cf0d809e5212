import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressLine } from '../../src/cli/progress.js';

function fake(columns = 60): { out: { write(s: string): void; columns: number }; text: () => string; clock: { t: number } } {
  let text = '';
  return { out: { write: (s: string) => { text += s; }, columns }, text: () => text, clock: { t: 0 } };
}

test('the progress bar stays hidden for the first second, then redraws one line in place', () => {
  const f = fake();
  const bar = new ProgressLine(f.out, 1000, () => f.clock.t);
  f.clock.t = 500;
  bar.update({ done: 10, total: 100 });
  assert.equal(f.text(), '');
  f.clock.t = 1500;
  bar.update({ done: 50, total: 100 });
  assert.equal(f.text(), '\r\x1b[K[####################....................]  50%  1.5 s');
  f.clock.t = 2000;
  bar.update({ done: 100, total: 100 });
  assert.match(f.text(), /\r\x1b\[K\[#{40}\] 100% {2}2\.0 s$/);
  bar.finish();
  assert.ok(f.text().endsWith('\r\x1b[K'));
  assert.ok(!f.text().includes('\n'));
});

test('a statement without table input shows the time only; a quick one draws nothing at all', () => {
  const f = fake();
  const bar = new ProgressLine(f.out, 1000, () => f.clock.t);
  f.clock.t = 1200;
  bar.update({ done: 0, total: 0 });
  assert.equal(f.text(), '\r\x1b[Krunning  1.2 s');
  const g = fake();
  const quick = new ProgressLine(g.out, 1000, () => g.clock.t);
  quick.update({ done: 1, total: 2 });
  quick.finish();
  assert.equal(g.text(), '');
});
