import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileError } from '../../src/common/file_errors.js';
import { QuiverError } from '../../src/common/errors.js';

const sys = (code: string): Error => Object.assign(new Error(`${code}: some text, open '/x'`), { code });

test('file errors get the SQLSTATE PostgreSQL gives the errno, and its text', () => {
  // errcode_for_file_access() in PostgreSQL's elog.c; the text is the C library's strerror.
  const cases: [string, string, string][] = [
    ['ENOSPC', '53100', 'No space left on device'],
    ['EDQUOT', '53100', 'Disk quota exceeded'],
    ['EACCES', '42501', 'Permission denied'],
    ['EPERM', '42501', 'Operation not permitted'],
    ['EROFS', '42501', 'Read-only file system'],
    ['ENOENT', '58P01', 'No such file or directory'],
    ['EISDIR', '42809', 'Is a directory'],
    ['EMFILE', '53000', 'Too many open files'],
    ['EIO', '58030', 'Input/output error'],
  ];
  for (const [errno, state, text] of cases) {
    const e = fileError(sys(errno), 'could not write to file "/x"');
    assert.equal(e.code, state, errno);
    assert.equal(e.message, `could not write to file "/x": ${text}`);
  }
  // Anything else is still an I/O error, never an internal one.
  const other = fileError(sys('EWEIRD'), 'could not open file "/x"');
  assert.equal(other.code, '58030');
  assert.equal(other.message, 'could not open file "/x": some text, open \'/x\'');
  const q = new QuiverError('22P04', 'kept');
  assert.equal(fileError(q, 'ignored'), q);
});
