import {
  status,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { Empty, UUID } from '@eventstore/db-client/generated/shared_pb';
import {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  DeleteReq,
  DeleteResp,
  ReadReq,
  ReadResp,
  TombstoneReq,
  TombstoneResp,
} from '@eventstore/db-client/generated/streams_pb';
import { AllSubscription } from './all-subscription';
import type { ExpectedVersion } from './commit-check';
import { FilterError, filterOf } from './event-filter';
import type { AppendOutcome, LogRecord, ProposedEvent, TransactionLog } from './transaction-log';
import {
  allFrom,
  allPosition,
  batchStatus,
  expectedOf,
  invalidPosition,
  maxAppendSizeExceeded,
  ProtocolError,
  proposedEvent,
  readEvent,
  streamDeleted,
  streamIdentifier,
  streamNameOf,
} from './wire';

export interface StreamsServiceOptions {
  /** Largest append in bytes (data, metadata and type of its events); EventStoreDB's default is 1 MiB. */
  maxAppendSize: number;
  /** How long each append waits before it is written (simulates a slow server; deadlines then bite). */
  appendLatencyMs: () => number;
  liveBufferSize: number;
  sendFellBehind: boolean;
}

/** The subscriptions running, so the server can drop them. */
export type SubscriptionRegistry = Set<AllSubscription>;

/** `event_store.client.streams.Streams`, as far as the test server implements it (see README). */
export function streamsService(
  log: TransactionLog,
  subscriptions: SubscriptionRegistry,
  options: StreamsServiceOptions,
): UntypedServiceImplementation {
  return {
    read: (call: ServerWritableStream<ReadReq, ReadResp>) => {
      read(log, subscriptions, options, call).catch((error: unknown) => call.emit('error', asProtocolError(error)));
    },
    append: (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) => {
      append(log, options, call).then(
        (response) => callback(null, response),
        (error: unknown) => callback(asProtocolError(error)),
      );
    },
    batchAppend: (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => batchAppend(log, options, call),
    delete: (call: ServerUnaryCall<DeleteReq, DeleteResp>, callback: sendUnaryData<DeleteResp>) => {
      const request = call.request.getOptions();
      const name = streamNameOf(request?.getStreamIdentifier());
      const expected = deleteExpected(request);
      const outcome = log.softDelete(name, expected);
      respondToDelete('Delete', name, expected, outcome, new DeleteResp(), new DeleteResp.Position(), callback);
    },
    tombstone: (call: ServerUnaryCall<TombstoneReq, TombstoneResp>, callback: sendUnaryData<TombstoneResp>) => {
      const request = call.request.getOptions();
      const name = streamNameOf(request?.getStreamIdentifier());
      const expected = deleteExpected(request);
      const outcome = log.tombstone(name, expected);
      respondToDelete(
        'Tombstone',
        name,
        expected,
        outcome,
        new TombstoneResp(),
        new TombstoneResp.Position(),
        callback,
      );
    },
  };
}

async function read(
  log: TransactionLog,
  subscriptions: SubscriptionRegistry,
  options: StreamsServiceOptions,
  call: ServerWritableStream<ReadReq, ReadResp>,
): Promise<void> {
  const request = call.request.getOptions();
  if (!request) throw new ProtocolError(status.INVALID_ARGUMENT, "'options' is a required argument");
  const Options = ReadReq.Options;
  const structuredIds = request.getUuidOption()?.getContentCase() === Options.UUIDOption.ContentCase.STRUCTURED;
  const isAll = request.getStreamOptionCase() === Options.StreamOptionCase.ALL;
  const direction = request.getReadDirection() === Options.ReadDirection.BACKWARDS ? 'backwards' : 'forwards';

  if (request.getCountOptionCase() === Options.CountOptionCase.SUBSCRIPTION) {
    if (!isAll) throw notImplemented('subscriptions to a single stream');
    if (direction === 'backwards') throw new ProtocolError(status.INVALID_ARGUMENT, 'A subscription reads forwards');
    let filter;
    try {
      filter = filterOf(request);
    } catch (error) {
      if (error instanceof FilterError) throw new ProtocolError(status.INVALID_ARGUMENT, error.message);
      throw error;
    }
    const from = allFrom(request);
    if (typeof from === 'bigint' && log.readAll(from, 'forwards', 0) === undefined) throw invalidPosition();
    const subscription = new AllSubscription(log, callSink(call), {
      from,
      filter,
      structuredIds,
      liveBufferSize: options.liveBufferSize,
      sendFellBehind: options.sendFellBehind,
    });
    subscriptions.add(subscription);
    call.on('cancelled', () => subscription.cancelled());
    try {
      await subscription.run();
    } finally {
      subscriptions.delete(subscription);
    }
    return;
  }

  if (request.getFilterOptionCase() === Options.FilterOptionCase.FILTER) throw notImplemented('filtered reads');
  const maxCount = Number(request.getCount());
  if (isAll) {
    const records = log.readAll(allFrom(request), direction, maxCount);
    if (!records) throw invalidPosition();
    await writeAll(call, records, structuredIds);
    return;
  }
  const streamOptions = request.getStream();
  const name = streamNameOf(streamOptions?.getStreamIdentifier());
  const RevisionCase = Options.StreamOptions.RevisionOptionCase;
  const revisionCase = streamOptions?.getRevisionOptionCase();
  const from =
    revisionCase === RevisionCase.REVISION
      ? Number(streamOptions?.getRevision())
      : revisionCase === RevisionCase.END
        ? 'end'
        : 'start';
  const result = log.readStream(name, from, direction, maxCount);
  if (result.kind === 'deleted') throw streamDeleted(name);
  if (result.kind === 'not-found') {
    const notFound = new ReadResp.StreamNotFound();
    notFound.setStreamIdentifier(streamIdentifier(name));
    const response = new ReadResp();
    response.setStreamNotFound(notFound);
    call.write(response);
    call.end();
    return;
  }
  await writeAll(call, result.records, structuredIds);
}

async function writeAll(
  call: ServerWritableStream<ReadReq, ReadResp>,
  records: readonly LogRecord[],
  structuredIds: boolean,
): Promise<void> {
  const sink = callSink(call);
  for (const record of records) {
    if (call.cancelled) return;
    if (!sink.write(readEvent(record, structuredIds))) await sink.drained();
  }
  call.end();
}

function callSink(call: ServerWritableStream<ReadReq, ReadResp>) {
  return {
    write: (response: ReadResp) => !call.cancelled && call.write(response),
    drained: () =>
      new Promise<void>((resolve) => {
        if (call.cancelled) return resolve();
        const done = () => {
          call.off('drain', done);
          call.off('cancelled', done);
          resolve();
        };
        call.on('drain', done);
        call.on('cancelled', done);
      }),
    end: () => call.end(),
    fail: (error: ProtocolError) => call.emit('error', error),
  };
}

async function append(
  log: TransactionLog,
  options: StreamsServiceOptions,
  call: ServerReadableStream<AppendReq, AppendResp>,
): Promise<AppendResp> {
  let name: string | undefined;
  let expected: ExpectedVersion | undefined;
  const events: ProposedEvent[] = [];
  let size = 0;
  for await (const message of call as AsyncIterable<AppendReq>) {
    if (message.getContentCase() === AppendReq.ContentCase.OPTIONS) {
      const header = message.getOptions();
      name = streamNameOf(header?.getStreamIdentifier());
      const Case = AppendReq.Options.ExpectedStreamRevisionCase;
      const kind = header?.getExpectedStreamRevisionCase();
      expected = expectedOf(header?.getRevision(), expectedKind(kind, Case));
      continue;
    }
    const proposed = message.getProposedMessage();
    if (!proposed || name === undefined) throw new ProtocolError(status.INVALID_ARGUMENT, 'Options must come first');
    const event = proposedEvent(proposed);
    size += eventSize(event);
    if (size > options.maxAppendSize) throw maxAppendSizeExceeded(options.maxAppendSize);
    events.push(event);
  }
  if (name === undefined || !expected) throw new ProtocolError(status.INVALID_ARGUMENT, 'An append needs options');
  const latency = options.appendLatencyMs();
  if (latency > 0) await delay(latency);
  const outcome = log.append(name, expected, events);
  if (outcome.kind === 'stream-deleted') throw streamDeleted(name);
  const response = new AppendResp();
  if (outcome.kind === 'wrong-expected-version') {
    response.setWrongExpectedVersion(appendWrongExpectedVersion(outcome.current, expected));
    return response;
  }
  const success = new AppendResp.Success();
  const { revision, position } = outcomeSummary(outcome);
  if (revision < 0) success.setNoStream(new Empty());
  else success.setCurrentRevision(String(revision));
  if (position < 0n) success.setNoPosition(new Empty());
  else {
    const at = new AppendResp.Position();
    at.setCommitPosition(position.toString());
    at.setPreparePosition(position.toString());
    success.setPosition(at);
  }
  response.setSuccess(success);
  return response;
}

/** The body of a conflicting Append, with the current and the 20.6.0 fields as the server fills them. */
function appendWrongExpectedVersion(
  current: number | 'no_stream',
  expected: ExpectedVersion,
): AppendResp.WrongExpectedVersion {
  const body = new AppendResp.WrongExpectedVersion();
  if (expected.kind === 'any') {
    body.setExpectedAny(new Empty());
    body.setAny2060(new Empty());
  } else if (expected.kind === 'stream_exists') {
    body.setExpectedStreamExists(new Empty());
    body.setStreamExists2060(new Empty());
  } else if (expected.kind === 'no_stream') {
    body.setExpectedNoStream(new Empty());
  } else {
    body.setExpectedRevision(String(expected.revision));
    body.setExpectedRevision2060(expected.revision);
  }
  if (current === 'no_stream') {
    body.setCurrentNoStream(new Empty());
    body.setNoStream2060(new Empty());
  } else {
    body.setCurrentRevision(String(current));
    body.setCurrentRevision2060(current);
  }
  return body;
}

interface PendingBatch {
  correlationId: UUID | undefined;
  name: string;
  expected: ExpectedVersion;
  deadline: number;
  events: ProposedEvent[];
  size: number;
}

/**
 * BatchAppend: many appends over one bidirectional call, each identified by its correlation id,
 * split over several requests until `is_final`. Each append is answered on its own; an append
 * not written by its deadline is answered with Timeout (and may still be written afterwards, as
 * on the server).
 */
function batchAppend(
  log: TransactionLog,
  options: StreamsServiceOptions,
  call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>,
): void {
  const pending = new Map<string, PendingBatch>();
  const inFlight = new Set<Promise<void>>();
  const respond = (batch: Pick<PendingBatch, 'correlationId' | 'name'>, fill: (r: BatchAppendResp) => void) => {
    if (call.cancelled || call.writableEnded) return;
    const response = new BatchAppendResp();
    response.setCorrelationId(batch.correlationId);
    response.setStreamIdentifier(streamIdentifier(batch.name));
    fill(response);
    call.write(response);
  };

  call.on('data', (request: BatchAppendReq) => {
    const key = request.getCorrelationId()?.serializeBinary().toString() ?? '';
    const header = request.getOptions();
    if (header) {
      const Case = BatchAppendReq.Options.ExpectedStreamPositionCase;
      const kind = header.getExpectedStreamPositionCase();
      const name = streamNameOf(header.getStreamIdentifier());
      const deadline = header.getDeadline()?.toDate().getTime() ?? Number.POSITIVE_INFINITY;
      try {
        const expected = expectedOf(header.getStreamPosition(), batchExpectedKind(kind, Case));
        pending.set(key, { correlationId: request.getCorrelationId(), name, expected, deadline, events: [], size: 0 });
      } catch (error) {
        respond({ correlationId: request.getCorrelationId(), name }, (r) =>
          r.setError(batchStatus.badRequest(String((error as Error).message))),
        );
        return;
      }
    }
    const batch = pending.get(key);
    if (!batch) return;
    try {
      for (const message of request.getProposedMessagesList()) {
        const event = proposedEvent(message);
        batch.size += eventSize(event);
        batch.events.push(event);
      }
    } catch (error) {
      pending.delete(key);
      respond(batch, (r) => r.setError(batchStatus.badRequest(String((error as Error).message))));
      return;
    }
    if (batch.size > options.maxAppendSize) {
      pending.delete(key);
      respond(batch, (r) => r.setError(batchStatus.maximumAppendSizeExceeded(options.maxAppendSize)));
      return;
    }
    if (!request.getIsFinal()) return;
    pending.delete(key);
    const work = writeBatch(log, options, batch, respond);
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  call.on('end', () => {
    void Promise.allSettled([...inFlight]).then(() => {
      if (!call.cancelled && !call.writableEnded) call.end();
    });
  });
  call.on('error', () => undefined);
}

async function writeBatch(
  log: TransactionLog,
  options: StreamsServiceOptions,
  batch: PendingBatch,
  respond: (batch: PendingBatch, fill: (r: BatchAppendResp) => void) => void,
): Promise<void> {
  const remaining = batch.deadline - Date.now();
  if (remaining <= 0) return respond(batch, (r) => r.setError(batchStatus.timeout()));
  const latency = options.appendLatencyMs();
  if (latency >= remaining) {
    // The server answers Timeout at the deadline; the write itself still goes ahead.
    setTimeout(() => respond(batch, (r) => r.setError(batchStatus.timeout())), remaining).unref();
    await delay(latency);
    log.append(batch.name, batch.expected, batch.events);
    return;
  }
  if (latency > 0) await delay(latency);
  const outcome = log.append(batch.name, batch.expected, batch.events);
  respond(batch, (response) => {
    if (outcome.kind === 'stream-deleted') return response.setError(batchStatus.streamDeleted(batch.name));
    if (outcome.kind === 'wrong-expected-version') {
      return response.setError(batchStatus.wrongExpectedVersion(outcome.current, batch.expected));
    }
    const success = new BatchAppendResp.Success();
    const { revision, position } = outcomeSummary(outcome);
    if (revision < 0) success.setNoStream(new ProtobufEmpty());
    else success.setCurrentRevision(String(revision));
    if (position < 0n) success.setNoPosition(new ProtobufEmpty());
    else success.setPosition(allPosition(position));
    response.setSuccess(success);
  });
}

function outcomeSummary(outcome: Extract<AppendOutcome, { kind: 'written' | 'idempotent' }>) {
  if (outcome.kind === 'idempotent') return { revision: outcome.lastRevision, position: outcome.position };
  return { revision: outcome.lastRevision, position: outcome.records.at(-1)?.position ?? -1n };
}

function respondToDelete<R extends DeleteResp | TombstoneResp>(
  operation: string,
  name: string,
  expected: ExpectedVersion,
  outcome: ReturnType<TransactionLog['softDelete']>,
  response: R,
  position: DeleteResp.Position | TombstoneResp.Position,
  callback: sendUnaryData<R>,
): void {
  if (outcome.kind === 'deleted') {
    position.setCommitPosition(outcome.position.toString());
    position.setPreparePosition(outcome.position.toString());
    (response as { setPosition(p: typeof position): unknown }).setPosition(position);
    return callback(null, response);
  }
  if (outcome.kind === 'stream-deleted') return callback(streamDeleted(name));
  if (outcome.kind === 'wrong-expected-version') {
    // EventStoreDB's numbers: -1 no stream, -2 any, -4 stream exists.
    const actual = outcome.current === 'no_stream' ? '-1' : String(outcome.current);
    const wanted = { any: '-2', no_stream: '-1', stream_exists: '-4' } as const;
    const expectedNumber = expected.kind === 'revision' ? String(expected.revision) : wanted[expected.kind];
    return callback(
      new ProtocolError(
        status.FAILED_PRECONDITION,
        `${operation} failed due to WrongExpectedVersion. Stream: ${name}, Expected version: ${expectedNumber}, Actual version: ${actual}`,
        {
          exception: 'wrong-expected-version',
          'stream-name': name,
          'expected-version': expectedNumber,
          'actual-version': actual,
        },
      ),
    );
  }
  callback(new ProtocolError(status.UNKNOWN, `Unexpected ${operation} outcome ${outcome.kind}`));
}

function deleteExpected(options: DeleteReq.Options | TombstoneReq.Options | undefined): ExpectedVersion {
  const Case = DeleteReq.Options.ExpectedStreamRevisionCase;
  return expectedOf(options?.getRevision(), expectedKind(options?.getExpectedStreamRevisionCase(), Case));
}

function expectedKind(
  kind: number | undefined,
  Case: typeof AppendReq.Options.ExpectedStreamRevisionCase,
): 'revision' | 'no_stream' | 'any' | 'stream_exists' | 'none' {
  if (kind === Case.REVISION) return 'revision';
  if (kind === Case.NO_STREAM) return 'no_stream';
  if (kind === Case.ANY) return 'any';
  if (kind === Case.STREAM_EXISTS) return 'stream_exists';
  return 'none';
}

function batchExpectedKind(
  kind: number,
  Case: typeof BatchAppendReq.Options.ExpectedStreamPositionCase,
): 'revision' | 'no_stream' | 'any' | 'stream_exists' | 'none' {
  if (kind === Case.STREAM_POSITION) return 'revision';
  if (kind === Case.NO_STREAM) return 'no_stream';
  if (kind === Case.ANY) return 'any';
  if (kind === Case.STREAM_EXISTS) return 'stream_exists';
  return 'none';
}

function eventSize(event: ProposedEvent): number {
  return event.data.byteLength + event.metadata.byteLength + Buffer.byteLength(event.type);
}

function notImplemented(what: string): ProtocolError {
  return new ProtocolError(status.UNIMPLEMENTED, `The EventStoreDB test server does not implement ${what}`);
}

function asProtocolError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  return new ProtocolError(status.UNKNOWN, error instanceof Error ? error.message : String(error));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
