import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '@journeys/event-store/module-worker';
import type { MessagePublisher, MessagingLogger, MessagingObserver, OutboundMessage } from '../outbound-message';
import type { KafkaConnection } from './kafka-client';
import {
  toColumns,
  type FromProducerThread,
  type ProducerThreadData,
  type ToProducerThread,
} from './producer-protocol';

export interface ThreadedPublisherOptions {
  connection: KafkaConnection;
  observer?: MessagingObserver;
  logger?: MessagingLogger;
  /** How long `stop()` waits for the publishes in flight before ending the thread (default 10 s). */
  stopTimeoutMs?: number;
}

interface Pending {
  resolve(): void;
  reject(error: Error): void;
  /** Messages per topic, counted as published once the broker acknowledged. */
  counts: Map<string, number>;
  sequence?: number;
}

/**
 * A {@link MessagePublisher} whose kafkajs producer runs in a worker thread, so that encoding produce
 * requests (the largest Kafka cost, ~20 µs per message) does not take turns with the engine on the
 * main thread; handing a message over costs well under 1 µs. Same guarantees as `KafkaPublisher`:
 * `publish` resolves once the broker acknowledged every message (acks -1), a rejection means none
 * may be assumed published. A thread that dies fails what it had and is restarted on the next call.
 */
export class ThreadedKafkaPublisher implements MessagePublisher {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private stopping = false;
  private nextId = 1;
  private nextSequence = 1;
  private readonly pending = new Map<number, Pending>();
  /** Sequences with a failed call: their later calls fail unsent (a handful of ids, one per failure). */
  private readonly failedSequences = new Set<number>();

  constructor(private readonly options: ThreadedPublisherOptions) {}

  /** Starts the thread and connects its producer; rejects when the broker cannot be reached. */
  async start(): Promise<void> {
    this.stopping = false;
    await this.ensureWorker();
  }

  publish(messages: readonly OutboundMessage[]): Promise<void> {
    return this.send(messages);
  }

  /**
   * Calls queued in the producer thread, which sends each one as soon as the previous one is
   * acknowledged, without waiting for this thread (busy with the engine for tens of ms at a time).
   */
  sequence(): MessagePublisher {
    const sequence = this.nextSequence++;
    return { publish: (messages) => this.send(messages, sequence) };
  }

  /** Posts the messages to the thread and resolves once the broker acknowledged them. */
  private async send(messages: readonly OutboundMessage[], sequence?: number): Promise<void> {
    if (!messages.length) return;
    try {
      if (this.stopping) throw new Error('The publisher is stopped');
      // Calls of one sequence get here in call order: they await the same start-up in turn.
      const worker = await this.ensureWorker();
      if (this.worker !== worker) throw new Error('The Kafka producer thread exited');
      if (sequence !== undefined && this.failedSequences.has(sequence)) {
        throw new Error('An earlier publish of this sequence failed');
      }
      const id = this.nextId++;
      const counts = new Map<string, number>();
      for (const { topic } of messages) counts.set(topic, (counts.get(topic) ?? 0) + 1);
      const acknowledged = new Promise<void>((resolve, reject) =>
        this.pending.set(id, { resolve, reject, counts, sequence }),
      );
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ type: 'publish', id, messages: toColumns(messages), sequence } satisfies ToProducerThread);
      await acknowledged;
    } catch (error) {
      // Marked at once, so a later call of the sequence never goes out ahead of a resend of this one.
      if (sequence !== undefined) this.failedSequences.add(sequence);
      throw error;
    }
  }

  /** Lets the publishes in flight be acknowledged (bounded by `stopTimeoutMs`), disconnects, ends the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    const worker = await this.starting?.catch(() => undefined);
    if (!worker) return;
    const stopped = new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.on('message', (message: FromProducerThread) => message.type === 'stopped' && resolve());
    });
    worker.postMessage({ type: 'stop' } satisfies ToProducerThread);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.stopTimeoutMs ?? 10_000)));
    await Promise.race([stopped, timeout]).finally(() => clearTimeout(timer));
    await worker.terminate();
  }

  private ensureWorker(): Promise<Worker> {
    this.starting ??= this.spawn().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private spawn(): Promise<Worker> {
    const data: ProducerThreadData = { connection: this.options.connection, log: this.options.logger !== undefined };
    const worker = startModuleWorker(__dirname, 'producer-worker', { workerData: data, stdout: false, stderr: false });
    this.worker = worker;
    // Idle, the thread does not keep the process alive (the service stops it on shutdown); with
    // publishes in flight it does, so that a process never ends before its acknowledgements.
    worker.unref();
    return new Promise<Worker>((resolve, reject) => {
      worker.on('message', (message: FromProducerThread) => {
        if (message.type === 'ready') resolve(worker);
        else if (message.type === 'startFailed') {
          reject(new Error(message.error));
          void worker.terminate();
        } else this.onMessage(message);
      });
      worker.on('error', (error) => {
        this.options.logger?.error(`Kafka producer thread failed: ${error.message}`);
        reject(error);
      });
      worker.on('exit', (code) => {
        this.onExit(worker, code);
        reject(new Error(`Kafka producer thread exited (code ${code}) before it was ready`));
      });
    });
  }

  private onMessage(message: FromProducerThread): void {
    if (message.type === 'published' || message.type === 'failed') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) this.worker?.unref();
      if (message.type === 'failed') this.fail(pending, new Error(message.error));
      else {
        for (const [topic, count] of pending.counts) this.options.observer?.published(topic, count);
        pending.resolve();
      }
    } else if (message.type === 'log') {
      const { logger } = this.options;
      if (message.level === 'debug') logger?.debug?.(message.message);
      else logger?.[message.level](message.message);
    }
  }

  /** Whatever the thread had in flight is failed (the callers resend); the next publish starts a new one. */
  private onExit(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.starting = undefined;
    const error = new Error(`Kafka producer thread exited (code ${code})`);
    for (const pending of this.pending.values()) this.fail(pending, error);
    this.pending.clear();
  }

  private fail(pending: Pending, error: Error): void {
    if (pending.sequence !== undefined) this.failedSequences.add(pending.sequence);
    pending.reject(error);
  }
}
