/** Response bodies of the REST API (what `GET /journeys/{id}` and the other reads return). */
import { openObject as open, schemaFile as message, type JsonSchema } from './common';
import { ANALYTICS_RESPONSE_SCHEMAS, conclusion, versionState } from './analytics.schemas';
import { ATTRIBUTE_TYPES, JOURNEY_STATES } from './management.schemas';

const problems = { type: 'array', items: { $ref: 'problem.json' } };
/** Most recent entries refused to a customer, oldest first. */
const blockedEntries = {
  type: 'array',
  items: open(
    { version: { type: 'integer' }, at: { type: 'string' }, reason: { type: 'string' }, triggerId: { type: 'string' } },
    ['version', 'at', 'reason'],
  ),
};

/** Most recent entries that waited for their slot of a rate-limited version, oldest first. */
const delayedEntries = {
  type: 'array',
  items: open(
    {
      version: { type: 'integer' },
      at: { type: 'string' },
      reason: { type: 'string', description: 'rateLimited' },
      enterAt: { type: 'string', description: 'The slot the customer enters at' },
      triggerId: { type: 'string' },
    },
    ['version', 'at', 'reason', 'enterAt'],
  ),
};

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
          items: open(
            {
              version: { type: 'integer' },
              state: versionState,
              validationErrors: problems,
              pause: open(
                {
                  pausedAt: { type: 'string', format: 'date-time' },
                  endsAt: { type: 'string', format: 'date-time', description: 'When the pause ends by itself' },
                  whenExceeded: { enum: ['resume', 'stop'] },
                },
                ['pausedAt', 'endsAt', 'whenExceeded'],
              ),
              experiments: {
                type: 'object',
                description:
                  'Experiments partitions reported on, by split step id: the conclusion, or null while it runs',
                additionalProperties: open({ concluded: { type: ['object', 'null'], properties: conclusion } }, [
                  'concluded',
                ]),
              },
            },
            ['version', 'state'],
          ),
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
  ...ANALYTICS_RESPONSE_SCHEMAS,
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
        blocked: blockedEntries,
        delayed: delayedEntries,
      },
      ['customerId', 'instances'],
    ),
  ),
  'customer-journeys.json': message(
    'customer-journeys.json',
    'CustomerJourneys',
    "One customer's instances and blocked entries in every journey they entered or were blocked from.",
    open(
      {
        customerId: { type: 'string' },
        journeys: {
          type: 'array',
          items: open(
            {
              journeyId: { type: 'string' },
              name: { type: ['string', 'null'], description: 'null once the journey is gone from the read model' },
              instances: { type: 'array', items: { type: 'object' }, description: 'As in CustomerProgress' },
              blocked: blockedEntries,
              delayed: delayedEntries,
            },
            ['journeyId', 'name', 'instances', 'blocked'],
          ),
        },
      },
      ['customerId', 'journeys'],
    ),
  ),
  'probe.json': message(
    'probe.json',
    'ProbeResult',
    'A liveness or readiness probe (Terminus): ok or error, and each check with its details.',
    open(
      {
        status: { enum: ['ok', 'error', 'shutting_down'] },
        info: { type: 'object', description: 'The checks that are up' },
        error: { type: 'object', description: 'The checks that are down' },
        details: { type: 'object', description: 'Every check' },
      },
      ['status'],
    ),
  ),
  'caller.json': message(
    'caller.json',
    'Caller',
    'Who the presented API key is: its name (the actor in the audit history) and its role.',
    open({ name: { type: 'string' }, role: { enum: ['admin', 'editor', 'viewer', 'ingest'] } }, ['name', 'role']),
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
