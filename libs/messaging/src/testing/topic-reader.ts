import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';

/** A message as a test reads it back: value parsed as JSON when it is JSON. */
export interface ReadMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** The parsed JSON value, or the raw text when it is not JSON. */
  value: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Record<string, string>;
}

/**
 * Reads topics from the beginning in a group of its own and keeps every message, so a test can
 * wait for what it expects to arrive (never for a fixed time).
 */
export class TopicReader {
  readonly messages: ReadMessage[] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async open(kafka: Kafka, topics: string[]): Promise<TopicReader> {
    const consumer = kafka.consumer({
      groupId: `test-reader-${process.pid}-${randomBytes(6).toString('hex')}`,
      maxWaitTimeInMs: 200,
    });
    const reader = new TopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const text = message.value?.toString('utf8') ?? null;
        let value: unknown = text;
        try {
          value = text === null ? null : JSON.parse(text);
        } catch {
          // Keep the raw text.
        }
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [
            k,
            Buffer.isBuffer(v) ? v.toString('utf8') : String(v),
          ]),
        );
        reader.messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value,
          headers,
        });
        const waiters = reader.waiters;
        reader.waiters = [];
        for (const wake of waiters) wake();
      },
    });
    return reader;
  }

  on(topic: string): ReadMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  /** Resolves with the messages once `accept` holds for them; rejects after `timeoutMs`. */
  async waitFor(
    accept: (messages: ReadMessage[]) => boolean,
    timeoutMs = 15_000,
    describe = 'expected messages',
  ): Promise<ReadMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (!accept(this.messages)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `${describe} did not arrive within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 2_000)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages;
  }

  close(): Promise<void> {
    return this.consumer.disconnect();
  }
}
