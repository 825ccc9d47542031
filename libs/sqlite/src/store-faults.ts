/**
 * SQLite errors that mean the storage cannot take writes now (as opposed to bugs), shared by the
 * embedded event store and the read-model file, and mapped once to a 503 by the service.
 */

/** Why the store cannot write: the file system refuses, has no space left, fails, or the writer thread stopped. */
export type StoreFault = 'read_only' | 'disk_full' | 'io_error' | 'writer_stopped';

/** The storage fault a SQLite error reports, or undefined for any other error. */
export function storeFaultOf(error: unknown): StoreFault | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL') return 'disk_full';
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) return 'read_only';
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_') || code === 'SQLITE_CANTOPEN') return 'io_error';
  return undefined;
}
