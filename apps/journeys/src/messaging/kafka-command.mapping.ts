import type { Command } from '@nestjs/cqrs';
import { contractValidator, type CommandType } from '@journeys/contract';
import { commandContext, type CommandContext } from '../common/command-context';
import { ValidationFailed, type ProblemDetail } from '../common/errors';
import { parsedDefinition } from '../journeys/journey-command.handlers';
import {
  CopyJourneyCommand,
  CreateJourneyCommand,
  CreateJourneyFromTemplateCommand,
  JourneyActionCommand,
  SaveAsTemplateCommand,
  StopVersionCommand,
  UpdateDraftCommand,
  VersionActionCommand,
  type TemplateOverrides,
} from '../journeys/journey.commands';
import {
  templateOf,
  type CopyJourneyRequest,
  type CreateFromTemplateRequest,
  type SaveAsTemplateRequest,
} from '../journeys/journey.requests';
import {
  CreateTriggerDefinitionCommand,
  MarkTriggerDefinitionReadyCommand,
} from '../trigger-definitions/trigger-definition.handlers';
import {
  triggerDefinitionOf,
  type CreateTriggerDefinitionRequest,
} from '../trigger-definitions/trigger-definition.requests';

/** A `journeys.commands` message that passed the `command.json` schema. */
interface KafkaCommandMessage {
  commandId: string;
  type: CommandType;
  actor: string;
  journeyId?: string;
  version?: number;
  ifMatch?: number;
  payload?: unknown;
}

/** How the REST call of a command shapes its answer; the Kafka result carries the same. */
export type ResultShape =
  /** `GET /journeys/{id}` of the journey in the result. */
  | 'journey'
  /** The journey's read model as `POST /templates/{id}/journeys` answers. */
  | 'journeyView'
  /** What the command handler returned. */
  | 'asReturned';

export type PreparedCommand =
  | { ok: true; commandId: string; type: CommandType; command: Command<unknown>; shape: ResultShape }
  | {
      ok: false;
      /** Present when the message names one: the refusal is answered on the results topic too. */
      commandId?: string;
      reason: 'UNKNOWN_COMMAND_TYPE' | 'VALIDATION_FAILED';
      error: ValidationFailed;
    };

/** The command id a message names, if it names a usable one (even when the rest is invalid). */
export function commandIdOf(message: Record<string, unknown>): string | undefined {
  const id = message.commandId;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined;
}

/**
 * Validates a `journeys.commands` message against the `command.json` schema (the payload against the
 * schema of the matching REST body; problem paths point into the message) and builds the CommandBus
 * command the matching controller would send.
 */
export function prepareCommand(message: Record<string, unknown>, now: Date): PreparedCommand {
  const commandId = commandIdOf(message);
  const problems = contractValidator().validate('command.json', message);
  if (problems.length) {
    const unknownType = problems.some(
      (p) => p.path === '$.type' && (p.code === 'UnknownCommandType' || p.code === 'Required'),
    );
    return {
      ok: false,
      commandId,
      reason: unknownType ? 'UNKNOWN_COMMAND_TYPE' : 'VALIDATION_FAILED',
      error: new ValidationFailed(problems as ProblemDetail[]),
    };
  }
  const envelope = message as unknown as KafkaCommandMessage;
  try {
    // The command id correlates its events and derives their ids: a redelivery writes nothing twice.
    const context = commandContext(envelope.actor, now, envelope.commandId, envelope.commandId);
    const { command, shape } = buildCommand(envelope, context);
    return { ok: true, commandId: envelope.commandId, type: envelope.type, command, shape };
  } catch (error) {
    if (error instanceof ValidationFailed) return { ok: false, commandId, reason: 'VALIDATION_FAILED', error };
    throw error;
  }
}

function buildCommand(
  message: KafkaCommandMessage,
  context: CommandContext,
): { command: Command<unknown>; shape: ResultShape } {
  const journeyId = message.journeyId as string;
  const type = message.type;
  switch (type) {
    case 'CreateJourney':
      return { command: new CreateJourneyCommand(parsedDefinition(message.payload), context), shape: 'journey' };
    case 'UpdateDraft':
      return {
        command: new UpdateDraftCommand(journeyId, message.payload, context, message.ifMatch),
        shape: 'journey',
      };
    case 'PublishJourney':
    case 'EditJourney':
    case 'DiscardDraft':
      return { command: new JourneyActionCommand(type, journeyId, context), shape: 'journey' };
    case 'StopVersion':
      return { command: new StopVersionCommand(journeyId, message.version as number, context), shape: 'journey' };
    case 'PauseVersion':
    case 'ResumeVersion':
      return {
        command: new VersionActionCommand(type, journeyId, message.version as number, context),
        shape: 'journey',
      };
    case 'CopyJourney': {
      const body = message.payload as CopyJourneyRequest;
      return {
        command: new CopyJourneyCommand(journeyId, body.name, context, body.version ?? undefined),
        shape: 'journey',
      };
    }
    case 'SaveAsTemplate': {
      const template = templateOf(message.payload as SaveAsTemplateRequest);
      return { command: new SaveAsTemplateCommand(journeyId, template, context), shape: 'asReturned' };
    }
    case 'CreateJourneyFromTemplate': {
      const body = message.payload as CreateFromTemplateRequest & { templateId: string };
      const overrides = (body.overrides ?? {}) as TemplateOverrides;
      return {
        command: new CreateJourneyFromTemplateCommand(body.templateId, body.name, overrides, context),
        shape: 'journeyView',
      };
    }
    case 'CreateTriggerDefinition': {
      const definition = triggerDefinitionOf(message.payload as CreateTriggerDefinitionRequest);
      return { command: new CreateTriggerDefinitionCommand(definition, context), shape: 'asReturned' };
    }
    case 'MarkTriggerDefinitionReady': {
      const body = message.payload as { name: string };
      return { command: new MarkTriggerDefinitionReadyCommand(body.name, context), shape: 'asReturned' };
    }
    default: {
      const unreachable: never = type;
      throw new Error(`Unhandled command type ${String(unreachable)}`);
    }
  }
}
