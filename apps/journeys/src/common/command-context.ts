import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@journeys/event-store';

/** Who asked and why: becomes every resulting event's metadata and the audit actor. */
export interface CommandContext {
  actor: string;
  correlationId: string;
  causationId: string;
  now: Date;
}

export function commandContext(actor: string, now: Date, correlationId: string = randomUUID()): CommandContext {
  return { actor, correlationId, causationId: correlationId, now };
}

/** Current event shape version; a changed shape bumps it and gets an upcaster. */
export const SCHEMA_VERSION = 1;

export function toNewEvents(events: readonly { type: string; data: unknown }[], context: CommandContext): NewEvent[] {
  return events.map((e) => ({
    id: randomUUID(),
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
