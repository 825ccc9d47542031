import type { EngineBatch } from './engine-batch';

/** An input batch whose events are being stored and whose state is not committed yet. */
export interface PendingBatch {
  batch: EngineBatch;
  /** Resolves once the batch's events are stored and its state committed; rejects if either fails. */
  done: Promise<void>;
}

/**
 * The engine's one serial line of work: input batches, timers and jobs never decide at the same
 * time. Input batches pipeline (the next is decided while the previous one's events are stored,
 * reading through its uncommitted state); other work waits for the pending batches to commit first.
 */
export class EngineQueue {
  private serial: Promise<unknown> = Promise.resolve();

  /** `pending`: the pending batch of each partition, which other work waits for. */
  constructor(private readonly pending: () => Iterable<{ dropPending(): Promise<void>; pending?: PendingBatch }>) {}

  /** Work in order, alongside pending batches (the input loop's own batches). */
  next<T>(work: () => Promise<T>): Promise<T> {
    const next = this.serial.then(work);
    this.serial = next.catch(() => undefined);
    return next;
  }

  /**
   * Work that reads or writes the engine's state directly (timers, jobs, checkpoints): it runs once
   * the pending batches have committed, and the next input batch reads the state afresh instead of
   * through them, whose cached state this work may have changed.
   */
  afterPending<T>(work: () => Promise<T>): Promise<T> {
    return this.next(async () => {
      for (const partition of this.pending()) {
        await partition.pending?.done;
        partition.pending = undefined;
      }
      return work();
    });
  }

  /** Resolves when every piece of work queued so far has run. */
  async idle(): Promise<void> {
    await this.serial;
  }

  /** Waits for every pending batch whatever its outcome, then forgets them. */
  async dropPending(): Promise<void> {
    for (const partition of this.pending()) await partition.dropPending();
  }
}
