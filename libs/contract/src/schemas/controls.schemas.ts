/**
 * The delivery controls of a journey definition (docs/journey-definition.md, "Delivery controls"):
 * their shapes, as `$defs` of `journey-definition.json`. Ranges and cross-field rules are checked at
 * publish (`validate-controls.ts` in the definition library).
 */
import { ENTRY_LIMIT_MAX_COUNT, ENTRY_LIMIT_PERIODS, EXPERIMENT_MAX_SAMPLE, WEEKDAYS } from '@journeys/definition';
import { duration, identifier, nullable, type JsonSchema } from './common';

const LOCAL_TIME = '^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$';
const localTime = (description: string): JsonSchema => ({
  type: 'string',
  pattern: LOCAL_TIME,
  'x-codes': { pattern: 'InvalidLocalTime' },
  description,
  examples: ['09:00'],
});

const object = (properties: Record<string, JsonSchema>, required: string[], extra: JsonSchema = {}): JsonSchema => ({
  type: 'object',
  required,
  properties,
  additionalProperties: false,
  ...extra,
});

export const CONTROL_DEFS: Record<string, JsonSchema> = {
  experiment: object(
    {
      metric: {
        type: 'object',
        discriminator: { propertyName: 'type' },
        'x-codes': { discriminator: 'InvalidValue' },
        description: 'A conversion: the journey goal, or a trigger, within `within` of the assignment',
        oneOf: [
          object(
            { type: { const: 'goal' }, within: duration('Conversion window after the assignment, at most 90 days') },
            ['type', 'within'],
          ),
          object(
            {
              type: { const: 'trigger' },
              trigger: identifier('A trigger definition that is Ready'),
              within: duration('Conversion window after the assignment, at most 90 days'),
            },
            ['type', 'trigger', 'within'],
          ),
        ],
      },
      decideAfter: duration('Conclude this long after the version went live (longer than the window)'),
      sampleSize: {
        type: 'integer',
        minimum: 1,
        maximum: EXPERIMENT_MAX_SAMPLE,
        'x-codes': { type: 'InvalidExperiment', minimum: 'InvalidExperiment', maximum: 'InvalidExperiment' },
        description: 'Conclude once every branch has this many customers whose window has closed',
      },
      significance: nullable({
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 0.5,
        'x-codes': { exclusiveMinimum: 'InvalidExperiment', maximum: 'InvalidExperiment' },
        description: 'Two-sided significance level of the test, default 0.05',
      }),
    },
    ['metric'],
    {
      description:
        'An A/B test: two-proportion z-tests of the best branch against each other (Bonferroni-corrected); a significant winner takes later customers',
      oneOf: [{ required: ['decideAfter'] }, { required: ['sampleSize'] }],
      'x-exclusive': ['decideAfter', 'sampleSize'],
    },
  ),
  entryLimit: object(
    {
      count: {
        type: 'integer',
        minimum: 1,
        maximum: ENTRY_LIMIT_MAX_COUNT,
        'x-codes': { type: 'InvalidEntryLimit', minimum: 'InvalidEntryLimit', maximum: 'InvalidEntryLimit' },
        description: 'At most this many entries per period (1 to 1,000,000)',
      },
      per: {
        type: 'string',
        enum: [...ENTRY_LIMIT_PERIODS],
        'x-codes': { enum: 'InvalidValue' },
        description: 'PT1H (an hour) or P1D (a day) of the journey time zone',
      },
      weekdays: nullable({
        type: 'array',
        minItems: 1,
        maxItems: 7,
        uniqueItems: true,
        items: { type: 'string', enum: [...WEEKDAYS], 'x-codes': { enum: 'InvalidValue' } },
        'x-codes': { minItems: 'InvalidEntryLimit', uniqueItems: 'InvalidEntryLimit' },
        description: 'Days entries are allowed on (mon..sun); default every day',
      }),
      hours: nullable(
        object(
          {
            from: localTime('Local time entries start, HH:MM'),
            to: localTime('Local time entries end, HH:MM (24:00: midnight); after from'),
          },
          ['from', 'to'],
          { description: 'Hours entries are allowed in; default the whole day' },
        ),
      ),
    },
    ['count', 'per'],
    {
      description:
        'At most count entries per hour or day, spread evenly over the period (never in bursts); a trigger or dynamic joiner waits at most one period for its slot, else is blocked (rateLimited); a segment enrolment enters the rest in order',
    },
  ),
  pauseRules: object(
    {
      maxDuration: nullable(duration('Longest a pause may last, at most 90 days; default P21D')),
      whenExceeded: nullable({
        type: 'string',
        enum: ['resume', 'stop'],
        'x-codes': { enum: 'InvalidValue' },
        description: 'How a pause that reaches maxDuration ends: resume (default) or stop the version',
      }),
    },
    [],
    { description: 'How long a version may stay paused, and how such a pause ends by itself' },
  ),
};
