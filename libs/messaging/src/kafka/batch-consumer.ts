import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import {
  decodeJsonObject,
  deadLetter,
  type DeadLetterProblem,
  type DeadLetterReason,
  type MessageOrigin,
} from '../dead-letter';
import type { MessagePublisher, MessagingLogger, MessagingObserver, OutboundMessage } from '../outbound-message';
import { MAX_INBOUND_MESSAGE_BYTES } from '../topics';
import { retryUntilDone, type RetryPolicy } from '@journeys/retry';

/** A consumed message that passed the universal checks: small enough, and a JSON object. */
export interface ConsumedMessage {
  origin: MessageOrigin;
  value: Record<string, unknown>;
  /** The value as received, for dead letters. */
  text: string;
}

/** A message the handler refuses for good; it goes to the dead-letter topic. */
export interface HandlerRefusal {
  /** Index in the array handed to the handler. */
  index: number;
  reason: DeadLetterReason;
  message: string;
  errors?: DeadLetterProblem[];
}

export interface BatchOutcome {
  deadLetters?: readonly HandlerRefusal[];
  /** Published (acknowledged) before the offsets move, e.g. command results. */
  outputs?: readonly OutboundMessage[];
}

/**
 * Does the work of a run of messages from one partition, in order. Resolving means the work is
 * durably stored; throwing means nothing may be assumed done, and the same messages come again.
 */
export type BatchHandler = (messages: readonly ConsumedMessage[]) => Promise<BatchOutcome>;

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  deadLetterTopic: string;
  /** Publishes dead letters and handler outputs. */
  publisher: MessagePublisher;
  handle: BatchHandler;
  /** Most messages handed to the handler at once (default 500). */
  maxChunk?: number;
  /** Larger values are dead letters (default 1 MiB). */
  maxMessageBytes?: number;
  /** Where a group without committed offsets starts (default true: nothing produced before is lost). */
  fromBeginning?: boolean;
  /** Back-off between attempts of a failing chunk (default 100 ms doubling to 5 s). */
  backoff?: RetryPolicy;
  observer?: MessagingObserver;
  logger?: MessagingLogger;
  now?: () => Date;
}

export type ConsumerState = 'stopped' | 'starting' | 'running' | 'crashed';

export interface PartitionLag {
  partition: number;
  /** Next offset this consumer will commit. */
  next: string;
  /** High watermark at the last fetch minus `next`. */
  lag: number;
}

export interface BatchConsumerStatus {
  topic: string;
  groupId: string;
  state: ConsumerState;
  /** Sum over the partitions this replica holds, as of their last fetch. */
  lag: number;
  partitions: PartitionLag[];
  /** A chunk is failing and being retried (the partition waits, keeping its order). */
  retrying: boolean;
  lastError?: string;
}

/** How often a waiting retry checks whether kafkajs wants the batch to end. */
const STOP_POLL_MS = 100;
/** Longest a stop waits for a consumer that has not joined its group yet. */
export const JOINING_STOP_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * A consumer-group member for one topic that reads with `eachBatch` and commits an offset only once
 * the work before it is durable. Poison messages (too large, not JSON, not an object, refused by
 * the handler) are published to the dead-letter topic and the partition moves on; any other failure
 * retries the same messages with back-off, so order is kept and nothing is skipped.
 */
export class KafkaBatchConsumer {
  private consumer: Consumer | undefined;
  private state: ConsumerState = 'stopped';
  private retrying = false;
  private stopping = false;
  private lastError: string | undefined;
  private readonly positions = new Map<number, { highWatermark: bigint; next: bigint }>();
  private readonly maxChunk: number;
  private readonly maxBytes: number;
  private readonly now: () => Date;

