import type { OutboundMessage } from '../outbound-message';
import type { KafkaConnection } from './kafka-client';

/** What the producer thread is started with. */
export interface ProducerThreadData {
  connection: KafkaConnection;
  /** Forward kafkajs log lines to the parent's logger (off: the thread logs nothing). */
  log: boolean;
}

/** Parent to producer thread. */
export type ToProducerThread =
  /** `sequence`: requests of one sequence are sent one after another, in the order they arrive. */
  { type: 'publish'; id: number; messages: readonly OutboundMessage[]; sequence?: number } | { type: 'stop' };

/** Producer thread to parent. */
export type FromProducerThread =
  | { type: 'ready' }
  | { type: 'startFailed'; error: string }
  | { type: 'published'; id: number }
  | { type: 'failed'; id: number; error: string }
  | { type: 'log'; level: 'log' | 'warn' | 'error' | 'debug'; message: string }
  | { type: 'stopped' };
