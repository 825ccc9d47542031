/** Kafka messages of the contract (docs/kafka.md): commands, their results, actions and dead letters. */
import { LIMITS } from '@journeys/definition';
import { identifier, instant, nonBlankText, nullable, type JsonSchema } from './common';
import { TRIGGER_NAME_PATTERN } from './management.schemas';

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

/** Command types on `journeys.commands`; each mirrors one REST call. */
export const COMMAND_TYPES = [
  'CreateJourney',
  'UpdateDraft',
  'PublishJourney',
  'EditJourney',
  'DiscardDraft',
  'StopVersion',
  'PauseVersion',
  'ResumeVersion',
  'CopyJourney',
  'SaveAsTemplate',
  'CreateJourneyFromTemplate',
  'CreateTriggerDefinition',
  'MarkTriggerDefinitionReady',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

const journeyId = identifier('The journey the REST path names (`/journeys/{id}/...`)');
const ENVELOPE: Record<string, JsonSchema> = {
  commandId: identifier('Unique per command: a redelivered command is answered with its stored outcome'),
  actor: identifier('Recorded as the actor of the events and audit entries'),
};

/** One command type: its target fields and payload. */
function command(
  type: CommandType,
  required: string[],
  fields: Record<string, JsonSchema>,
  description: string,
): JsonSchema {
  return {
    type: 'object',
    description,
    required: ['commandId', 'type', 'actor', ...required],
    additionalProperties: false,
    properties: { ...ENVELOPE, type: { const: type }, ...fields },
  };
}

const objectPayload = (ref: string): JsonSchema => ({ $ref: ref });

export const commandSchema: JsonSchema = {
  $schema: DRAFT_2020,
  $id: 'command.json',
  title: 'Command',
  description:
    'A `journeys.commands` message (key: journeyId or commandId). `payload` is the body of the matching REST call.',
  type: 'object',
  'x-codes': { type: 'NotAnObject', discriminator: 'UnknownCommandType' },
  discriminator: { propertyName: 'type' },
  oneOf: [
    command('CreateJourney', ['payload'], { payload: objectPayload('journey-definition.json') }, '`POST /journeys`'),
    command(
      'UpdateDraft',
      ['journeyId', 'payload'],
      {
        journeyId,
        ifMatch: { type: 'integer', minimum: 0, description: 'The revision the caller last saw (REST If-Match)' },
        payload: objectPayload('journey-definition.json'),
      },
      '`PUT /journeys/{id}/draft`',
    ),
    command('PublishJourney', ['journeyId'], { journeyId }, '`POST /journeys/{id}/publish`'),
    command('EditJourney', ['journeyId'], { journeyId }, '`POST /journeys/{id}/edit`'),
    command('DiscardDraft', ['journeyId'], { journeyId }, '`POST /journeys/{id}/discard`'),
    command(
      'StopVersion',
      ['journeyId', 'version'],
      { journeyId, version: { type: 'integer', minimum: 1 } },
      '`POST /journeys/{id}/versions/{v}/stop`',
    ),
    command(
      'PauseVersion',
      ['journeyId', 'version'],
      { journeyId, version: { type: 'integer', minimum: 1 } },
      '`POST /journeys/{id}/versions/{v}/pause`',
    ),
    command(
      'ResumeVersion',
      ['journeyId', 'version'],
      { journeyId, version: { type: 'integer', minimum: 1 } },
      '`POST /journeys/{id}/versions/{v}/resume`',
    ),
    command(
      'CopyJourney',
      ['journeyId', 'payload'],
      { journeyId, payload: objectPayload('copy-journey-request.json') },
      '`POST /journeys/{id}/copy`',
    ),
    command(
      'SaveAsTemplate',
      ['journeyId', 'payload'],
      { journeyId, payload: objectPayload('save-as-template-request.json') },
      '`POST /journeys/{id}/save-as-template`',
    ),
    command(
      'CreateJourneyFromTemplate',
      ['payload'],
      {
        payload: {
          type: 'object',
          required: ['templateId', 'name'],
          additionalProperties: false,
          properties: {
            templateId: identifier('The template the REST path names'),
            name: nonBlankText(LIMITS.nameMaxLength, "The new journey's name"),
            overrides: nullable({ $ref: 'create-from-template-request.json#/$defs/templateOverrides' }),
          },
        },
      },
      '`POST /templates/{id}/journeys`; the payload also names the template',
    ),
    command(
      'CreateTriggerDefinition',
      ['payload'],
      { payload: objectPayload('trigger-definition-request.json') },
      '`POST /trigger-definitions`',
    ),
    command(
      'MarkTriggerDefinitionReady',
      ['payload'],
      {
        payload: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', pattern: TRIGGER_NAME_PATTERN, description: 'The trigger name' } },
        },
      },
      '`POST /trigger-definitions/{name}/ready`; the payload names the trigger',
    ),
  ],
  examples: [
    { commandId: 'c-1', type: 'PublishJourney', journeyId: '3f2c9a70-0000-4000-8000-000000000001', actor: 'crm' },
  ],
};