  constructor(private readonly options: BatchConsumerOptions) {
    this.maxChunk = options.maxChunk ?? 500;
    this.maxBytes = options.maxMessageBytes ?? MAX_INBOUND_MESSAGE_BYTES;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Connects and subscribes, then joins the group in the background: a join can wait for the
   * session of a crashed member to time out, and neither start-up nor shutdown should wait for that.
   * `status().state` is `running` once the group is joined.
   */
  async start(): Promise<void> {
    if (this.consumer) return;
    const { kafka, groupId, topic } = this.options;
    this.stopping = false;
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 1_000,
      allowAutoTopicCreation: false,
      // kafkajs restarts a crashed consumer; not once it is being stopped.
      retry: { restartOnFailure: async () => !this.stopping },
    });
    this.consumer = consumer;
    this.state = 'starting';
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.state = 'running';
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.stopping) return;
      this.lastError = String(payload.error);
      this.state = payload.restart ? 'starting' : 'crashed';
      this.options.logger?.error(
        `Consumer of ${topic} crashed${payload.restart ? ', restarting' : ''}: ${this.lastError}`,
      );
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: this.options.fromBeginning ?? true });
    consumer
      .run({
        autoCommit: true,
        // With auto-resolve off, only offsets resolved after durable work exist to commit.
        autoCommitThreshold: 1,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.eachBatch(payload),
      })
      .catch((error: unknown) => {
        this.lastError = String(error);
        if (!this.stopping) this.options.logger?.error(`Consumer of ${topic} failed to run: ${this.lastError}`);
      });
  }

  /**
   * Leaves the group after the chunk in flight is committed; unfinished messages stay uncommitted.
   * A consumer still joining holds nothing to commit, and its join can wait for the session of a
   * crashed member to time out (30 s after a SIGKILLed replica): it is not waited for longer than
   * {@link JOINING_STOP_MS}; the broker drops it when its own session ends.
   */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    const joining = this.state !== 'running';
    this.stopping = true;
    const disconnected = consumer.disconnect();
    if (joining) await Promise.race([disconnected.catch(() => undefined), sleep(JOINING_STOP_MS)]);
    else await disconnected;
    this.consumer = undefined;
    this.state = 'stopped';
  }

  status(): BatchConsumerStatus {
    const partitions = [...this.positions]
      .sort(([a], [b]) => a - b)
      .map(([partition, { highWatermark, next }]) => ({
        partition,
        next: next.toString(),
        lag: Number(highWatermark > next ? highWatermark - next : 0n),
      }));
    return {
      topic: this.options.topic,
      groupId: this.options.groupId,
      state: this.state,
      lag: partitions.reduce((sum, p) => sum + p.lag, 0),
      partitions,
      retrying: this.retrying,
      lastError: this.lastError,
    };
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    this.state = 'running';
    this.positions.set(batch.partition, {
      highWatermark: BigInt(batch.highWatermark),
      next: BigInt(batch.firstOffset() ?? batch.highWatermark),
    });
    for (let start = 0; start < batch.messages.length; start += this.maxChunk) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + this.maxChunk);
      const done = await this.processWithRetry(batch, chunk, payload);
      if (!done) return;
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      await commitOffsetsIfNecessary();
      this.positions.set(batch.partition, { highWatermark: BigInt(batch.highWatermark), next: BigInt(last) + 1n });
      this.options.observer?.received(batch.topic, chunk.length);
    }
  }

  /** True when the chunk's work is done; false when the consumer stops before it could be. */
  private async processWithRetry(
    batch: Batch,
    chunk: readonly KafkaMessage[],
    { heartbeat, isRunning, isStale }: EachBatchPayload,
  ): Promise<boolean> {
    // kafkajs says "stop" through polled predicates; the retry policy listens to a signal.
    const stop = new AbortController();
    const watch = setInterval(() => (!isRunning() || isStale()) && stop.abort(), STOP_POLL_MS);
    try {
      const outcome = await retryUntilDone(
        async (attempt) => {
          // Keeps the partition assigned while the chunk waits; a rebalance throws and ends the batch.
          if (attempt > 1) await heartbeat().catch((error: unknown) => Promise.reject(new HeartbeatFailed(error)));
          await this.process(batch, chunk);
        },
        {
          policy: this.options.backoff ?? { initialMs: 100, maxMs: 5_000 },
          signal: stop.signal,
          isFatal: (error) => error instanceof HeartbeatFailed,
          onRetry: ({ error, delayMs }) => {
            this.retrying = true;
            this.lastError = error instanceof Error ? error.message : String(error);
            this.options.logger?.warn(
              `${batch.topic}[${batch.partition}] offsets ${chunk[0].offset}-${chunk[chunk.length - 1].offset} failed, ` +
                `retrying in ${delayMs} ms: ${this.lastError}`,
            );
          },
        },
      );
      if (outcome === 'stopped') return false;
      this.retrying = false;
      this.lastError = undefined;
      return true;
    } catch (error) {
      throw error instanceof HeartbeatFailed ? error.cause : error;
    } finally {
      clearInterval(watch);
    }
  }

  private async process(batch: Batch, chunk: readonly KafkaMessage[]): Promise<void> {
    const now = this.now();
    const letters: OutboundMessage[] = [];
    const reasons: DeadLetterReason[] = [];
    const accepted: ConsumedMessage[] = [];
    for (const message of chunk) {
      const origin = originOf(batch, message);
      const decoded = decodeJsonObject(message.value, this.maxBytes);
      if (decoded.ok) {
        accepted.push({ origin, value: decoded.value, text: decoded.text });
      } else {
        letters.push(this.letter(origin, decoded.text, decoded, now, decoded.reason === 'TOO_LARGE'));
        reasons.push(decoded.reason);
      }
    }
    const outcome: BatchOutcome = accepted.length ? await this.options.handle(accepted) : {};
    for (const refusal of outcome.deadLetters ?? []) {
      const message = accepted[refusal.index];
      letters.push(this.letter(message.origin, message.text, refusal, now, false));
      reasons.push(refusal.reason);
    }
    await this.options.publisher.publish([...(outcome.outputs ?? []), ...letters]);
    for (const reason of reasons) this.options.observer?.deadLettered(batch.topic, reason, 1);
    if (letters.length) {
      this.options.logger?.warn(
        `${batch.topic}[${batch.partition}]: ${letters.length} message(s) sent to ${this.options.deadLetterTopic} (${[
          ...new Set(reasons),
        ].join(', ')})`,
      );
    }
  }

  private letter(
    origin: MessageOrigin,
    text: string | null,
    refusal: { reason: DeadLetterReason; message: string; errors?: DeadLetterProblem[] },
    now: Date,
    truncated: boolean,
  ): OutboundMessage {
    return {
      topic: this.options.deadLetterTopic,
      key: origin.key,
      value: JSON.stringify(deadLetter(origin, text, refusal, now, truncated)),
      headers: { 'content-type': 'application/json' },
    };
  }
}

/** A heartbeat refused while a chunk waited (a rebalance): kafkajs must see its own error. */
class HeartbeatFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(String(cause));
  }
}

function originOf(batch: Batch, message: KafkaMessage): MessageOrigin {
  return {
    topic: batch.topic,
    partition: batch.partition,
    offset: message.offset,
    key: message.key === null || message.key === undefined ? null : message.key.toString('utf8'),
    timestamp: message.timestamp,
  };
}
