/**
 * The body of the producer thread started by {@link ThreadedKafkaPublisher}: one kafkajs producer
 * that publishes what the parent sends and answers each request once the broker acknowledged it.
 * Encoding a produce request (record batches, CRC32C in JavaScript) costs kafkajs about 20 µs of
 * CPU per message, which is why it runs here and not on the thread that runs the engine.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagingLogger, OutboundMessage } from '../outbound-message';
import { createKafka, createProducer, KafkaPublisher } from './kafka-client';
import {
  fromColumns,
  type FromProducerThread,
  type ProducerThreadData,
  type ToProducerThread,
} from './producer-protocol';

const port = parentPort;
if (!port) throw new Error('producer-worker runs only as a worker thread');
const data = workerData as ProducerThreadData;
const send = (message: FromProducerThread) => port.postMessage(message);

const logger: MessagingLogger | undefined = data.log
  ? {
      log: (message) => send({ type: 'log', level: 'log', message }),
      warn: (message) => send({ type: 'log', level: 'warn', message }),
      error: (message) => send({ type: 'log', level: 'error', message }),
      debug: (message) => send({ type: 'log', level: 'debug', message }),
    }
  : undefined;

const producer = createProducer(createKafka(data.connection, logger));
const publisher = new KafkaPublisher(producer);
const pending = new Set<Promise<void>>();
/** Per sequence: the last request queued, and why the sequence failed (its later requests fail unsent). */
const sequences = new Map<number, { tail: Promise<void>; failed?: string }>();

port.on('message', (message: ToProducerThread) => {
  if (message.type === 'stop') void stop();
  else if (message.sequence === undefined) track(publish(message.id, fromColumns(message.messages)));
  else track(publishInSequence(message.sequence, message.id, fromColumns(message.messages)));
});

producer.connect().then(
  () => send({ type: 'ready' }),
  (error: unknown) => send({ type: 'startFailed', error: describe(error) }),
);

/** Requests outside a sequence run concurrently, as calls on one producer do. Never rejects; resolves to the error. */
async function publish(id: number, messages: readonly OutboundMessage[]): Promise<string | undefined> {
  try {
    await publisher.publish(messages);
    send({ type: 'published', id });
    return undefined;
  } catch (error) {
    send({ type: 'failed', id, error: describe(error) });
    return describe(error);
  }
}

/**
 * Starts the next request of a sequence as soon as the previous one is acknowledged, without a
 * round trip to the parent thread (which may be busy for tens of milliseconds).
 */
function publishInSequence(sequence: number, id: number, messages: readonly OutboundMessage[]): Promise<void> {
  const state = sequences.get(sequence) ?? { tail: Promise.resolve() };
  sequences.set(sequence, state);
  const work = state.tail.then(async () => {
    if (state.failed !== undefined) {
      send({ type: 'failed', id, error: `An earlier publish of this sequence failed: ${state.failed}` });
    } else {
      state.failed = await publish(id, messages);
    }
    // A drained sequence that never failed needs no state: a later request has nothing to wait for.
    if (state.tail === work && state.failed === undefined) sequences.delete(sequence);
  });
  state.tail = work;
  return work;
}

function track(work: Promise<unknown>): void {
  const done = work.then(() => undefined);
  pending.add(done);
  void done.finally(() => pending.delete(done));
}

/** Lets the requests in flight finish (the parent bounds the wait), then leaves. */
async function stop(): Promise<void> {
  await Promise.all(pending);
  await producer.disconnect().catch(() => undefined);
  send({ type: 'stopped' });
  port!.close();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
