import type { Command } from '@nestjs/cqrs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { commandContext, type CommandContext } from '../common/command-context';
import { ValidationFailed, type ProblemDetail } from '../common/errors';
import { validationProblems } from '../common/validation-problems';
import { parsedDefinition } from '../journeys/journey-command.handlers';
import {
  CopyJourneyCommand,
  CreateJourneyCommand,
  CreateJourneyFromTemplateCommand,
  JourneyActionCommand,
  SaveAsTemplateCommand,
  StopVersionCommand,
  UpdateDraftCommand,
  type TemplateOverrides,
} from '../journeys/journey.commands';
import { CopyJourneyRequest, SaveAsTemplateRequest } from '../journeys/journey.requests';
import {
  CreateTriggerDefinitionCommand,
  MarkTriggerDefinitionReadyCommand,
} from '../trigger-definitions/trigger-definition.handlers';
import { CreateTriggerDefinitionRequest } from '../trigger-definitions/trigger-definition.requests';
import {
  CreateJourneyFromTemplatePayload,
  KAFKA_COMMANDS,
  KAFKA_COMMAND_TYPES,
  KafkaCommandMessage,
  MarkTriggerDefinitionReadyPayload,
  type KafkaCommandType,
} from './kafka-command.requests';

/** How the REST call of a command shapes its answer; the Kafka result carries the same. */
export type ResultShape =
  /** `GET /journeys/{id}` of the journey in the result. */
  | 'journey'
  /** The journey's read model as `POST /templates/{id}/journeys` answers. */
  | 'journeyView'
  /** What the command handler returned. */
  | 'asReturned';

export type PreparedCommand =
  | { ok: true; commandId: string; type: KafkaCommandType; command: Command<unknown>; shape: ResultShape }
  | {
      ok: false;
      /** Present when the message names one: the refusal is answered on the results topic too. */
      commandId?: string;
      reason: 'UNKNOWN_COMMAND_TYPE' | 'VALIDATION_FAILED';
      error: ValidationFailed;
    };

/** Options of the global ValidationPipe, so Kafka payloads are held to exactly what REST accepts. */
const VALIDATION = { whitelist: true, forbidNonWhitelisted: true } as const;

/** The command id a message names, if it names a usable one (even when the rest is invalid). */
export function commandIdOf(message: Record<string, unknown>): string | undefined {
  const id = message.commandId;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined;
}

/**
 * Validates a `journeys.commands` message with the same DTOs and definition parser as REST and
 * builds the CommandBus command the matching controller would send.
 */
export function prepareCommand(message: Record<string, unknown>, now: Date): PreparedCommand {
  const commandId = commandIdOf(message);
  const refuse = (reason: 'UNKNOWN_COMMAND_TYPE' | 'VALIDATION_FAILED', problems: ProblemDetail[]) => ({
    ok: false as const,
    commandId,
    reason,
    error: new ValidationFailed(problems),
  });

  if (!KAFKA_COMMAND_TYPES.includes(message.type as KafkaCommandType)) {
    return refuse('UNKNOWN_COMMAND_TYPE', [
      {
        code: 'UnknownCommandType',
        path: '$.type',
        message: `type must be one of ${KAFKA_COMMAND_TYPES.join(', ')}; got ${JSON.stringify(message.type) ?? 'nothing'}`,
      },
    ]);
  }
  const envelope = plainToInstance(KafkaCommandMessage, message);
  const problems = validationProblems(validateSync(envelope, VALIDATION));
  const target: string = KAFKA_COMMANDS[envelope.type];
  if (target !== 'nothing' && envelope.journeyId === undefined) {
    problems.push({ code: 'isDefined', path: '$.journeyId', message: `${envelope.type} needs journeyId` });
  }
  if (target === 'version' && envelope.version === undefined) {
    problems.push({ code: 'isDefined', path: '$.version', message: `${envelope.type} needs version` });
  }
  if (problems.length) return refuse('VALIDATION_FAILED', problems);

  try {
    const context = commandContext(envelope.actor, now, envelope.commandId);
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
    case 'CopyJourney': {
      const body = payloadAs(CopyJourneyRequest, message.payload);
      return { command: new CopyJourneyCommand(journeyId, body.name, context, body.version), shape: 'journey' };
    }
    case 'SaveAsTemplate': {
      const body = payloadAs(SaveAsTemplateRequest, message.payload);
      const template = { name: body.name, description: body.description, version: body.version };
      return { command: new SaveAsTemplateCommand(journeyId, template, context), shape: 'asReturned' };
    }
    case 'CreateJourneyFromTemplate': {
      const body = payloadAs(CreateJourneyFromTemplatePayload, message.payload);
      const overrides = (body.overrides ?? {}) as TemplateOverrides;
      return {
        command: new CreateJourneyFromTemplateCommand(body.templateId, body.name, overrides, context),
        shape: 'journeyView',
      };
    }
    case 'CreateTriggerDefinition': {
      const body = payloadAs(CreateTriggerDefinitionRequest, message.payload);
      const attributes = body.attributes.map(({ name, type: attributeType }) => ({ name, type: attributeType }));
      return {
        command: new CreateTriggerDefinitionCommand(
          { name: body.name, description: body.description, attributes },
          context,
        ),
        shape: 'asReturned',
      };
    }
    case 'MarkTriggerDefinitionReady': {
      const body = payloadAs(MarkTriggerDefinitionReadyPayload, message.payload);
      return { command: new MarkTriggerDefinitionReadyCommand(body.name, context), shape: 'asReturned' };
    }
    default: {
      const unreachable: never = type;
      throw new Error(`Unhandled command type ${String(unreachable)}`);
    }
  }
}

/** The payload as the REST body DTO, validated as the global ValidationPipe does. */
function payloadAs<T extends object>(dto: new () => T, payload: unknown): T {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new ValidationFailed([{ code: 'isObject', path: '$.payload', message: 'payload must be an object' }]);
  }
  const body = plainToInstance(dto, payload);
  const problems = validationProblems(validateSync(body, VALIDATION));
  if (problems.length) throw new ValidationFailed(problems);
  return body;
}
