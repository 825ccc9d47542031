/** What feeds the runtime: trigger messages and segment changes (HTTP and Kafka alike). */
import { identifier, instant, list, nullable, type JsonSchema } from './common';

/** Largest batch one HTTP request may carry; bigger feeds are split by the sender (or use Kafka). */
export const MAX_INTAKE_BATCH = 10_000;

const id = (description: string): JsonSchema => ({
  ...identifier(description),
  'x-codes': {
    type: 'InvalidIdentifier',
    minLength: 'InvalidIdentifier',
    maxLength: 'InvalidIdentifier',
    pattern: 'InvalidIdentifier',
  },
});

export const triggerMessageSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'trigger-message.json',
  title: 'TriggerMessage',
  description:
    'Something a customer did (`journeys.triggers`, `POST /triggers`). Attribute types are checked against the Ready trigger definition; a message is at most 64 KiB.',
  type: 'object',
  'x-codes': { type: 'NotAnObject' },
  required: ['id', 'trigger', 'customerId', 'occurredAt'],
  additionalProperties: false,
  properties: {
    id: id('Idempotency key, chosen by the sender: the same id with the same content is a duplicate'),
    trigger: id('The name of a Ready trigger definition'),
    customerId: id('The customer the trigger is about'),
    occurredAt: instant('When it happened, with Z or an offset'),
    attributes: {
      type: 'object',
      description: "Values of the trigger definition's attributes; never null (leave an attribute out instead)",
      additionalProperties: { type: ['string', 'number', 'boolean'], 'x-codes': { null: 'NullAttribute' } },
    },
    bindingId: id(
      '`type/id` of what the trigger is about (an appointment); correlates later triggers with an instance',
    ),
  },
  examples: [
    {
      id: 'evt-1',
      trigger: 'signed-up',
      customerId: 'ann',
      occurredAt: '2026-12-01T09:00:00Z',
      attributes: { plan: 'pro', country: 'US' },
    },
  ],
};

export const triggerBatchSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'trigger-batch.json',
  title: 'TriggerBatch',
  description: `The body of \`POST /triggers\`: one trigger message or a list of at most ${MAX_INTAKE_BATCH}.`,
  anyOf: [
    { $ref: 'trigger-message.json' },
    { type: 'array', minItems: 1, maxItems: MAX_INTAKE_BATCH, items: { $ref: 'trigger-message.json' } },
  ],
};

/**
 * What `POST /triggers` refuses whole (400): a body that is neither a message nor a list of them.
 * Each message is then checked on its own against `trigger-message.json`, as on Kafka: a bad one is
 * listed in `refused` and the others are stored.
 */
export const triggerRequestSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'trigger-request.json',
  title: 'TriggerRequest',
  description: `The envelope of \`POST /triggers\`: one object or a list of 1 to ${MAX_INTAKE_BATCH} objects, each then checked as a TriggerMessage on its own.`,
  anyOf: [{ type: 'object' }, { type: 'array', minItems: 1, maxItems: MAX_INTAKE_BATCH, items: { type: 'object' } }],
};

export const segmentChangeSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'segment-change.json',
  title: 'SegmentChange',
  description: 'A customer joined or left a segment (`journeys.segments`).',
  type: 'object',
  'x-codes': { type: 'NotAnObject' },
  required: ['segmentId', 'customerId', 'change', 'occurredAt'],
  additionalProperties: false,
  properties: {
    id: id('Optional idempotency key: a change with an id seen before is a duplicate'),
    segmentId: id('The segment'),
    customerId: id('The customer'),
    change: { enum: ['joined', 'left'] },
    occurredAt: instant('When the membership changed, with Z or an offset'),
  },
  examples: [
    { id: 'seg-1', segmentId: 'loyalty-wa', customerId: 'ann', change: 'joined', occurredAt: '2026-12-01T09:00:00Z' },
  ],
};

export const membershipRequestSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'membership-request.json',
  title: 'MembershipRequest',
  description: 'The body of `POST /segments/{segmentId}/membership`: customers who joined and left the segment.',
  type: 'object',
  additionalProperties: false,
  properties: {
    joined: list(id('A customer id'), 'Customers who joined', MAX_INTAKE_BATCH),
    left: list(id('A customer id'), 'Customers who left', MAX_INTAKE_BATCH),
    occurredAt: nullable(instant('When the changes happened, with Z or an offset; the time of receipt when absent')),
  },
  examples: [{ joined: ['ann', 'bob'], left: ['cid'], occurredAt: '2026-12-01T09:00:00Z' }],
};

export const intakeResultSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'intake-result.json',
  title: 'IntakeResult',
  description:
    'Every message is counted once: accepted, a duplicate (accepted and ignored) or refused with its problems.',
  type: 'object',
  required: ['accepted', 'duplicates', 'refused'],
  properties: {
    accepted: { type: 'integer', minimum: 0 },
    duplicates: { type: 'integer', minimum: 0 },
    refused: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'errors'],
        properties: {
          index: { type: 'integer', minimum: 0, description: 'Position of the message in the request' },
          id: { type: 'string' },
          errors: { type: 'array', items: { $ref: 'problem.json' } },
        },
      },
    },
  },
  examples: [
    {
      accepted: 98,
      duplicates: 1,
      refused: [
        {
          index: 7,
          id: 'evt-8',
          errors: [{ code: 'NullAttribute', path: '$.attributes.plan', message: 'plan is null; omit it instead' }],
        },
      ],
    },
  ],
};
