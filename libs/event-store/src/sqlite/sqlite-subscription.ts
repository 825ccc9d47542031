import { RecordedEvent, SubscriptionBatch } from '../event-store.port';

/** What a subscription needs from the store: pages of stored events and the committed head. */
export interface SubscriptionSource {
  readPage(after: bigint, maxCount: number, eventTypes?: readonly string[]): RecordedEvent[];
  committedHead(): bigint;
  detach(subscription: SqliteSubscription): void;
}

/**
 * A catch-up subscription that pulls pages from the events table when its consumer asks for the
 * next batch. The store only wakes it after a commit; it never pushes events, so a slow consumer
 * costs the store nothing but this object.
 */
export class SqliteSubscription implements AsyncIterableIterator<SubscriptionBatch> {
  private after: bigint;
  private announcedCaughtUp = false;
  /** The position last reported in an empty batch. */
  private announcedAt = -1n;
  private ended = false;
  private wakeUp: (() => void) | undefined;
  /** Serialises `next()` calls so pages are never read twice by overlapping calls. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly source: SubscriptionSource,
    after: bigint,
    private readonly maxBatchSize: number,
    private readonly eventTypes?: readonly string[],
  ) {
    this.after = after;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<SubscriptionBatch>> {
    const result = this.tail.then(() => this.pull());
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Called by `for await` on `break`/`return`/`throw`: the subscription ends for good. */
  async return(): Promise<IteratorResult<SubscriptionBatch>> {
    this.end();
    return { done: true, value: undefined };
  }

  /** New events were committed: a consumer waiting at the head reads again. */
  wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.source.detach(this);
    this.wake();
  }

  private async pull(): Promise<IteratorResult<SubscriptionBatch>> {
    for (;;) {
      if (this.ended) return { done: true, value: undefined };
      // Reading and arming the wake-up happen in one synchronous step, so no commit slips between.
      const head = this.source.committedHead();
      const events = this.source.readPage(this.after, this.maxBatchSize, this.eventTypes);
      // A short filtered page scanned everything up to the head: skip the unmatched tail next time.
      if (this.eventTypes && events.length < this.maxBatchSize && head > this.after) this.after = head;
      if (events.length > 0) {
        if (events[events.length - 1].position > this.after) this.after = events[events.length - 1].position;
        const caughtUp = this.after >= this.source.committedHead();
        this.announcedCaughtUp ||= caughtUp;
        return { done: false, value: { events, caughtUp, checkpoint: this.after } };
      }
      if (!this.announcedCaughtUp || (this.eventTypes && this.after > this.announcedAt)) {
        // Tell a consumer that starts at the head that it is caught up, even with nothing to deliver,
        // and a filtered one how far it has read past events it did not want.
        this.announcedCaughtUp = true;
        this.announcedAt = this.after;
        return { done: false, value: { events: [], caughtUp: true, checkpoint: this.after } };
      }
      await new Promise<void>((resolve) => (this.wakeUp = resolve));
    }
  }
}
