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
 * reading through its uncommitted state); other work waits for the pending batch to commit first.
 */
export class EngineQueue {
  private serial: Promise<unknown> = Promise.resolve();
  pending: PendingBatch | undefined;

  /** Work in order, alongside a pending batch (the input loop's own batches). */
  next<T>(work: () => Promise<T>): Promise<T> {
    const next = this.serial.then(work);
    this.serial = next.catch(() => undefined);
    return next;
  }

  /**
   * Work that reads or writes the engine's state directly (timers, jobs, checkpoints): it runs once
   * the pending batch has committed, and the next input batch reads the state afresh instead of
   * through that batch, whose cached state this work may have changed.
   */
  afterPending<T>(work: () => Promise<T>): Promise<T> {
    return this.next(async () => {
      await this.pending?.done;
      this.pending = undefined;
      return work();
    });
  }

  /** Resolves when every piece of work queued so far has run. */
  async idle(): Promise<void> {
    await this.serial;
  }

  /** Waits for the pending batch whatever its outcome, then forgets it. */
  async dropPending(): Promise<void> {
    await this.pending?.done.catch(() => undefined);
    this.pending = undefined;
  }
}
