import type { EventStore, RecordedEvent, SubscriptionBatch } from '@journeys/event-store';
import { retryUntilDone, type RetryPolicy } from '@journeys/retry';
import { toCloudEventMessage } from './cloud-events';
import { inSequence, type MessagePublisher, type MessagingLogger, type OutboundMessage } from './outbound-message';

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

/** Every event to `topic` as a CloudEvents 1.0 structured-mode Kafka message (the SDK's binding). */
export function cloudEventsRoute(topic: string, source: string): ForwardRoute {
  return (events) => events.map((event) => toCloudEventMessage(event, source, topic));
}

export interface EventForwarderOptions {
  /** Checkpoint name, e.g. `kafka_forwarder`. */
  name: string;
  routes: readonly ForwardRoute[];
  /** Most events read and published per round (default 500). */
  batchSize?: number;
  /** Most value bytes per publish call, so one broker request stays small (default 512 KiB). */
  maxPublishBytes?: number;
  /**
   * Rounds published but not yet acknowledged (default 4): the next rounds are read and encoded
   * while the broker works on the earlier ones. They go out in order (the publisher's `sequence()`)
   * and are checkpointed in order.
   */
  maxRoundsInFlight?: number;
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
/** After a failed round: 250 ms doubling to 5 s, from 250 ms again once a round got through. */
const FORWARD_RETRY: RetryPolicy = { initialMs: 250, maxMs: 5_000 };

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
  private stopped = new AbortController();
  private position = -1n;
  private caughtUp = false;
  private lastError: string | undefined;
  private readonly batchSize: number;
  private readonly maxPublishBytes: number;
  private readonly maxRoundsInFlight: number;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    private readonly publisher: MessagePublisher,
    private readonly options: EventForwarderOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.maxPublishBytes = options.maxPublishBytes ?? 512 * 1024;
    this.maxRoundsInFlight = Math.max(1, options.maxRoundsInFlight ?? 4);
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.stopped = new AbortController();
    this.position = this.checkpoints.checkpoint(this.options.name)?.position ?? -1n;
    this.loop = this.follow();
  }

  /** Stops after the rounds in flight are acknowledged and checkpointed (or the stop timeout passes). */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.stopped.abort();
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

  /** Follows the store until stopped; a failed round resends from the checkpoint after a back-off. */
  private async follow(): Promise<void> {
    await retryUntilDone(
      async () => {
        const rounds: Promise<void>[] = [];
        try {
          await this.followOnce(rounds);
        } catch (error) {
          await this.iterator?.return?.().catch(() => undefined);
          // Rounds after the failed one fail unsent; waiting for them keeps the checkpoint where it is.
          await Promise.allSettled(rounds);
          throw error;
        }
      },
      {
        policy: FORWARD_RETRY,
        signal: this.stopped.signal,
        // A failure after acknowledged rounds starts the back-off again.
        progress: () => this.position,
        onRetry: ({ error }) => {
          this.lastError = error instanceof Error ? error.message : String(error);
          this.options.logger?.error(
            `${this.options.name}: publishing failed, resending from ${this.position}: ${this.lastError}`,
          );
        },
      },
    );
  }

  /**
   * Reads from the checkpoint and publishes round after round, up to `maxRoundsInFlight` of them
   * unacknowledged; returns when stopped with every round in flight acknowledged and checkpointed.
   * A failed round ends the subscription at once (even one waiting for new events) and throws.
   */
  private async followOnce(rounds: Promise<void>[]): Promise<void> {
    const after = this.position < 0n ? undefined : this.position;
    const iterator = this.store.subscribeToAll({ after, maxBatchSize: this.batchSize })[Symbol.asyncIterator]();
    this.iterator = iterator;
    const publisher = this.publisher.sequence?.() ?? inSequence(this.publisher);
    let failure: { error: unknown } | undefined;
    let previous: Promise<void> = Promise.resolve();
    const add = (round: Promise<void>) => {
      previous = round;
      rounds.push(round);
      round.catch((error: unknown) => {
        failure ??= { error };
        void iterator.return?.();
      });
    };
    for (;;) {
      const next = await iterator.next();
      if (failure) throw failure.error;
      if (next.done) break;
      const { events, caughtUp } = next.value;
      if (events.length) add(this.round(publisher, events, caughtUp, previous, await this.messagesOf(events)));
      else add(previous.then(() => void (this.caughtUp = caughtUp)));
      while (rounds.length >= this.maxRoundsInFlight) await rounds.shift();
      if (this.stopping) break;
    }
    await previous;
  }

  private async messagesOf(events: readonly RecordedEvent[]): Promise<OutboundMessage[]> {
    return (await Promise.all(this.options.routes.map((route) => route(events)))).flat();
  }

  /**
   * Publishes the round's messages in runs that fit `maxPublishBytes` (all handed to the publisher
   * now, so they queue behind the earlier rounds), then checkpoints the round once it and every
   * earlier round are acknowledged. A failure part-way resends from the checkpoint (at least once,
   * same ids).
   */
  private async round(
    publisher: MessagePublisher,
    events: readonly RecordedEvent[],
    caughtUp: boolean,
    previous: Promise<void>,
    messages: readonly OutboundMessage[],
  ): Promise<void> {
    const published: Promise<void>[] = [];
    let run: OutboundMessage[] = [];
    let bytes = 0;
    for (const m of messages) {
      const size = Buffer.byteLength(m.value) + (m.key === null ? 0 : Buffer.byteLength(m.key));
      if (run.length && bytes + size > this.maxPublishBytes) {
        published.push(publisher.publish(run));
        run = [];
        bytes = 0;
      }
      run.push(m);
      bytes += size;
    }
    published.push(publisher.publish(run));
    await Promise.all([previous, ...published]);
    const last = events[events.length - 1].position;
    this.checkpoints.saveCheckpoint(this.options.name, last, CHECKPOINT_VERSION);
    this.position = last;
    this.caughtUp = caughtUp;
    this.lastError = undefined;
  }
}
