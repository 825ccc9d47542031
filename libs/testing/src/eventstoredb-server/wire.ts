import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import {
  AllStreamPosition,
  BadRequest,
  MaximumAppendSizeExceeded,
  StreamDeleted,
  StreamIdentifier,
  Timeout,
  UUID,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { ExpectedVersion } from './commit-check';
import type { LogRecord, ProposedEvent } from './transaction-log';

/**
 * Translations between the protocol's messages and the log, and the errors exactly as EventStoreDB
 * sends them: a gRPC status whose trailers carry `exception` (and `stream-name`, ...) for the
 * unary and streaming calls, or a `google.rpc.Status` with a packed detail inside a BatchAppend
 * response.
 */

export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

export function streamIdentifier(name: string): StreamIdentifier {
  const identifier = new StreamIdentifier();
  identifier.setStreamName(Buffer.from(name, 'utf8'));
  return identifier;
}

export function uuidString(uuid: UUID | undefined): string {
  if (!uuid) return '';
  if (uuid.hasString()) return uuid.getString().toLowerCase();
  const structured = uuid.getStructured();
  if (!structured) return '';
  const hex =
    BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())).toString(16).padStart(16, '0') +
    BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function uuidMessage(id: string, structured: boolean): UUID {
  const uuid = new UUID();
  if (!structured) {
    uuid.setString(id);
    return uuid;
  }
  const hex = id.replace(/-/g, '').padStart(32, '0');
  const parts = new UUID.Structured();
  parts.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  parts.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  uuid.setStructured(parts);
  return uuid;
}

/** A proposed message of Append or BatchAppend; throws a {@link ProtocolError} when a required key is missing. */
export function proposedEvent(message: {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined) throw missingMetadata('type');
  if (contentType === undefined) throw missingMetadata('content-type');
  return {
    id: uuidString(message.getId()),
    type,
    contentType,
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

export function readEvent(record: LogRecord, structuredIds: boolean): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(uuidMessage(record.id, structuredIds));
  recorded.setStreamIdentifier(streamIdentifier(record.streamName));
  recorded.setStreamRevision(String(record.revision));
  recorded.setCommitPosition(record.position.toString());
  recorded.setPreparePosition(record.position.toString());
  const metadata = recorded.getMetadataMap();
  metadata.set('type', record.type);
  metadata.set('content-type', record.contentType);
  metadata.set('created', record.created.toString());
  recorded.setData(record.data);
  recorded.setCustomMetadata(record.metadata);
  const event = new ReadResp.ReadEvent();
  event.setEvent(recorded);
  event.setCommitPosition(record.position.toString());
  const response = new ReadResp();
  response.setEvent(event);
  return response;
}

export function checkpointMessage(position: bigint): ReadResp {
  const checkpoint = new ReadResp.Checkpoint();
  checkpoint.setCommitPosition(position.toString());
  checkpoint.setPreparePosition(position.toString());
  const response = new ReadResp();
  response.setCheckpoint(checkpoint);
  return response;
}

export function allPosition(position: bigint): AllStreamPosition {
  const message = new AllStreamPosition();
  message.setCommitPosition(position.toString());
  message.setPreparePosition(position.toString());
  return message;
}

/** Where a `$all` read or subscription starts. */
export function allFrom(options: ReadReq.Options): bigint | 'start' | 'end' {
  const all = options.getAll();
  const Case = ReadReq.Options.AllOptions.AllOptionCase;
  switch (all?.getAllOptionCase()) {
    case Case.POSITION: {
      const position = all.getPosition();
      const commit = BigInt(position?.getCommitPosition() ?? '0');
      const prepare = BigInt(position?.getPreparePosition() ?? '0');
      if (commit !== prepare) throw invalidPosition();
      return commit;
    }
    case Case.END:
      return 'end';
    default:
      return 'start';
  }
}

export function expectedOf(
  revision: string | undefined,
  kind: 'revision' | 'no_stream' | 'any' | 'stream_exists' | 'none',
): ExpectedVersion {
  switch (kind) {
    case 'revision':
      return { kind: 'revision', revision: Number(revision) };
    case 'no_stream':
    case 'any':
    case 'stream_exists':
      return { kind };
    default:
      throw new ProtocolError(status.INVALID_ARGUMENT, `'${kind}' is not a valid expected stream revision`);
  }
}

/** A gRPC error as EventStoreDB raises it (`RpcException`): status, message, trailers. */
export class ProtocolError extends Error implements Partial<ServiceError> {
  readonly metadata = new Metadata();

  constructor(
    readonly code: status,
    readonly details: string,
    trailers: Record<string, string> = {},
  ) {
    super(details);
    this.name = 'ProtocolError';
    for (const [key, value] of Object.entries(trailers)) this.metadata.set(key, value);
  }
}

export const streamDeleted = (streamName: string) =>
  new ProtocolError(status.FAILED_PRECONDITION, `Event stream '${streamName}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': streamName,
  });

export const invalidPosition = () =>
  new ProtocolError(status.INVALID_ARGUMENT, 'Trying to read from an invalid position.');

export const maxAppendSizeExceeded = (max: number) =>
  new ProtocolError(status.INVALID_ARGUMENT, `Maximum Append Size of ${max} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(max),
  });

