/**
 * The journey definition (docs/journey-definition.md): what `POST /journeys` and
 * `PUT /journeys/{id}/draft` take, what `CreateJourney` / `UpdateDraft` commands carry and what the
 * CLI validates offline. Shape only: graph, reference and time rules are checked at publish
 * (`validateForPublish`); conditions nest at most `LIMITS.conditionMaxDepth` levels (checked in code,
 * before the schema, so no depth can exhaust the stack).
 */
import { CHANNELS, LIMITS, LOCAL_TIME_PATTERN, QUIET_HOURS_MODES } from '@journeys/definition';
import { INSTANT_PATTERN, NOT_BLANK_PATTERN } from '../formats';
import {
  duration,
  identifier,
  list,
  localDateTime,
  nonBlankText,
  nullable,
  nullableEnum,
  ref,
  type JsonSchema,
} from './common';
import { CONTROL_DEFS } from './controls.schemas';

const ATTRIBUTE_REFERENCE: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: LIMITS.identifierMaxLength + 'trigger.'.length,
  pattern: `^(trigger|profile)\\.[\\s\\S]*${NOT_BLANK_PATTERN}`,
  'x-codes': { pattern: 'InvalidAttributeReference', minLength: 'TooShort' },
  description: "`trigger.<name>` (an attribute of the instance's triggers) or `profile.<name>` (of the customer)",
  examples: ['trigger.plan'],
};

const SCALAR: JsonSchema = {
  type: ['string', 'number', 'boolean'],
  maxLength: LIMITS.valueMaxLength,
  description: 'Text (at most 1,000 characters), a number or true/false; never null',
};

const object = (properties: Record<string, JsonSchema>, required: string[], extra: JsonSchema = {}): JsonSchema => ({
  type: 'object',
  required,
  properties,
  additionalProperties: false,
  ...extra,
});

const leaf = (ops: readonly string[], value: JsonSchema | undefined, description: string): JsonSchema =>
  object(
    { attribute: ref('attributeReference'), op: { enum: ops }, ...(value ? { value } : {}) },
    value && ops[0] !== 'exists' ? ['attribute', 'op', 'value'] : ['attribute', 'op'],
    { description },
  );

const instantOperand: JsonSchema = {
  type: 'string',
  format: 'instant',
  pattern: INSTANT_PATTERN,
  'x-codes': { type: 'InvalidCondition', format: 'InvalidCondition', pattern: 'InvalidCondition' },
  description: 'A date-time with Z or an offset: a condition has no time zone of its own',
};

const LEAF_CONDITION: JsonSchema = {
  type: 'object',
  required: ['attribute', 'op'],
  discriminator: { propertyName: 'op' },
  'x-codes': { discriminator: 'InvalidValue' },
  description: 'Compares an attribute; a missing attribute matches only `ne` and `exists: false`',
  oneOf: [
    leaf(['eq', 'ne', 'contains'], ref('scalar'), 'Equal, not equal, contains (substring or list member)'),
    leaf(
      ['in'],
      { type: 'array', maxItems: LIMITS.listMaxLength, items: ref('scalar'), 'x-codes': { type: 'InvalidCondition' } },
      'Equals one of the values',
    ),
    leaf(
      ['gt', 'gte', 'lt', 'lte'],
      { 'x-codes': { oneOf: 'InvalidCondition' }, oneOf: [{ type: 'number' }, instantOperand] },
      'Orders numbers and date-times',
    ),
    leaf(['before', 'after'], instantOperand, 'Earlier / later than a date-time'),
    leaf(
      ['exists'],
      { type: 'boolean', 'x-codes': { type: 'InvalidCondition' } },
      'Has a value (true, the default) or has none (false)',
    ),
  ],
};

const CONDITIONS: Record<string, JsonSchema> = {
  condition: {
    description:
      'A leaf `{ attribute, op, value }`, `{ inSegment }`, or `{ all: [...] }`, `{ any: [...] }`, `{ not: {...} }`; nests at most 10 levels',
    type: 'object',
    'x-codes': { oneOf: 'InvalidCondition' },
    oneOf: [
      LEAF_CONDITION,
      object({ inSegment: identifier('The customer is in this segment') }, ['inSegment']),
      object({ all: list(ref('condition'), 'Every condition holds (an empty list holds)') }, ['all']),
      object({ any: list(ref('condition'), 'At least one holds (an empty list never does)') }, ['any']),
      object({ not: ref('condition') }, ['not']),
    ],
  },
  attributeReference: ATTRIBUTE_REFERENCE,
  scalar: SCALAR,
};

const successor = (description: string) => nullable(identifier(description));

const step = (type: string, properties: Record<string, JsonSchema>, required: string[], extra: JsonSchema = {}) =>
  object(
    { id: identifier('Unique within the journey'), type: { const: type }, ...properties },
    ['id', 'type', ...required],
    extra,
  );