export const commandResultSchema: JsonSchema = {
  $schema: DRAFT_2020,
  $id: 'command-result.json',
  title: 'CommandResult',
  description: 'The answer to a command on `journeys.command-results` (key: commandId).',
  type: 'object',
  required: ['commandId', 'ok'],
  properties: {
    commandId: { type: 'string' },
    ok: { type: 'boolean' },
    result: { description: 'What the REST call returns (ok: true)' },
    status: { type: 'integer', description: 'The REST status of the refusal (ok: false)' },
    error: { $ref: 'error-body.json#/$defs/error' },
  },
  examples: [
    { commandId: 'c-1', ok: true, result: { id: '3f2c9a70-0000-4000-8000-000000000001', state: 'Live' } },
    {
      commandId: 'c-2',
      ok: false,
      status: 409,
      error: { code: 'ACTION_NOT_ALLOWED', message: 'Cannot publish a Stopped journey', details: [] },
    },
  ],
};

export const actionSchema: JsonSchema = {
  $schema: DRAFT_2020,
  $id: 'action.json',
  title: 'Action',
  description:
    'A message to deliver (`journeys.actions`, key customerId; `GET /actions`). `actionId` is stable across redelivery.',
  type: 'object',
  required: [
    'actionId',
    'journeyId',
    'version',
    'stepId',
    'customerId',
    'channel',
    'content',
    'attributes',
    'requestedAt',
  ],
  properties: {
    actionId: { type: 'string' },
    journeyId: { type: 'string' },
    version: { type: 'integer' },
    stepId: { type: 'string' },
    customerId: { type: 'string' },
    channel: { enum: ['email', 'sms', 'push', 'custom'] },
    content: { type: 'string' },
    attributes: { type: 'object', description: 'The attributes of the triggers of the instance' },
    requestedAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time', description: 'Not handed out after this time' },
    topic: { type: 'string', description: "The send step's consent topic (for the message's unsubscribe link)" },
    transactional: {
      type: 'boolean',
      description: 'Present (true) when the send needed no consent and was neither capped nor held',
    },
  },
};

export const actionsPageSchema: JsonSchema = {
  $schema: DRAFT_2020,
  $id: 'actions-page.json',
  title: 'ActionsPage',
  description: 'Deliverable actions after the cursor; pass `next` as `after` to read on.',
  type: 'object',
  required: ['actions', 'next'],
  properties: { actions: { type: 'array', items: { $ref: 'action.json' } }, next: { type: 'string' } },
};

export const deadLetterSchema: JsonSchema = {
  $schema: DRAFT_2020,
  $id: 'dead-letter.json',
  title: 'DeadLetter',
  description: 'A message that can never be processed (`journeys.dead-letter`, key: the original key).',
  type: 'object',
  required: ['reason', 'message', 'origin', 'value', 'deadLetteredAt'],
  properties: {
    reason: { enum: ['TOO_LARGE', 'BAD_JSON', 'NOT_AN_OBJECT', 'UNKNOWN_COMMAND_TYPE', 'VALIDATION_FAILED'] },
    message: { type: 'string' },
    errors: { type: 'array', items: { $ref: 'problem.json' } },
    origin: {
      type: 'object',
      required: ['topic', 'partition', 'offset', 'key', 'timestamp'],
      properties: {
        topic: { type: 'string' },
        partition: { type: 'integer' },
        offset: { type: 'string' },
        key: { type: ['string', 'null'] },
        timestamp: { type: 'string', description: 'Kafka timestamp, ms since the epoch' },
      },
    },
    value: { type: ['string', 'null'], description: 'The original value as text' },
    valueTruncated: { const: true },
    deadLetteredAt: instant('When it was dead-lettered'),
  },
};
