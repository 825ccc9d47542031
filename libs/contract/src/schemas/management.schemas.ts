/** Request and response bodies of the management API (journeys, templates, trigger definitions, admin). */
import { LIMITS } from '@journeys/definition';
import { list, nonBlankText, nullable, type JsonSchema } from './common';

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

/** Trigger and attribute names: they appear in `trigger.<name>` paths. */
export const TRIGGER_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$';
export const ATTRIBUTE_TYPES = ['text', 'number', 'boolean', 'datetime', 'reference'] as const;
/** The read models `POST /admin/projections/rebuild` can rebuild (the service's PROJECTIONS; a test keeps them equal). */
export const PROJECTION_NAMES = [
  'journey_state',
  'audit_history',
  'trigger_definitions',
  'templates',
  'analytics',
  'customer_progress',
] as const;
export const JOURNEY_STATES = [
  'Draft',
  'Publishing',
  'Live',
  'Live, editing',
  'Completing',
  'Completed',
  'Stopping',
  'Stopped',
];

const name = (description: string): JsonSchema => ({
  type: 'string',
  pattern: TRIGGER_NAME_PATTERN,
  description: `1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit (${description})`,
});
const version = {
  type: 'integer',
  minimum: 1,
  description: 'A version number of the journey; the newest when omitted',
};
const message = (id: string, title: string, description: string, body: JsonSchema): JsonSchema => ({
  $schema: DRAFT_2020,
  $id: id,
  title,
  description,
  ...body,
});
const closed = (properties: Record<string, JsonSchema>, required: string[], extra: JsonSchema = {}): JsonSchema => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties,
  ...extra,
});
const open = (properties: Record<string, JsonSchema>, required: string[]): JsonSchema => ({
  type: 'object',
  required,
  properties,
});

export const MANAGEMENT_REQUEST_SCHEMAS: Record<string, JsonSchema> = {
  'trigger-definition-request.json': message(
    'trigger-definition-request.json',
    'CreateTriggerDefinitionRequest',
    "A trigger's typed schema; journeys publish only against Ready ones.",
    closed(
      {
        name: name('The trigger name'),
        description: nullable({ type: 'string', maxLength: LIMITS.descriptionMaxLength }),
        attributes: {
          ...list(
            closed({ name: name('The attribute name'), type: { enum: [...ATTRIBUTE_TYPES] } }, ['name', 'type']),
            'At most 30 attributes, each name once',
            30,
          ),
          uniqueItems: true,
        },
      },
      ['name', 'attributes'],
      {
        examples: [
          {
            name: 'signed-up',
            description: 'A customer created an account',
            attributes: [{ name: 'plan', type: 'text' }],
          },
        ],
      },
    ),
  ),
  'copy-journey-request.json': message(
    'copy-journey-request.json',
    'CopyJourneyRequest',
    'A new journey in Draft with the definition of one version of this one.',
    closed(
      { name: nonBlankText(LIMITS.nameMaxLength, "The new journey's name"), version: nullable(version) },
      ['name'],
      {
        examples: [{ name: 'Welcome series (copy)' }],
      },
    ),
  ),
  'save-as-template-request.json': message(
    'save-as-template-request.json',
    'SaveAsTemplateRequest',
    "An immutable snapshot of one version's definition.",
    closed(
      {
        name: nonBlankText(LIMITS.nameMaxLength, 'Unique among templates (case-insensitive)'),
        description: nullable({ type: 'string', maxLength: LIMITS.descriptionMaxLength }),
        version: nullable(version),
      },
      ['name'],
      { examples: [{ name: 'Welcome template', description: 'Our standard welcome' }] },
    ),
  ),
  'create-from-template-request.json': message(
    'create-from-template-request.json',
    'CreateFromTemplateRequest',
    'A new journey in Draft from a template, with a new name and optional replacements of its audience, schedule, exit and goal.',
    closed(
      {
        name: nonBlankText(LIMITS.nameMaxLength, "The new journey's name"),
        overrides: nullable({ $ref: '#/$defs/templateOverrides' }),
      },
      ['name'],
      {
        examples: [
          {
            name: 'Spring welcome',
            overrides: { schedule: { start: '2027-03-01T09:00:00', timeZone: 'Europe/Paris' } },
          },
        ],
        $defs: {
          templateOverrides: closed(
            {
              audience: { $ref: 'journey-definition.json#/$defs/audience' },
              schedule: { $ref: 'journey-definition.json#/$defs/schedule' },
              exit: { $ref: 'journey-definition.json#/$defs/exitRules' },
              goal: { $ref: 'journey-definition.json#/$defs/goal' },
            },
            [],
            { description: 'Replace these parts of the template' },
          ),
        },
      },
    ),
  ),
  'rebuild-projections-request.json': message(
    'rebuild-projections-request.json',
    'RebuildProjectionsRequest',
    'Drops the named read models (all when `names` is absent) and replays the event store into them.',
    closed({ names: nullable(list({ enum: [...PROJECTION_NAMES] }, 'Projection names')) }, [], {
      examples: [{}, { names: ['analytics'] }],
    }),
  ),
};