const STEPS: Record<string, JsonSchema> = {
  step: {
    type: 'object',
    description: "A step; one without a successor completes the customer's journey",
    discriminator: { propertyName: 'type' },
    'x-codes': { discriminator: 'UnknownStepType' },
    oneOf: ['send', 'wait', 'waitForTrigger', 'branch', 'split', 'activateTrigger', 'exit'].map((type) =>
      ref(`${type}Step`),
    ),
  },
  sendStep: step(
    'send',
    {
      channel: { enum: [...CHANNELS] },
      content: nonBlankText(LIMITS.contentMaxLength, 'What to send: a content or template id your sender knows'),
      expires: nullable(
        duration(
          'A message not handed out within this (held by quiet hours, waiting in the output) is cancelled: Expired',
        ),
      ),
      topic: nullable(identifier('The consent topic the message needs besides its channel')),
      transactional: nullable({
        type: 'boolean',
        description:
          "Needs no consent, is not capped and ignores quiet hours (a receipt, a password reset); overrides the journey's delivery.transactional",
      }),
      quietHours: nullableEnum(
        QUIET_HOURS_MODES,
        "Inside quiet hours: hold the message until they end, or skip it; overrides the journey's mode",
      ),
      next: successor('The following step'),
    },
    ['channel', 'content'],
    { description: 'Requests a message: an action request goes to the actions output' },
  ),
  waitStep: step(
    'wait',
    {
      duration: duration('How long to hold the customer, at most 90 days'),
      until: localDateTime("A date-time, read in the journey's time zone when it has no offset"),
      untilAttribute: { ...ATTRIBUTE_REFERENCE, description: 'A date-time attribute to wait until' },
      offset: duration('Shifts untilAttribute; may start with -'),
      next: successor('The following step'),
    },
    [],
    {
      description: 'Holds the customer on a durable timer: exactly one of duration, until, untilAttribute',
      oneOf: [{ required: ['duration'] }, { required: ['until'] }, { required: ['untilAttribute'] }],
      'x-exclusive': ['duration', 'until', 'untilAttribute'],
      dependentRequired: { offset: ['untilAttribute'] },
      'x-codes': { dependentRequired: 'ConflictingFields' },
    },
  ),
  waitForTriggerStep: step(
    'waitForTrigger',
    {
      trigger: identifier('The trigger to wait for'),
      conditions: nullable(ref('condition')),
      correlate: nullable(identifier('A send step whose actionId the trigger must carry')),
      within: duration('How long to wait, at most 90 days'),
      yes: successor('Where a matching trigger leads'),
      no: successor('Where the time running out leads'),
    },
    ['trigger', 'within'],
    { description: 'Waits up to `within` for a trigger of this customer' },
  ),
  branchStep: step(
    'branch',
    {
      branches: list(
        object({ if: ref('condition'), next: successor('Where this branch leads') }, ['if']),
        'Evaluated in order when the customer arrives; 1..25',
      ),
      otherwise: successor('Where a customer no branch matched goes'),
    },
    ['branches'],
    { description: 'The first branch whose condition holds wins' },
  ),
  splitStep: step(
    'split',
    {
      branches: list(
        object({ weight: { type: 'number' }, next: successor('Where this branch leads; none: a hold-out group') }, [
          'weight',
        ]),
        '2..25 branches with positive weights',
      ),
      experiment: nullable(ref('experiment')),
    },
    ['branches'],
    { description: 'Random but sticky: a customer always gets the same branch of a step' },
  ),
  activateTriggerStep: step(
    'activateTrigger',
    {
      trigger: identifier('The trigger to raise for this customer'),
      attributes: nullable({
        type: 'object',
        maxProperties: LIMITS.activatedAttributesMax,
        'x-codes': { maxProperties: 'TooLong', propertyNames: 'InvalidAttributeName' },
        propertyNames: {
          minLength: 1,
          maxLength: LIMITS.identifierMaxLength,
          pattern: NOT_BLANK_PATTERN,
          not: { const: '__proto__' },
        },
        additionalProperties: {
          'x-codes': { oneOf: 'WrongType' },
          oneOf: [ref('scalar'), object({ from: ref('attributeReference') }, ['from'])],
        },
        description: 'Values: literals, or `{ "from": "trigger.x" | "profile.x" }` copies; at most 30',
      }),
      next: successor('The following step'),
    },
    ['trigger'],
    { description: 'Raises a trigger for this customer, which may start or move other journeys' },
  ),
  exitStep: step('exit', {}, [], { description: "Ends the customer's journey as exited" }),
};

