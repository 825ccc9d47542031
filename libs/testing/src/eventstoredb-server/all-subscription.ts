import { randomUUID } from 'node:crypto';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { EventFilter } from './event-filter';
import type { LogRecord, TransactionLog } from './transaction-log';
import { checkpointMessage, readEvent, type ProtocolError } from './wire';

/** The response side of a subscription call, with the transport's backpressure. */
export interface SubscriptionSink {
  /** False when the transport's buffer is full: wait for {@link drained} before writing more. */
  write(response: ReadResp): boolean;
  drained(): Promise<void>;
  end(): void;
  fail(error: ProtocolError): void;
}

export interface AllSubscriptionOptions {
  /** Exclusive start: 'start', 'end' (the last record), or a position. */
  from: bigint | 'start' | 'end';
  filter?: EventFilter;
  structuredIds: boolean;
  /** Live events buffered for a slow reader before the subscription falls behind (the server's 32). */
  liveBufferSize: number;
  /** Send fell-behind when it does (EventStoreDB 23.10 does; KurrentDB 25 keeps it to itself). */
  sendFellBehind: boolean;
}

/** Events read per catch-up page of an unfiltered subscription (the server's read batch). */
const READ_BATCH = 32;

/**
 * A subscription to `$all` as the server runs one: a confirmation, then catch-up reads in pages,
 * a checkpoint (filtered subscriptions) and caught-up on reaching the end of the log, then live
 * events from a bounded buffer. A reader too slow for the buffer makes the subscription fall behind
 * and catch up from the log again. A filtered subscription counts the events it considers (matching
 * or not) and sends a checkpoint every `checkpointInterval` of them: the position up to which
 * everything was considered, with or without events to deliver.
 */
export class AllSubscription {
  readonly id = randomUUID();
  /** Position of the last record considered; everything up to it was delivered or filtered out. */
  private cursor: bigint;
  private considered = 0;
  private live: LogRecord[] = [];
  private overflowed = false;
  private stopListening: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(
    private readonly log: TransactionLog,
    private readonly sink: SubscriptionSink,
    private readonly options: AllSubscriptionOptions,
  ) {
    const from = options.from;
    this.cursor = from === 'start' ? -1n : from === 'end' ? (log.all.at(-1)?.position ?? -1n) : from;
  }

  /** Runs until the client cancels or {@link end} is called. */
  async run(): Promise<void> {
    const confirmation = new ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(this.id);
    const response = new ReadResp();
    response.setConfirmation(confirmation);
    this.sink.write(response);
    while (!this.ended) {
      await this.catchUp();
      if (this.ended) return;
      if (this.options.filter) this.sink.write(checkpointMessage(this.cursor));
      this.sink.write(signal('caughtUp'));
      await this.followLive();
      if (this.ended) return;
      if (this.options.sendFellBehind) this.sink.write(signal('fellBehind'));
      if (this.options.filter) this.sink.write(checkpointMessage(this.cursor));
    }
  }

  /** Ends the call: with an error (as a dropped subscription), or cleanly. */
  end(error?: ProtocolError): void {
    if (this.ended) return;
    this.ended = true;
    this.stopListening?.();
    this.wake?.();
    if (error) this.sink.fail(error);
    else this.sink.end();
  }

  /** Stops without touching the call (the client cancelled it). */
  cancelled(): void {
    this.ended = true;
    this.stopListening?.();
    this.wake?.();
  }

  /** Reads the log after the cursor page by page; on reaching its end, starts listening in the same step. */
  private async catchUp(): Promise<void> {
    const page = this.options.filter?.maxSearchWindow ?? READ_BATCH;
    let index = this.log.indexAtOrAfter(this.cursor + 1n);
    while (!this.ended) {
      const records = this.log.all;
      if (index >= records.length) {
        this.live = [];
        this.overflowed = false;
        this.stopListening = this.log.onAppended((appended) => this.onLive(appended));
        return;
      }
      const end = Math.min(records.length, index + page);
      for (; index < end && !this.ended; index++) await this.consider(records[index], false);
      this.pageCheckpoint();
    }
  }

  private async followLive(): Promise<void> {
    while (!this.ended) {
      if (this.overflowed) {
        this.stopListening?.();
        this.stopListening = undefined;
        this.live = [];
        return;
      }
      const next = this.live.shift();
      if (next) await this.consider(next, true);
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private onLive(records: readonly LogRecord[]): void {
    this.live.push(...records);
    if (this.live.length > this.options.liveBufferSize) this.overflowed = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async consider(record: LogRecord, live: boolean): Promise<void> {
    if (record.position <= this.cursor) return;
    this.cursor = record.position;
    const filter = this.options.filter;
    if (!filter || filter.matches(record)) {
      if (!this.sink.write(readEvent(record, this.options.structuredIds))) await this.sink.drained();
    }
    if (!filter) return;
    this.considered++;
    if (live && this.considered >= filter.checkpointInterval) {
      this.considered = 0;
      this.sink.write(checkpointMessage(this.cursor));
    }
  }

  /** Catch-up counts per page, as the server does: a checkpoint once a page reaches the interval. */
  private pageCheckpoint(): void {
    const filter = this.options.filter;
    if (!filter || this.considered < filter.checkpointInterval) return;
    this.considered %= filter.checkpointInterval;
    this.sink.write(checkpointMessage(this.cursor));
  }
}

/** Caught-up and fell-behind carry nothing in the protocol version of client 6.2.1. */
function signal(kind: 'caughtUp' | 'fellBehind'): ReadResp {
  const response = new ReadResp();
  if (kind === 'caughtUp') response.setCaughtUp(new ReadResp.CaughtUp());
  else response.setFellBehind(new ReadResp.FellBehind());
  return response;
}
