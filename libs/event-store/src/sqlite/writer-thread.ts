import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../module-worker';
import type { WriterOptions, WriterReply, WriterRequest } from './writer-protocol';

/** The writer thread stopped unasked; what it was committing may or may not be on disk. */
export class WriterStoppedError extends Error {
  readonly code = 'WRITER_EXITED';

  constructor(exitCode: number, cause?: Error) {
    super(`The SQLite event store's writer thread stopped (exit code ${exitCode})${cause ? `: ${cause.message}` : ''}`);
    this.name = 'WriterStoppedError';
  }
}

interface Waiting {
  resolve(reply: WriterReply): void;
  reject(error: Error): void;
}

/**
 * The main-thread handle on the store's writer thread (`writer-thread.worker.ts`): posts requests,
 * hands each reply to the request it answers (the thread answers in order), and starts the thread
 * again on the next request should it stop.
 *
 * The thread is unreferenced while nothing is in flight, so an idle store never keeps the process
 * (or jest) alive, and referenced while a reply is awaited, so a process that only awaits an append
 * does not exit before it.
 */
export class WriterThread {
  private worker: Worker | undefined;
  private readonly waiting: Waiting[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly options: WriterOptions,
    /** Called once a thread has stopped unasked, before the requests it held are rejected. */
    private readonly onLost: (error: Error) => void,
  ) {}

  /** Starts the thread now instead of on the first request, so that request does not wait for it. */
  start(): void {
    this.worker ??= this.spawn();
  }

  request(message: WriterRequest): Promise<WriterReply> {
    if (this.stopping) return Promise.reject(new Error('The SQLite event store writer is stopping'));
    let worker: Worker;
    try {
      worker = this.worker ??= this.spawn();
    } catch (error) {
      // No thread to be had (out of memory or threads): this request fails, the next one tries again.
      return Promise.reject(error as Error);
    }
    return new Promise<WriterReply>((resolve, reject) => {
      try {
        worker.postMessage(message);
      } catch (error) {
        // Not cloneable (a caller passed something odd): only this request fails.
        reject(error as Error);
        return;
      }
      this.waiting.push({ resolve, reject });
      if (this.waiting.length === 1) worker.ref();
    });
  }

  /** Closes the connection and ends the thread once every request in flight is answered. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const worker = this.worker;
      if (!worker) return;
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ kind: 'close' } satisfies WriterRequest);
      await exited;
    })();
    return this.stopping;
  }

  private spawn(): Worker {
    const worker = startModuleWorker(
      __dirname,
      'writer-thread.worker',
      { workerData: this.options },
      'runSqliteWriter',
    );
    worker.unref();
    let failure: Error | undefined;
    worker.on('message', (reply: WriterReply) => {
      const waiting = this.waiting.shift();
      if (this.waiting.length === 0) worker.unref();
      waiting?.resolve(reply);
    });
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.stopping) return;
      const error = new WriterStoppedError(code, failure);
      this.onLost(error);
      for (const waiting of this.waiting.splice(0)) waiting.reject(error);
    });
    return worker;
  }
}
