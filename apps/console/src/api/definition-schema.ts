import {
  CHANNELS,
  CONDITION_OPERATORS,
  ENTRY_LIMIT_MAX_COUNT,
  ENTRY_LIMIT_PERIODS,
  LIMITS,
  WEEKDAYS,
} from '@journeys/definition';

/**
 * The JSON Schema of a journey definition (CONTRACT section 1) that the draft editor completes and
 * checks against. This is the console's one place for it: until the service serves the schema of
 * the definition (issue 14), it is written here from the definition library's own constants;
 * then `definitionSchema` fetches the served document instead and this literal goes.
 * The server stays the judge: `parseDefinition` and publish validation decide, the schema helps typing.
 */
export async function definitionSchema(): Promise<Record<string, unknown>> {
  return DEFINITION_SCHEMA;
}

const identifier = { type: 'string', minLength: 1, maxLength: LIMITS.identifierMaxLength };
const duration = { type: 'string', pattern: '^-?P', description: 'ISO 8601 duration: PT30M, P2D, P1W' };
const dateTime = {
  type: 'string',
  description: 'ISO 8601 date-time, e.g. 2026-12-01T09:00:00 (journey time zone) or with Z',
};
const attributeReference = {
  type: 'string',
  pattern: '^(trigger|profile)\\.',
  description: 'trigger.<name> or profile.<name>',
};
const scalar = { type: ['string', 'number', 'boolean'] };
const next = { ...identifier, description: 'id of the following step; none completes the journey' };
const segments = { type: 'array', items: identifier, minItems: LIMITS.segmentsMin, maxItems: LIMITS.segmentsMax };

const localTime = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$', description: 'HH:MM' };
const entryLimit = {
  type: 'object',
  description: 'at most count entries per hour or day, spread evenly; optional weekdays and hours',
  required: ['count', 'per'],
  additionalProperties: false,
  properties: {
    count: { type: 'integer', minimum: 1, maximum: ENTRY_LIMIT_MAX_COUNT },
    per: { enum: [...ENTRY_LIMIT_PERIODS] },
    weekdays: { type: 'array', items: { enum: [...WEEKDAYS] }, minItems: 1, uniqueItems: true },
    hours: {
      type: 'object',
      required: ['from', 'to'],
      additionalProperties: false,
      properties: { from: localTime, to: localTime },
    },
  },
};
const step = (type: string, description: string, properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  description,
  properties: { id: identifier, type: { const: type }, ...properties },
  required: ['id', 'type', ...required],
  additionalProperties: false,
});

