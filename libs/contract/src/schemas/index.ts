import { errorBodySchema, problemSchema, type JsonSchema } from './common';
import { cloudEventSchema, eventDataSchema } from './event.schemas';
import {
  intakeResultSchema,
  membershipRequestSchema,
  segmentChangeSchema,
  triggerBatchSchema,
  triggerRequestSchema,
  triggerMessageSchema,
} from './ingestion.schemas';
import { DELIVERY_SCHEMAS } from './delivery.schemas';
import { journeyDefinitionSchema } from './journey-definition.schema';
import { MANAGEMENT_REQUEST_SCHEMAS } from './management.schemas';
import { MANAGEMENT_RESPONSE_SCHEMAS } from './response.schemas';
import {
  actionSchema,
  actionsPageSchema,
  commandResultSchema,
  commandSchema,
  deadLetterSchema,
} from './messaging.schemas';

const named = (id: string, title: string, schema: JsonSchema): JsonSchema => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: id,
  title,
  ...schema,
});

/**
 * Every public message's JSON Schema, by file name: served at `GET /schemas/<name>`, referenced by
 * the OpenAPI and AsyncAPI documents, used for request and message validation and by the CLI.
 */
export const CONTRACT_SCHEMAS: Record<string, JsonSchema> = {
  'journey-definition.json': journeyDefinitionSchema,
  'trigger-message.json': triggerMessageSchema,
  'trigger-batch.json': triggerBatchSchema,
  'trigger-request.json': triggerRequestSchema,
  'segment-change.json': segmentChangeSchema,
  'membership-request.json': membershipRequestSchema,
  'intake-result.json': intakeResultSchema,
  ...MANAGEMENT_REQUEST_SCHEMAS,
  ...MANAGEMENT_RESPONSE_SCHEMAS,
  ...DELIVERY_SCHEMAS,
  'command.json': commandSchema,
  'command-result.json': commandResultSchema,
  'action.json': actionSchema,
  'actions-page.json': actionsPageSchema,
  'dead-letter.json': deadLetterSchema,
  'cloud-event.json': cloudEventSchema,
  'event-data.json': eventDataSchema,
  'problem.json': named('problem.json', 'Problem', problemSchema),
  'schema-list.json': named('schema-list.json', 'SchemaList', {
    type: 'object',
    required: ['schemas'],
    properties: {
      schemas: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'url'],
          properties: { name: { type: 'string' }, title: { type: 'string' }, url: { type: 'string' } },
        },
      },
    },
  }),
  'json-schema-document.json': named('json-schema-document.json', 'JsonSchemaDocument', {
    type: 'object',
    description: 'A JSON document (a JSON Schema or an AsyncAPI document)',
  }),
  'error-body.json': named('error-body.json', 'ErrorBody', errorBodySchema),
};

export * from './common';
export * from './ingestion.schemas';
export * from './management.schemas';
export * from './messaging.schemas';
export * from './delivery.schemas';
export { EXIT_REASONS, EVENT_DATA } from './event.schemas';
export { journeyDefinitionSchema };
