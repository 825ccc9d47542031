/** One message to publish: UTF-8 JSON text with its key (CONTRACT section 4: keys and values are UTF-8). */
export interface OutboundMessage {
  topic: string;
  key: string | null;
  value: string;
  headers?: Record<string, string>;
}

/**
 * Publishes messages and resolves only once the broker has acknowledged every one of them
 * (Kafka: acks from all in-sync replicas). A rejection means none may be assumed published.
 */
export interface MessagePublisher {
  publish(messages: readonly OutboundMessage[]): Promise<void>;
  /**
   * A publisher whose calls are sent one after another in call order, so that a caller can make
   * the next call before the previous one resolved (pipelining) and still keep the order per key.
   * Once a call fails, every later call of the sequence fails unsent. Optional: {@link inSequence}
   * builds one for any publisher.
   */
  sequence?(): MessagePublisher;
}

/**
 * Calls of `publisher` one after another in call order; after a failure the later calls fail
 * unsent. The next call starts only when this thread sees the previous one resolve, so a publisher
 * that can queue calls where it sends them (`sequence()`) keeps the broker busier.
 */
export function inSequence(publisher: MessagePublisher): MessagePublisher {
  let tail: Promise<void> = Promise.resolve();
  return {
    publish(messages) {
      tail = tail.then(() => publisher.publish(messages));
      return tail;
    },
  };
}

/** Counters the Kafka pieces report to; the service turns them into `/metrics`. */
export interface MessagingObserver {
  /** Messages consumed and committed from `topic`. */
  received(topic: string, count: number): void;
  /** Messages acknowledged by the broker on `topic`. */
  published(topic: string, count: number): void;
  /** Messages from `topic` moved to the dead-letter topic, by reason. */
  deadLettered(topic: string, reason: string, count: number): void;
}

/** Where the library logs; Nest's Logger fits it. */
export interface MessagingLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}
