import { Worker } from 'node:worker_threads';

/**
 * Runs SQLite's WAL checkpoints (copying committed pages from `<file>-wal` back into the database
 * file) on a worker thread of its own, with its own connection per file.
 *
 * Why: left to SQLite, a checkpoint runs inside the COMMIT of whichever write crosses the
 * `wal_autocheckpoint` threshold, on the thread that serves appends, the engine and HTTP. Measured
 * on trigger ingestion, that was about 12% of the main thread's time. A PASSIVE checkpoint never
 * waits for locks and never blocks a writer, so moving it costs the writer nothing.
 *
 * The owning connection keeps a high `wal_autocheckpoint` as a backstop (see
 * {@link BACKSTOP_AUTOCHECKPOINT_PAGES}): should this worker stop or fall behind, SQLite
 * checkpoints in the commit path again and the WAL stays bounded.
 */
export class WalCheckpointer {
  private static worker: Worker | undefined;
  private static readonly files = new Map<string, number>();

  /**
   * Starts checkpointing `file` in the background until the returned function is called. Files are
   * reference-counted, so two connections to one file share one checkpointing connection.
   */
  static register(file: string): () => void {
    if (file === ':memory:') return () => undefined;
    const count = WalCheckpointer.files.get(file) ?? 0;
    WalCheckpointer.files.set(file, count + 1);
    if (count === 0) WalCheckpointer.post({ open: file });
    let registered = true;
    return () => {
      if (!registered) return;
      registered = false;
      const left = (WalCheckpointer.files.get(file) ?? 1) - 1;
      if (left > 0) {
        WalCheckpointer.files.set(file, left);
        return;
      }
      WalCheckpointer.files.delete(file);
      WalCheckpointer.post({ close: file });
      if (WalCheckpointer.files.size === 0) {
        // Nothing left to checkpoint: let the worker finish its closes and exit.
        WalCheckpointer.post({ exit: true });
        WalCheckpointer.worker = undefined;
      }
    };
  }

  private static post(message: { open?: string; close?: string; exit?: boolean }): void {
    if (!WalCheckpointer.worker) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { driver: require.resolve('better-sqlite3'), walBytes: CHECKPOINT_WAL_BYTES, everyMs: POLL_MS },
      });
      // The process may exit while it runs; the backstop covers anything it did not copy.
      worker.unref();
      worker.on('error', () => {
        if (WalCheckpointer.worker === worker) WalCheckpointer.worker = undefined;
      });
      WalCheckpointer.worker = worker;
    }
    WalCheckpointer.worker.postMessage(message);
  }
}

/** The WAL size past which the worker checkpoints. */
const CHECKPOINT_WAL_BYTES = 16 * 1024 * 1024;
/** How often the worker looks at the WAL sizes. */
const POLL_MS = 100;
/** `wal_autocheckpoint` of the owning connections: 128 MiB of 4 KiB pages, 8x the worker's threshold. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 32_768;

/**
 * Plain JavaScript, so the worker runs the same under ts-jest, the bench loader and the compiled
 * build. Checkpoint errors (a read-only or full disk) are ignored: the owning connection reports
 * those faults on its own writes, and the next poll tries again.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const connections = new Map();
function walSize(file) {
  try { return statSync(file + '-wal').size; } catch { return 0; }
}
const poll = setInterval(() => {
  for (const [file, db] of connections) {
    if (walSize(file) < workerData.walBytes) continue;
    try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  }
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message.open && !connections.has(message.open)) {
    try {
      const db = new Database(message.open, { fileMustExist: true });
      db.pragma('busy_timeout = 0');
      connections.set(message.open, db);
    } catch {}
  }
  if (message.close) {
    const db = connections.get(message.close);
    connections.delete(message.close);
    try { db && db.close(); } catch {}
  }
  if (message.exit) {
    clearInterval(poll);
    for (const db of connections.values()) { try { db.close(); } catch {} }
    parentPort.close();
  }
});
`;
