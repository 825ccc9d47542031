import { createHash, randomUUID } from 'node:crypto';
import type { NewEvent } from '@journeys/event-store';

/** Who asked and why: becomes every resulting event's metadata and the audit actor. */
export interface CommandContext {
  actor: string;
  correlationId: string;
  causationId: string;
  now: Date;
  /**
   * Set for a command that names its own id (a Kafka command). The ids of its events, and of what
   * it creates, derive from it: run again (redelivered after a crash before its outcome was
   * recorded), it writes nothing twice and is recognised as applied (see EventStreams).
   */
  commandId?: string;
}

export function commandContext(
  actor: string,
  now: Date,
  correlationId: string = randomUUID(),
  commandId?: string,
): CommandContext {
  return { actor, correlationId, causationId: correlationId, now, ...(commandId === undefined ? {} : { commandId }) };
}

/** Current event shape version; a changed shape bumps it and gets an upcaster. */
export const SCHEMA_VERSION = 1;

/** The id of the `index`th event a command appends to `stream`. */
export function commandEventId(commandId: string, stream: string, index: number): string {
  return `command:${commandId}/${stream}/${index}`;
}

/** The id of something a command creates (`journey`, `template`): derived from its command id, else random. */
export function newIdFor(context: CommandContext, kind: string): string {
  return context.commandId === undefined ? randomUUID() : nameBasedUuid(`${kind}:${context.commandId}`);
}

export function toNewEvents(
  events: readonly { type: string; data: unknown }[],
  context: CommandContext,
  stream: string,
): NewEvent[] {
  const { commandId } = context;
  return events.map((e, index) => ({
    id: commandId === undefined ? randomUUID() : commandEventId(commandId, stream, index),
    type: e.type,
    data: e.data,
    metadata: {
      occurredAt: context.now.toISOString(),
      actor: context.actor,
      correlationId: context.correlationId,
      causationId: context.causationId,
      schemaVersion: SCHEMA_VERSION,
    },
  }));
}

/** A UUID (version 5 layout, SHA-1) that the same name always gives. */
function nameBasedUuid(name: string): string {
  const bytes = createHash('sha1').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