const DEFINITION_SCHEMA: Record<string, unknown> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Journey definition',
  type: 'object',
  required: ['name', 'audience', 'steps'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: LIMITS.nameMaxLength, description: 'unique among journeys' },
    description: { type: 'string', maxLength: LIMITS.descriptionMaxLength },
    audience: {
      description: 'who enters: customers raising a trigger, or members of segments',
      oneOf: [
        {
          type: 'object',
          required: ['type', 'trigger'],
          additionalProperties: false,
          properties: {
            type: { const: 'trigger' },
            trigger: { ...identifier, description: 'a Ready trigger definition' },
            conditions: { $ref: '#/definitions/condition' },
            reentry: {
              type: 'object',
              required: ['mode'],
              additionalProperties: false,
              properties: { mode: { enum: ['never', 'always', 'after'] }, after: duration },
            },
            exclusionSegments: segments,
            entryLimit,
          },
        },
        {
          type: 'object',
          required: ['type', 'segments'],
          additionalProperties: false,
          properties: {
            type: { const: 'segment' },
            segments,
            frequency: {
              type: 'object',
              required: ['mode'],
              additionalProperties: false,
              properties: {
                mode: { enum: ['once', 'dynamic', 'recurring'] },
                every: duration,
                occurrences: { type: 'integer', minimum: 1 },
              },
            },
            rejoinReentry: { type: 'boolean' },
            exclusionSegments: segments,
            entryLimit,
          },
        },
      ],
    },
    schedule: {
      type: 'object',
      additionalProperties: false,
      properties: {
        start: dateTime,
        end: dateTime,
        timeZone: { type: 'string', description: 'IANA zone, e.g. Europe/Paris' },
      },
    },
    exit: {
      type: 'object',
      additionalProperties: false,
      properties: { triggers: { type: 'array', items: identifier }, segments: { type: 'array', items: identifier } },
    },
    goal: {
      type: 'object',
      required: ['trigger', 'target'],
      additionalProperties: false,
      properties: {
        trigger: identifier,
        target: {
          oneOf: [
            {
              type: 'object',
              required: ['percent'],
              additionalProperties: false,
              properties: { percent: { type: 'number', exclusiveMinimum: 0, maximum: 100 } },
            },
            {
              type: 'object',
              required: ['count'],
              additionalProperties: false,
              properties: { count: { type: 'integer', minimum: 1 } },
            },
          ],
        },
      },
    },
    pause: {
      type: 'object',
      description: 'how long a pause may last (default P21D) and how it ends by itself (default resume)',
      additionalProperties: false,
      properties: { maxDuration: duration, whenExceeded: { enum: ['resume', 'stop'] } },
    },
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: LIMITS.stepsMax,
      description: 'the first step is where every customer starts',
      items: {
        oneOf: [
          step(
            'send',
            'requests a message',
            {
              channel: { enum: [...CHANNELS] },
              content: { type: 'string', minLength: 1, maxLength: LIMITS.contentMaxLength },
              expires: duration,
              next,
            },
            ['channel', 'content'],
          ),
          step('wait', 'holds the customer: one of duration, until, untilAttribute (+ offset)', {
            duration,
            until: dateTime,
            untilAttribute: attributeReference,
            offset: duration,
            next,
          }),
          step(
            'waitForTrigger',
            'yes when a matching trigger arrives within the time, else no',
            {
              trigger: identifier,
              conditions: { $ref: '#/definitions/condition' },
              correlate: { ...identifier, description: 'a send step whose actionId the trigger must carry' },
              within: duration,
              yes: next,
              no: next,
            },
            ['trigger', 'within'],
          ),
          step(
            'branch',
            'the first branch whose condition holds, else otherwise',
            {
              branches: {
                type: 'array',
                minItems: LIMITS.branchesMin,
                maxItems: LIMITS.branchesMax,
                items: {
                  type: 'object',
                  required: ['if'],
                  additionalProperties: false,
                  properties: { if: { $ref: '#/definitions/condition' }, next },
                },
              },
              otherwise: next,
            },
            ['branches'],
          ),
          step(
            'split',
            'random but sticky per customer, by weight',
            {
              branches: {
                type: 'array',
                minItems: LIMITS.splitBranchesMin,
                maxItems: LIMITS.branchesMax,
                items: {
                  type: 'object',
                  required: ['weight'],
                  additionalProperties: false,
                  properties: { weight: { type: 'number', exclusiveMinimum: 0 }, next },
                },
              },
              experiment: {
                type: 'object',
                description: 'an A/B test: the winner (two-proportion z-test) takes later customers',
                required: ['metric'],
                additionalProperties: false,
                properties: {
                  metric: {
                    type: 'object',
                    required: ['type', 'within'],
                    additionalProperties: false,
                    properties: { type: { enum: ['goal', 'trigger'] }, trigger: identifier, within: duration },
                  },
                  decideAfter: duration,
                  sampleSize: { type: 'integer', minimum: 1 },
                  significance: { type: 'number', exclusiveMinimum: 0, maximum: 0.5 },
                },
              },
            },
            ['branches'],
          ),
          step(
            'activateTrigger',
            'raises a trigger for this customer',
            {
              trigger: identifier,
              attributes: {
                type: 'object',
                maxProperties: LIMITS.activatedAttributesMax,
                additionalProperties: {
                  anyOf: [
                    scalar,
                    {
                      type: 'object',
                      required: ['from'],
                      additionalProperties: false,
                      properties: { from: attributeReference },
                    },
                  ],
                },
              },
              next,
            },
            ['trigger'],
          ),
          step('exit', 'ends the journey as exited', {}),
        ],
      },
    },
  },
  definitions: {
    condition: {
      description: 'a leaf { attribute, op, value }, { inSegment }, or all / any / not of conditions',
      anyOf: [
        {
          type: 'object',
          required: ['attribute', 'op'],
          additionalProperties: false,
          properties: {
            attribute: attributeReference,
            op: { enum: [...CONDITION_OPERATORS] },
            value: { anyOf: [scalar, { type: 'array', items: scalar }] },
          },
        },
        { type: 'object', required: ['inSegment'], additionalProperties: false, properties: { inSegment: identifier } },
        {
          type: 'object',
          required: ['all'],
          additionalProperties: false,
          properties: { all: { type: 'array', items: { $ref: '#/definitions/condition' } } },
        },
        {
          type: 'object',
          required: ['any'],
          additionalProperties: false,
          properties: { any: { type: 'array', items: { $ref: '#/definitions/condition' } } },
        },
        {
          type: 'object',
          required: ['not'],
          additionalProperties: false,
          properties: { not: { $ref: '#/definitions/condition' } },
        },
      ],
    },
  },
};
