/**
 * The delivery controls' messages (docs/delivery-controls.md): consent records (`POST /consent`,
 * `journeys.consent`) and the service's delivery settings (`GET`/`PUT /settings`, their audit history).
 */
import { CHANNELS, CONSENT_MODES, CONSENT_STATUSES, DELIVERY_LIMITS, QUIET_HOURS_MODES } from '@journeys/definition';
import { MAX_INTAKE_BATCH } from './ingestion.schemas';
import { localTime } from './journey-definition.schema';
import {
  closedObject,
  duration,
  identifier,
  instant,
  nullable,
  nullableEnum,
  openObject as open,
  schemaFile,
  type JsonSchema,
} from './common';

const id = (description: string): JsonSchema => ({
  ...identifier(description),
  'x-codes': {
    type: 'InvalidIdentifier',
    minLength: 'InvalidIdentifier',
    maxLength: 'InvalidIdentifier',
    pattern: 'InvalidIdentifier',
  },
});

export const consentMessageSchema: JsonSchema = schemaFile(
  'consent-message.json',
  'ConsentMessage',
  "A customer's consent for a channel, or for a topic on a channel (`POST /consent`, `journeys.consent` keyed by customerId). The latest by occurredAt wins, whatever order they arrive in.",
  {
    type: 'object',
    'x-codes': { type: 'NotAnObject' },
    required: ['customerId', 'channel', 'status', 'occurredAt'],
    additionalProperties: false,
    properties: {
      id: id('Optional idempotency key: a record with an id seen before for the customer is a duplicate'),
      customerId: id('The customer'),
      channel: { enum: [...CHANNELS], description: 'The channel the consent is for' },
      topic: nullable(id('A topic on the channel (a newsletter, promotions); absent: the channel as a whole')),
      status: { enum: [...CONSENT_STATUSES], description: 'optedIn or optedOut' },
      occurredAt: instant('When the customer gave or withdrew consent, with Z or an offset'),
      source: nullable({
        type: 'string',
        maxLength: 200,
        description: 'Where it was given (a form, a preference centre), kept for the record',
      }),
    },
    examples: [
      {
        id: 'consent-1',
        customerId: 'ann',
        channel: 'email',
        topic: 'newsletter',
        status: 'optedIn',
        occurredAt: '2026-12-01T09:00:00Z',
        source: 'signup-form',
      },
    ],
  },
);

export const consentBatchSchema: JsonSchema = schemaFile(
  'consent-batch.json',
  'ConsentBatch',
  `The body of \`POST /consent\`: one consent record or a list of at most ${MAX_INTAKE_BATCH}.`,
  {
    anyOf: [
      { $ref: 'consent-message.json' },
      { type: 'array', minItems: 1, maxItems: MAX_INTAKE_BATCH, items: { $ref: 'consent-message.json' } },
    ],
  },
);

/** What `POST /consent` refuses whole (400): a body that is neither a record nor a list of them. */
export const consentRequestSchema: JsonSchema = schemaFile(
  'consent-request.json',
  'ConsentRequest',
  `The envelope of \`POST /consent\`: one object or a list of 1 to ${MAX_INTAKE_BATCH} objects, each then checked as a ConsentMessage on its own.`,
  {
    anyOf: [{ type: 'object' }, { type: 'array', minItems: 1, maxItems: MAX_INTAKE_BATCH, items: { type: 'object' } }],
  },
);

const frequencyCap = closedObject(
  {
    channel: { enum: [...CHANNELS] },
    count: {
      type: 'integer',
      minimum: 1,
      maximum: DELIVERY_LIMITS.capCountMax,
      'x-codes': { minimum: 'InvalidFrequencyCap', maximum: 'InvalidFrequencyCap', type: 'WrongType' },
      description: 'At most this many sends per customer in any rolling period',
    },
    period: duration(
      `The rolling period: weeks, days, hours, minutes; at most ${DELIVERY_LIMITS.capPeriodMaxDays} days`,
    ),
  },
  ['channel', 'count', 'period'],
  { description: 'At most `count` sends on `channel` per customer in any rolling `period`, across all journeys' },
);

const quietHours = closedObject(
  {
    start: localTime("Local time (HH:mm) quiet hours start, in the customer's time zone (the journey's without one)"),
    end: localTime('Local time (HH:mm) they end; earlier than start: the window spans midnight'),
    mode: nullableEnum(QUIET_HOURS_MODES, 'hold (default): send when they end; skip: do not send'),
  },
  ['start', 'end'],
  { description: 'Default quiet hours of every journey (a journey may set its own or turn them off)' },
);

const settingsFields = (): Record<string, JsonSchema> => ({
  consentMode: {
    enum: [...CONSENT_MODES],
    description:
      'optIn (default): without a consent record a message is not sent; optOut: it is sent unless the customer opted out',
  },
  frequencyCaps: {
    type: 'array',
    maxItems: DELIVERY_LIMITS.capsMax,
    items: frequencyCap,
    description: 'Caps per channel across all journeys; transactional sends are neither capped nor counted',
  },
  quietHours: nullable(quietHours),
});

export const deliverySettingsSchema: JsonSchema = schemaFile(
  'delivery-settings.json',
  'DeliverySettings',
  'The body of `PUT /settings`: the whole of the delivery settings; a field left out takes its default (optIn, no caps, no quiet hours).',
  {
    ...closedObject(settingsFields(), []),
    examples: [
      {
        consentMode: 'optIn',
        frequencyCaps: [{ channel: 'email', count: 3, period: 'P7D' }],
        quietHours: { start: '21:00', end: '08:00', mode: 'hold' },
      },
    ],
  },
);

export const deliverySettingsStateSchema: JsonSchema = schemaFile(
  'delivery-settings-state.json',
  'DeliverySettingsState',
  'The delivery settings in force, their revision (the ETag) and who changed them last.',
  open(
    {
      ...settingsFields(),
      revision: { type: 'integer', description: 'Send it back as If-Match: "<revision>" (-1: never changed)' },
      changedAt: { type: 'string', format: 'date-time' },
      changedBy: { type: 'string' },
    },
    ['consentMode', 'frequencyCaps', 'revision'],
  ),
);

export const settingsAuditPageSchema: JsonSchema = schemaFile(
  'settings-audit-history.json',
  'SettingsAuditPage',
  'Who changed the delivery settings, when, what changed (or why the change was refused); `next` is the cursor of the following page.',
  open(
    {
      entries: {
        type: 'array',
        items: open(
          {
            at: { type: 'string', format: 'date-time' },
            actor: { type: 'string' },
            action: { const: 'changeSettings' },
            outcome: { enum: ['accepted', 'refused'] },
            revision: { type: 'integer' },
            details: {
              type: 'object',
              description: 'accepted: `changed` (field names) and `settings`; refused: `error`',
            },
          },
          ['at', 'actor', 'action', 'outcome', 'details'],
        ),
      },
      next: { type: 'string' },
    },
    ['entries'],
  ),
);

/** The delivery controls' schema files, by name. */
export const DELIVERY_SCHEMAS: Record<string, JsonSchema> = {
  'consent-message.json': consentMessageSchema,
  'consent-batch.json': consentBatchSchema,
  'consent-request.json': consentRequestSchema,
  'delivery-settings.json': deliverySettingsSchema,
  'delivery-settings-state.json': deliverySettingsStateSchema,
  'settings-audit-history.json': settingsAuditPageSchema,
};