export const serverNotReady = () => new ProtocolError(status.UNAVAILABLE, 'Server Is Not Ready');

function missingMetadata(key: string): ProtocolError {
  return new ProtocolError(status.INVALID_ARGUMENT, `Required Metadata Property '${key}' is missing`, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': 'type,content-type',
  });
}

/** Errors inside a BatchAppend response: `google.rpc.Status` with the detail packed as the server packs it. */
export const batchStatus = {
  wrongExpectedVersion(current: number | 'no_stream', expected: ExpectedVersion): Status {
    const detail = new WrongExpectedVersion();
    if (current === 'no_stream') detail.setCurrentNoStream(new ProtobufEmpty());
    else detail.setCurrentStreamRevision(String(current));
    if (expected.kind === 'revision') detail.setExpectedStreamPosition(String(expected.revision));
    else if (expected.kind === 'no_stream') detail.setExpectedNoStream(new ProtobufEmpty());
    else if (expected.kind === 'stream_exists') detail.setExpectedStreamExists(new ProtobufEmpty());
    else detail.setExpectedAny(new ProtobufEmpty());
    return packed(Code.ALREADY_EXISTS, 'WrongExpectedVersion', detail, 'event_store.client.WrongExpectedVersion');
  },
  streamDeleted(streamName: string): Status {
    const detail = new StreamDeleted();
    detail.setStreamIdentifier(streamIdentifier(streamName));
    return packed(Code.NOT_FOUND, 'StreamDeleted', detail, 'event_store.client.StreamDeleted');
  },
  timeout(): Status {
    return packed(Code.DEADLINE_EXCEEDED, 'Timeout', new Timeout(), 'event_store.client.Timeout');
  },
  maximumAppendSizeExceeded(max: number): Status {
    const detail = new MaximumAppendSizeExceeded();
    detail.setMaxappendsize(max);
    return packed(
      Code.INVALID_ARGUMENT,
      'MaximumAppendSizeExceeded',
      detail,
      'event_store.client.MaximumAppendSizeExceeded',
    );
  },
  badRequest(message: string): Status {
    const detail = new BadRequest();
    detail.setMessage(message);
    return packed(Code.INVALID_ARGUMENT, 'BadRequest', detail, 'event_store.client.BadRequest');
  },
};

function packed(code: Code, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string): Status {
  const any = new Any();
  any.pack(detail.serializeBinary(), typeName);
  const result = new Status();
  result.setCode(code);
  result.setMessage(message);
  result.setDetails(any);
  return result;
}
