import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { BatchHandler, DeadLetterProblem, HandlerRefusal, OutboundMessage } from '@journeys/messaging';
import { ReadModelStore } from '@journeys/read-models';
import { CLOCK, type Clock } from '../common/clock';
import { AppError, errorBody, HTTP_STATUS } from '../common/errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { JourneyResult } from '../journeys/journey.commands';
import { journeyDetail, journeyStateProjection } from '../journeys/projections/journey-state.projection';
import { commandIdOf, prepareCommand, type ResultShape } from './kafka-command.mapping';
import { ProcessedCommands, type CommandOutcome, type CommandResultMessage } from './processed-commands';

/** Kinds of refusal that can never succeed for the same message: dead letters as well as error results. */
const FINAL_REFUSALS = new Set<AppError['kind']>(['invalid', 'too_large']);

/**
 * `journeys.commands` onto the CommandBus: every command is answered on `journeys.command-results`
 * (ok with what REST answers, or the REST error), a command id is executed once however often it
 * is delivered, and a message that can never succeed also goes to the dead-letter topic. Failures of
 * the store (`unavailable`, anything unexpected) are thrown, so the batch is retried in order.
 */
@Injectable()
export class KafkaCommandConsumer {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModelStore,
    private readonly processed: ProcessedCommands,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  readonly handle: BatchHandler = async (messages) => {
    const outputs: OutboundMessage[] = [];
    const deadLetters: HandlerRefusal[] = [];
    for (const [index, message] of messages.entries()) {
      const outcome = await this.process(message.value);
      if (outcome.result) outputs.push(this.resultMessage(outcome.result));
      if (outcome.deadLetter) deadLetters.push({ index, ...outcome.deadLetter });
    }
    return { outputs, deadLetters };
  };

  /** The outcome of one command message; a command id seen before gets its stored outcome again. */
  async process(message: Record<string, unknown>): Promise<CommandOutcome> {
    const seenId = commandIdOf(message);
    const seen = seenId === undefined ? undefined : await this.processed.get(seenId);
    if (seen) return seen;

    const now = this.clock.now();
    const prepared = prepareCommand(message, now);
    if (!prepared.ok) {
      return {
        result: prepared.commandId === undefined ? undefined : failure(prepared.commandId, prepared.error),
        deadLetter: refusalOf(prepared.reason, prepared.error),
      };
    }

    let outcome: CommandOutcome;
    try {
      const returned = await this.commands.execute(prepared.command);
      outcome = { result: { commandId: prepared.commandId, ok: true, result: this.present(returned, prepared.shape) } };
    } catch (error) {
      if (!(error instanceof AppError) || error.kind === 'unavailable') throw error;
      outcome = {
        result: failure(prepared.commandId, error),
        deadLetter: FINAL_REFUSALS.has(error.kind)
          ? refusalOf(error.kind === 'too_large' ? 'TOO_LARGE' : 'VALIDATION_FAILED', error)
          : undefined,
      };
    }
    await this.processed.save(prepared.commandId, outcome, now);
    return outcome;
  }

  private resultMessage(result: CommandResultMessage): OutboundMessage {
    return {
      topic: this.config.kafka.topics.commandResults,
      key: result.commandId,
      value: JSON.stringify(result),
      headers: { 'content-type': 'application/json' },
    };
  }

  /** What the matching REST call answers (see the journeys and templates controllers). */
  private present(returned: unknown, shape: ResultShape): unknown {
    if (shape === 'asReturned') return returned;
    const view = journeyStateProjection.get(this.readModels.db, (returned as JourneyResult).id);
    if (!view) return returned;
    return shape === 'journeyView' ? view : journeyDetail(view);
  }
}

function failure(commandId: string, error: AppError): CommandResultMessage {
  return { commandId, ok: false, error: errorBody(error).error, status: HTTP_STATUS[error.kind] };
}

function refusalOf(reason: 'UNKNOWN_COMMAND_TYPE' | 'VALIDATION_FAILED' | 'TOO_LARGE', error: AppError) {
  return { reason, message: error.message, errors: error.details as DeadLetterProblem[] };
}
