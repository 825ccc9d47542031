import type { EventStore, RecordedEvent, SubscriptionBatch } from '@journeys/event-store';
import { CLOUD_EVENTS_CONTENT_TYPE, eventKey, toCloudEvent } from './cloud-events';
import type { MessagePublisher, MessagingLogger, OutboundMessage } from './outbound-message';

/** Where the forwarder keeps its position; the read-model store fits it. */
export interface CheckpointStore {
  checkpoint(name: string): { position: bigint; version: number } | undefined;
  saveCheckpoint(name: string, position: bigint, version: number): void;
}

/**
 * Turns a run of stored events (in position order) into messages to publish. Routes may look
 * things up (e.g. whether an action's version still runs) and may return nothing for an event.
 */
export type ForwardRoute = (
  events: readonly RecordedEvent[],
) => readonly OutboundMessage[] | Promise<readonly OutboundMessage[]>;

/** Every event to `topic` as a CloudEvents 1.0 structured JSON envelope, keyed by {@link eventKey}. */
export function cloudEventsRoute(topic: string, source: string): ForwardRoute {
  return (events) =>
    events.map((event) => ({
      topic,
      key: eventKey(event),
      value: JSON.stringify(toCloudEvent(event, source)),
      headers: { 'content-type': CLOUD_EVENTS_CONTENT_TYPE },
    }));
}

export interface EventForwarderOptions {
  /** Checkpoint name, e.g. `kafka_forwarder`. */
  name: string;
  routes: readonly ForwardRoute[];
  /** Most events read and published per round (default 500). */
  batchSize?: number;
  /** Most value bytes per publish call, so one broker request stays small (default 512 KiB). */
  maxPublishBytes?: number;
  /** How long `stop()` waits for the round in flight (default 10 s); an unfinished round is resent later. */
  stopTimeoutMs?: number;
  logger?: MessagingLogger;
}

export interface ForwarderStatus {
  /** Position of the last event whose messages the broker acknowledged (-1 before the first). */
  position: bigint;
  caughtUp: boolean;
  running: boolean;
  lastError?: string;
}

const CHECKPOINT_VERSION = 1;

/**
 * A checkpointed subscription to all stored events that publishes what its routes make of them.
 * The checkpoint moves only after the broker acknowledged, so a crash resends from the last
 * checkpoint: delivery is at least once and every message is derived from a stored event, so a
 * resend carries the same ids.
 */
export class EventForwarder {
  private iterator: AsyncIterator<SubscriptionBatch> | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private position = -1n;
  private caughtUp = false;
  private lastError: string | undefined;
  private readonly batchSize: number;
  private readonly maxPublishBytes: number;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    private readonly publisher: MessagePublisher,
    private readonly options: EventForwarderOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.maxPublishBytes = options.maxPublishBytes ?? 512 * 1024;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.position = this.checkpoints.checkpoint(this.options.name)?.position ?? -1n;
    this.loop = this.follow();
  }

  /** Stops after the round in flight is acknowledged and checkpointed (or the stop timeout passes). */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    await this.iterator?.return?.();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.options.logger?.warn(`${this.options.name}: stopped with a round unacknowledged; it is resent on start`);
        resolve();
      }, this.options.stopTimeoutMs ?? 10_000);
    });
    await Promise.race([this.loop, timeout]).finally(() => clearTimeout(timer));
    this.loop = undefined;
    this.iterator = undefined;
  }

  status(): ForwarderStatus {
    return {
      position: this.position,
      caughtUp: this.caughtUp,
      running: this.loop !== undefined,
      lastError: this.lastError,
    };
  }

  private async follow(): Promise<void> {
    let delay = 250;
    while (!this.stopping) {
      try {
        const after = this.position < 0n ? undefined : this.position;
        this.iterator = this.store.subscribeToAll({ after, maxBatchSize: this.batchSize })[Symbol.asyncIterator]();
        for (;;) {
          const next = await this.iterator.next();
          if (next.done) return;
          if (next.value.events.length) await this.forward(next.value.events);
          this.caughtUp = next.value.caughtUp;
          this.lastError = undefined;
          delay = 250;
          if (this.stopping) return;
        }
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.logger?.error(
          `${this.options.name}: publishing failed, resending from ${this.position}: ${this.lastError}`,
        );
        await this.iterator?.return?.().catch(() => undefined);
        if (this.stopping) return;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  /**
   * Publishes the batch's messages in order, in runs that fit `maxPublishBytes`, then checkpoints
   * the batch. A failure part-way resends the whole batch (at least once, same ids).
   */
  private async forward(events: readonly RecordedEvent[]): Promise<void> {
    const messages = (await Promise.all(this.options.routes.map((route) => route(events)))).flat();
    let run: OutboundMessage[] = [];
    let bytes = 0;
    for (const m of messages) {
      const size = Buffer.byteLength(m.value) + (m.key === null ? 0 : Buffer.byteLength(m.key));
      if (run.length && bytes + size > this.maxPublishBytes) {
        await this.publisher.publish(run);
        run = [];
        bytes = 0;
      }
      run.push(m);
      bytes += size;
    }
    await this.publisher.publish(run);
    const last = events[events.length - 1].position;
    this.checkpoints.saveCheckpoint(this.options.name, last, CHECKPOINT_VERSION);
    this.position = last;
  }
}
