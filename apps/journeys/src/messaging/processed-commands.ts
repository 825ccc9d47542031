import { Inject, Injectable } from '@nestjs/common';
import { streamName, WrongExpectedRevisionError, type EventStore, type NewEvent } from '@journeys/event-store';
import type { DeadLetterProblem, DeadLetterReason } from '@journeys/messaging';
import { EVENT_STORE } from '../infrastructure/storage.module';

/** The `journeys.command-results` value. `error` is the `error` object of the REST error body. */
export type CommandResultMessage =
  | { commandId: string; ok: true; result: unknown }
  | {
      commandId: string;
      ok: false;
      error: { code: string; message: string; details: readonly unknown[] };
      /** The HTTP status the REST call would have answered. */
      status: number;
    };

/** What processing a command produced; kept so that a redelivered command is answered, not re-run. */
export interface CommandOutcome {
  result?: CommandResultMessage;
  deadLetter?: { reason: DeadLetterReason; message: string; errors?: DeadLetterProblem[] };
}

/** Stream category of the outcome records; one stream per command id. */
export const COMMAND_OUTCOME_CATEGORY = 'kafkaCommand';
/** The event type of an outcome record; never published downstream. */
export const COMMAND_OUTCOME_EVENT = 'KafkaCommandProcessed';

/**
 * The outcome of every command taken from `journeys.commands`, in the event store (stream
 * `kafkaCommand-<commandId>`, written once with `no_stream`): it survives a pod whose data directory
 * is gone, and a redelivered command id is answered with it instead of being run again. A crash
 * between a command's events and this record is covered by the events themselves: their ids derive
 * from the command id, so the re-run finds them (EventStreams) and records the same outcome.
 */
@Injectable()
export class ProcessedCommands {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async get(commandId: string): Promise<CommandOutcome | undefined> {
    const [recorded] = await this.store.readStream(outcomeStream(commandId), { maxCount: 1 });
    return recorded ? (recorded.data as { outcome: CommandOutcome }).outcome : undefined;
  }

  /** Records the first outcome of a command id; a later one (a concurrent replica's) is dropped. */
  async save(commandId: string, outcome: CommandOutcome, at: Date): Promise<void> {
    const event: NewEvent = {
      id: `command:${commandId}/outcome`,
      type: COMMAND_OUTCOME_EVENT,
      data: { commandId, outcome },
      metadata: { occurredAt: at.toISOString(), correlationId: commandId, causationId: commandId, schemaVersion: 1 },
    };
    try {
      await this.store.append(outcomeStream(commandId), [event], { expectedRevision: 'no_stream' });
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
}

function outcomeStream(commandId: string): string {
  return streamName(COMMAND_OUTCOME_CATEGORY, commandId);
}