const versionState = { enum: JOURNEY_STATES.filter((state) => state !== 'Live, editing') };
const problems = { type: 'array', items: { $ref: 'problem.json' } };

export const MANAGEMENT_RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
  'journey.json': message(
    'journey.json',
    'Journey',
    'A journey: its displayed state, revision (the ETag) and versions.',
    open(
      {
        id: { type: 'string' },
        name: { type: 'string' },
        state: { enum: JOURNEY_STATES },
        revision: { type: 'integer', description: 'Send it back as If-Match: "<revision>"' },
        createdAt: { type: 'string', format: 'date-time' },
        createdBy: { type: 'string' },
        updatedAt: { type: 'string', format: 'date-time' },
        versions: {
          type: 'array',
          items: open({ version: { type: 'integer' }, state: versionState, validationErrors: problems }, [
            'version',
            'state',
          ]),
        },
      },
      ['id', 'name', 'state', 'revision', 'versions'],
    ),
  ),
  'journey-list.json': message(
    'journey-list.json',
    'JourneyList',
    'Journeys, optionally of one state.',
    open(
      {
        journeys: {
          type: 'array',
          items: open(
            {
              id: { type: 'string' },
              name: { type: 'string' },
              state: { enum: JOURNEY_STATES },
              revision: { type: 'integer' },
              updatedAt: { type: 'string' },
            },
            ['id', 'name', 'state', 'revision'],
          ),
        },
      },
      ['journeys'],
    ),
  ),
  'journey-version.json': message(
    'journey-version.json',
    'JourneyVersion',
    'One version: its definition, state and validation errors.',
    open(
      {
        version: { type: 'integer' },
        state: versionState,
        definition: { $ref: 'journey-definition.json' },
        validationErrors: problems,
      },
      ['version', 'state', 'definition'],
    ),
  ),
  'audit-history.json': message(
    'audit-history.json',
    'AuditHistoryPage',
    'Who did what, when, to which version, with what result; `next` is the cursor of the following page.',
    open(
      {
        entries: {
          type: 'array',
          items: open(
            {
              at: { type: 'string' },
              actor: { type: 'string' },
              action: { type: 'string' },
              version: { type: 'integer' },
              outcome: { enum: ['accepted', 'rejected', 'refused', 'pending'] },
              state: { type: 'string' },
              details: { type: 'object' },
            },
            ['at', 'actor', 'action', 'outcome', 'state', 'details'],
          ),
        },
        next: { type: 'string' },
      },
      ['entries'],
    ),
  ),
  'analytics.json': message(
    'analytics.json',
    'JourneyAnalytics',
    'Per version and step: entered, at the step now, passed, exited; exits and blocked entries by reason; goal progress.',
    open(
      {
        journeyId: { type: 'string' },
        versions: {
          type: 'array',
          items: open(
            {
              version: { type: 'integer' },
              state: versionState,
              entered: { type: 'integer' },
              active: { type: 'integer' },
              completed: { type: 'integer' },
              exited: { type: 'integer' },
              removed: { type: 'integer' },
              exitedBy: {
                type: 'object',
                additionalProperties: { type: 'integer' },
                description: 'Exits by reason (exitStep, exitTrigger, exitSegment, LoopLimit, ...)',
              },
              blocked: {
                type: 'object',
                additionalProperties: { type: 'integer' },
                description: 'Entries refused by reason',
              },
              steps: {
                type: 'array',
                items: open(
                  {
                    stepId: { type: 'string' },
                    entered: { type: 'integer' },
                    current: { type: 'integer' },
                    passed: { type: 'integer' },
                    exited: { type: 'integer' },
                  },
                  ['stepId', 'entered', 'current', 'passed', 'exited'],
                ),
              },
              goal: open({ reached: { type: 'integer' }, target: { type: 'integer' } }, ['reached', 'target']),
            },
            ['version', 'entered', 'active', 'completed', 'exited', 'removed', 'steps', 'goal'],
          ),
        },
      },
      ['journeyId', 'versions'],
    ),
  ),
  'customer-progress.json': message(
    'customer-progress.json',
    'CustomerProgress',
    "One customer's instances of a journey: status, current step and history.",
    open(
      {
        customerId: { type: 'string' },
        instances: {
          type: 'array',
          items: open(
            {
              version: { type: 'integer' },
              entry: { type: 'integer' },
              status: { enum: ['active', 'completed', 'exited', 'removed'] },
              currentStep: { type: 'string' },
              history: {
                type: 'array',
                items: open({ stepId: { type: 'string' }, at: { type: 'string' }, event: { type: 'string' } }, [
                  'at',
                  'event',
                ]),
              },
            },
            ['version', 'entry', 'status', 'history'],
          ),
        },
      },
      ['customerId', 'instances'],
    ),
  ),
  'template.json': message(
    'template.json',
    'Template',
    'An immutable snapshot of a journey version.',
    open(
      {
        id: { type: 'string' },
        name: { type: 'string' },
        description: { type: 'string' },
        definition: { $ref: 'journey-definition.json' },
        source: open({ journeyId: { type: 'string' }, version: { type: 'integer' } }, ['journeyId', 'version']),
        createdAt: { type: 'string' },
        createdBy: { type: 'string' },
      },
      ['id', 'name', 'definition', 'source'],
    ),
  ),
  'template-list.json': message(
    'template-list.json',
    'TemplateList',
    'Every template, without definitions.',
    open(
      {
        templates: {
          type: 'array',
          items: open(
            {
              id: { type: 'string' },
              name: { type: 'string' },
              description: { type: 'string' },
              source: { type: 'object' },
              createdAt: { type: 'string' },
            },
            ['id', 'name'],
          ),
        },
      },
      ['templates'],
    ),
  ),
  'template-saved.json': message(
    'template-saved.json',
    'TemplateSaved',
    'The new template.',
    open({ id: { type: 'string' }, name: { type: 'string' } }, ['id', 'name']),
  ),
  'trigger-definition.json': message(
    'trigger-definition.json',
    'TriggerDefinition',
    'A trigger definition and its state.',
    open(
      {
        name: { type: 'string' },
        status: { enum: ['Draft', 'Ready'] },
        description: { type: 'string' },
        attributes: {
          type: 'array',
          items: open({ name: { type: 'string' }, type: { enum: [...ATTRIBUTE_TYPES] } }, ['name', 'type']),
        },
        createdAt: { type: 'string' },
        createdBy: { type: 'string' },
      },
      ['name', 'status', 'attributes'],
    ),
  ),
  'trigger-definition-list.json': message(
    'trigger-definition-list.json',
    'TriggerDefinitionList',
    'Every trigger definition.',
    open({ triggerDefinitions: { type: 'array', items: { $ref: 'trigger-definition.json' } } }, ['triggerDefinitions']),
  ),
  'trigger-definition-state.json': message(
    'trigger-definition-state.json',
    'TriggerDefinitionState',
    "The trigger definition's name and state after the command.",
    open({ name: { type: 'string' }, state: { enum: ['Draft', 'Ready'] } }, ['name', 'state']),
  ),
  'health.json': message(
    'health.json',
    'HealthReport',
    'ok, degraded (projections, engine or Kafka report an error) or down (the event store does not answer: 503). No customer data.',
    open(
      {
        status: { enum: ['ok', 'degraded', 'down'] },
        eventStore: open({ status: { enum: ['up', 'down'] }, head: { type: 'string' }, error: { type: 'string' } }, [
          'status',
        ]),
        projections: { type: 'object' },
        engine: { type: 'object' },
        kafka: { type: 'object', description: 'Present when KAFKA_BROKERS is set' },
      },
      ['status', 'eventStore'],
    ),
  ),
  'rebuild-result.json': message(
    'rebuild-result.json',
    'RebuildResult',
    'What was rebuilt and how long it took.',
    open(
      {
        projections: { type: 'array', items: { type: 'string' } },
        events: { type: 'integer' },
        ms: { type: 'integer' },
      },
      ['projections', 'events', 'ms'],
    ),
  ),
};
