import {
  Reactor,
  type CheckpointStore,
  type EventStore,
  type ReactorBatch,
  type ReactorControl,
  type RecordedEvent,
} from '@journeys/event-store';
import type { RetryPolicy } from '@journeys/retry';
import { toCloudEventMessage } from './cloud-events';
import { inSequence, type MessagePublisher, type MessagingLogger, type OutboundMessage } from './outbound-message';

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
  /** The events this forwarder publishes (default: all); the checkpoint moves past the others too. */
  accepts?: (event: RecordedEvent) => boolean;
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
  private reactor: Reactor | undefined;
  private position = -1n;
  /** The checkpoint was read since the last start. */
  private loaded = false;
  private caughtUp = false;
  private readonly batchSize: number;
  private readonly maxPublishBytes: number;
  private readonly maxRoundsInFlight: number;
  /** Rounds published and not yet acknowledged, oldest first. */
  private rounds: Promise<void>[] = [];
  /** The newest round: each round checkpoints only after the one before it. */
  private previous: Promise<void> = Promise.resolve();
  /** Publishes in order; a new sequence after each failure. */
  private publishing: MessagePublisher | undefined;

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
    if (this.reactor) return;
    this.loaded = false;
    this.recover();
    const { name, logger } = this.options;
    this.reactor = new Reactor(
      this.store,
      {
        // Read from the checkpoint store once per start (retried like any failure), then kept here.
        checkpoint: async () => {
          if (!this.loaded) {
            this.position = (await this.checkpoints.load(name))?.position ?? -1n;
            this.loaded = true;
          }
          return this.position < 0n ? undefined : this.position;
        },
        handle: (batch, control) => this.handle(batch, control),
        // Rounds after a failed one fail unsent; waiting for them keeps the checkpoint where it is.
        settle: async () => void (await Promise.allSettled(this.rounds)),
        recover: () => this.recover(),
      },
      {
        name,
        batchSize: this.batchSize,
        retry: FORWARD_RETRY,
        // A failure after acknowledged rounds starts the back-off again.
        progress: () => this.position,
        onError: (error) =>
          logger?.error(`${name}: publishing failed, resending from ${this.position}: ${String(error)}`),
        stopTimeoutMs: this.options.stopTimeoutMs ?? 10_000,
        onStopTimeout: () => logger?.warn(`${name}: stopped with a round unacknowledged; it is resent on start`),
      },
    );
    this.reactor.start();
  }

  /** Stops after the rounds in flight are acknowledged and checkpointed (or the stop timeout passes). */
  async stop(): Promise<void> {
    await this.reactor?.stop();
    this.reactor = undefined;
  }

  status(): ForwarderStatus {
    const reactor = this.reactor?.status();
    return {
      position: this.position,
      caughtUp: this.caughtUp,
      running: reactor?.running ?? false,
      lastError: reactor?.lastError,
    };
  }

  /**
   * Publishes a batch as one round, keeping up to `maxRoundsInFlight` rounds unacknowledged; a failed
   * round ends the subscription at once (even one waiting for new events).
   */
  private async handle({ events, caughtUp }: ReactorBatch, control: ReactorControl): Promise<void> {
    const publisher = this.publishing!;
    const accepts = this.options.accepts;
    const mine = accepts ? events.filter(accepts) : events;
    const round = events.length
      ? this.round(publisher, events[events.length - 1].position, caughtUp, this.previous, await this.messagesOf(mine))
      : this.previous.then(() => void (this.caughtUp = caughtUp));
    this.previous = round;
    this.rounds.push(round);
    round.catch((error: unknown) => control.fail(error));
    while (this.rounds.length >= this.maxRoundsInFlight) await this.rounds.shift();
  }

  private recover(): void {
    this.rounds = [];
    this.previous = Promise.resolve();
    this.publishing = this.publisher.sequence?.() ?? inSequence(this.publisher);
  }

  private async messagesOf(events: readonly RecordedEvent[]): Promise<OutboundMessage[]> {
    if (!events.length) return [];
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
    last: bigint,
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
    if (run.length) published.push(publisher.publish(run));
    await Promise.all([previous, ...published]);
    await this.checkpoints.save(this.options.name, { position: last, version: CHECKPOINT_VERSION });
    this.position = last;
    this.caughtUp = caughtUp;
  }
}