const AUDIENCE: Record<string, JsonSchema> = {
  audience: {
    type: 'object',
    discriminator: { propertyName: 'type' },
    'x-codes': { discriminator: 'InvalidValue' },
    oneOf: [ref('triggerAudience'), ref('segmentAudience')],
  },
  triggerAudience: object(
    {
      type: { const: 'trigger' },
      trigger: identifier('A trigger definition that is Ready'),
      conditions: nullable(ref('condition')),
      reentry: nullable({
        type: 'object',
        discriminator: { propertyName: 'mode' },
        'x-codes': { discriminator: 'InvalidValue' },
        oneOf: [
          object({ mode: { const: 'never' } }, ['mode']),
          object({ mode: { const: 'always' } }, ['mode']),
          object({ mode: { const: 'after' }, after: duration('How long after an entry another may start') }, [
            'mode',
            'after',
          ]),
        ],
        description: 'Default never',
      }),
      exclusionSegments: nullable(list(identifier(), 'Members may not start the journey')),
      entryLimit: nullable(ref('entryLimit')),
    },
    ['type', 'trigger'],
    { description: 'Customers enter when a trigger arrives' },
  ),
  segmentAudience: object(
    {
      type: { const: 'segment' },
      segments: list(identifier(), '1..15 segment ids'),
      frequency: nullable({
        type: 'object',
        discriminator: { propertyName: 'mode' },
        'x-codes': { discriminator: 'InvalidValue' },
        oneOf: [
          object({ mode: { const: 'once' } }, ['mode']),
          object({ mode: { const: 'dynamic' } }, ['mode']),
          object(
            {
              mode: { const: 'recurring' },
              every: duration('Time between runs'),
              occurrences: nullable({ type: 'number', description: 'Number of runs; unbounded when absent' }),
            },
            ['mode', 'every'],
          ),
        ],
        description: 'Default once',
      }),
      rejoinReentry: nullable({ type: 'boolean', description: 'dynamic only: re-joiners may enter again' }),
      exclusionSegments: nullable(list(identifier(), 'Members may not start the journey')),
      entryLimit: nullable(ref('entryLimit')),
    },
    ['type', 'segments'],
    { description: 'Customers enter as members of segments' },
  ),
};

/** `HH:mm`, 24-hour clock. */
export const localTime = (description: string): JsonSchema => ({
  type: 'string',
  pattern: LOCAL_TIME_PATTERN,
  'x-codes': { pattern: 'InvalidQuietHours' },
  description,
  examples: ['21:00'],
});

const DELIVERY: Record<string, JsonSchema> = {
  delivery: object(
    {
      transactional: nullable({
        type: 'boolean',
        description: 'Every send is transactional: no consent needed, not capped, no quiet hours (a step may override)',
      }),
      quietHours: nullable(ref('journeyQuietHours')),
    },
    [],
    { description: 'Journey-wide delivery controls (docs/delivery-controls.md)' },
  ),
  journeyQuietHours: object(
    {
      enabled: nullable({ type: 'boolean', description: 'false: no quiet hours for this journey (default true)' }),
      start: nullable(localTime("Local time (HH:mm) quiet hours start, in the customer's time zone")),
      end: nullable(localTime('Local time (HH:mm) they end; earlier than start: the window spans midnight')),
      mode: nullableEnum(QUIET_HOURS_MODES, 'hold (default) or skip'),
    },
    [],
    {
      description:
        "The journey's quiet hours: its own window (start and end together) or the settings' one, and its own mode",
      dependentRequired: { start: ['end'], end: ['start'] },
      'x-codes': { dependentRequired: 'Required' },
    },
  ),
};

const RULES: Record<string, JsonSchema> = {
  schedule: object(
    {
      start: nullable(
        localDateTime('When entries begin; local time in timeZone unless it has an offset', 'InvalidStartTime'),
      ),
      end: nullable(localDateTime('When entries end; customers inside finish', 'InvalidEndTime')),
      timeZone: nullable(identifier('IANA time zone of local times, default UTC')),
    },
    [],
    { description: 'When entries begin and end; local times are read in timeZone' },
  ),
  exitRules: object(
    {
      triggers: nullable(list(identifier(), 'Leave at once, from any step, on any of these triggers')),
      segments: nullable(list(identifier(), 'Leave at once on joining any of these segments')),
    },
    [],
    { description: 'Customers leave at once, from any step' },
  ),
  goal: object(
    {
      trigger: identifier('The trigger that counts as reaching the goal'),
      target: {
        type: 'object',
        properties: { percent: { type: 'number' }, count: { type: 'number' } },
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
        'x-codes': { minProperties: 'Required', maxProperties: 'ConflictingFields' },
        description: '`{ "percent": 20 }` of entrants or `{ "count": 500 }` customers',
      },
    },
    ['trigger', 'target'],
    { description: 'Counted once per instance, while inside and for three days after' },
  ),
};

export const journeyDefinitionSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'journey-definition.json',
  title: 'JourneyDefinition',
  description: 'A journey: who enters, when, and the steps they go through. `null` for an optional field means absent.',
  ...object(
    {
      name: nonBlankText(LIMITS.nameMaxLength, 'Unique among journeys (case-insensitive)'),
      description: nullable({ type: 'string', maxLength: LIMITS.descriptionMaxLength }),
      audience: ref('audience'),
      schedule: nullable(ref('schedule')),
      exit: nullable(ref('exitRules')),
      goal: nullable(ref('goal')),
      delivery: nullable(ref('delivery')),
      pause: nullable(ref('pauseRules')),
      steps: list(ref('step'), 'The first step is where every customer starts'),
    },
    ['name', 'audience', 'steps'],
  ),
  $defs: { ...AUDIENCE, ...STEPS, ...CONDITIONS, ...RULES, ...DELIVERY, ...CONTROL_DEFS },
};
