import type { OutboundMessage } from '../outbound-message';
import type { KafkaConnection } from './kafka-client';

/** What the producer thread is started with. */
export interface ProducerThreadData {
  connection: KafkaConnection;
  /** Forward kafkajs log lines to the parent's logger (off: the thread logs nothing). */
  log: boolean;
}

/** Parent to producer thread. */
export type ToProducerThread = PublishRequest | { type: 'stop' };

export interface PublishRequest {
  type: 'publish';
  id: number;
  messages: MessageColumns;
  /** Requests of one sequence are sent one after another, in the order they arrive. */
  sequence?: number;
}

/** Producer thread to parent. */
export type FromProducerThread =
  | { type: 'ready' }
  | { type: 'startFailed'; error: string }
  | { type: 'published'; id: number }
  | { type: 'failed'; id: number; error: string }
  | { type: 'log'; level: 'log' | 'warn' | 'error' | 'debug'; message: string }
  | { type: 'stopped' };

/**
 * Messages as they are posted to the thread: in columns, topics and header sets listed once.
 * Copying a few arrays of strings costs the posting thread about a fifth of copying one object
 * (with its headers object) per message.
 */
export interface MessageColumns {
  topics: string[];
  headerSets: (Record<string, string> | undefined)[];
  /** Per message: index in `topics`. */
  topic: number[];
  /** Per message: index in `headerSets`. */
  headers: number[];
  keys: (string | null)[];
  values: string[];
}

export function toColumns(messages: readonly OutboundMessage[]): MessageColumns {
  const topicIndex = new Map<string, number>();
  // Header sets are told apart by identity: a route that shares one object (CloudEvents) lists it once.
  const headerIndex = new Map<Record<string, string> | undefined, number>();
  const columns: MessageColumns = { topics: [], headerSets: [], topic: [], headers: [], keys: [], values: [] };
  for (const m of messages) {
    let t = topicIndex.get(m.topic);
    if (t === undefined) topicIndex.set(m.topic, (t = columns.topics.push(m.topic) - 1));
    let h = headerIndex.get(m.headers);
    if (h === undefined) headerIndex.set(m.headers, (h = columns.headerSets.push(m.headers) - 1));
    columns.topic.push(t);
    columns.headers.push(h);
    columns.keys.push(m.key);
    columns.values.push(m.value);
  }
  return columns;
}

export function fromColumns(columns: MessageColumns): OutboundMessage[] {
  return columns.values.map((value, i) => ({
    topic: columns.topics[columns.topic[i]],
    key: columns.keys[i],
    value,
    headers: columns.headerSets[columns.headers[i]],
  }));
}
