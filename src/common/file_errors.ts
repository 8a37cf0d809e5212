/**
 * Operating-system file errors as PostgreSQL reports them: the SQLSTATE its
 * errcode_for_file_access() gives the errno, and the C library's text for it (%m), e.g.
 * 53100 `could not write to file "x": No space left on device`.
 */
import { QuiverError } from './errors.js';

const BY_CODE: Record<string, [sqlstate: string, text: string]> = {
  EPERM: ['42501', 'Operation not permitted'],
  EACCES: ['42501', 'Permission denied'],
  EROFS: ['42501', 'Read-only file system'],
  ENOENT: ['58P01', 'No such file or directory'],
  EEXIST: ['58P02', 'File exists'],
  ENOTDIR: ['42809', 'Not a directory'],
  EISDIR: ['42809', 'Is a directory'],
  ENOTEMPTY: ['42809', 'Directory not empty'],
  ENOSPC: ['53100', 'No space left on device'],
  // PostgreSQL leaves a full quota to its default; it is the same condition for the user.
  EDQUOT: ['53100', 'Disk quota exceeded'],
  EFBIG: ['54000', 'File too large'],
  ENFILE: ['53000', 'Too many open files in system'],
  EMFILE: ['53000', 'Too many open files'],
  EIO: ['58030', 'Input/output error'],
  ENAMETOOLONG: ['58030', 'File name too long'],
  ELOOP: ['58030', 'Too many levels of symbolic links'],
};

/** The errno name of a Node.js system error, if it is one. */
export function errnoCode(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/**
 * `what` says what failed, naming the file (`could not open file "x" for writing`); the
 * system's reason follows it. A QuiverError passes through unchanged.
 */
export function fileError(e: unknown, what: string): QuiverError {
  if (e instanceof QuiverError) return e;
  const code = errnoCode(e);
  const known = code === undefined ? undefined : BY_CODE[code];
  if (known) return new QuiverError(known[0], `${what}: ${known[1]}`);
  // Anything else from the file system is still an I/O failure, not an internal error.
  const msg = e instanceof Error ? e.message.replace(/^[A-Z]+: /, '') : String(e);
  return new QuiverError('58030', `${what}: ${msg}`);
}
