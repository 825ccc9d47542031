/**
 * The `data` of every stored event (docs/events.md), published on `journeys.events` as CloudEvents
 * (`type` = `journeys.<EventType>`). Fields may be added over time, never renamed or removed.
 */
import type { JsonSchema } from './common';
import { consentMessageSchema } from './delivery.schemas';
import { segmentChangeSchema, triggerMessageSchema } from './ingestion.schemas';

const string = { type: 'string' };
const integer = { type: 'integer' };
const at = { type: 'string', format: 'date-time', description: 'The logical time the engine decided it' };
const definition = { $ref: 'journey-definition.json' };
const problems = { type: 'array', items: { $ref: 'problem.json' } };
const attributes = { type: 'object', description: 'Trigger attributes' };

const data = (description: string, properties: Record<string, JsonSchema>, required = Object.keys(properties)) => ({
  type: 'object',
  description,
  required,
  properties,
});

const journey = { journeyId: string, version: integer };

/** An accepted intake message as stored: the message's fields and when it was received. */
const received = (description: string, message: JsonSchema): JsonSchema => ({
  type: 'object',
  description,
  required: [...(message.required as string[]), 'receivedAt'],
  properties: {
    ...(message.properties as Record<string, JsonSchema>),
    receivedAt: { type: 'string', format: 'date-time' },
  },
});
const instance = { instanceId: string, journeyId: string, version: integer, customerId: string, entry: integer, at };

/** Why a delivery control skipped a send (`SendSkipped`). */
export const SEND_SKIPPED_REASONS = ['NoConsent', 'FrequencyCapped', 'QuietHours'];

const channel = { enum: ['email', 'sms', 'push', 'custom'] };
const deliverySettings = { $ref: 'delivery-settings.json' };

/** The delivery controls' events (docs/delivery-controls.md). */
const DELIVERY_EVENT_DATA: Record<string, JsonSchema> = {
  SendSkipped: data(
    'A delivery control stopped a send; the customer went on (NoConsent, FrequencyCapped, QuietHours with mode skip)',
    {
      ...instance,
      stepId: string,
      actionId: { type: 'string', description: 'The id the message would have had' },
      channel,
      topic: string,
      reason: { enum: SEND_SKIPPED_REASONS },
    },
    [...Object.keys(instance), 'stepId', 'actionId', 'channel', 'reason'],
  ),
  SendHeld: data(
    'A send fell inside quiet hours and is held (the customer with it) until they end, or until it expires',
    {
      ...instance,
      stepId: string,
      actionId: string,
      timerId: string,
      channel,
      until: { type: 'string', format: 'date-time', description: 'When the quiet hours end' },
      expiresAt: { type: 'string', format: 'date-time' },
      reason: { enum: ['QuietHours'] },
    },
    [...Object.keys(instance), 'stepId', 'actionId', 'timerId', 'channel', 'until', 'reason'],
  ),
};

/** Exit reasons of `CustomerExited`; `LoopLimit`: the loop guard stopped a customer going round without time passing. */
export const EXIT_REASONS = ['exitStep', 'exitTrigger', 'exitSegment', 'LoopLimit'];

export const EVENT_DATA: Record<string, JsonSchema> = {
  JourneyCreated: data('A journey was created (version 1, Draft)', { journeyId: string, name: string, definition }),
  JourneyCopied: data('A journey was created as a copy of a version of another', {
    journeyId: string,
    name: string,
    definition,
    source: data('The copied version', { journeyId: string, version: integer }),
  }),
  JourneyCreatedFromTemplate: data('A journey was created from a template (overrides applied)', {
    journeyId: string,
    name: string,
    definition,
    template: data('The template', { templateId: string, name: string }),
    overridden: { type: 'array', items: string },
  }),
  JourneyDraftUpdated: data('The draft was replaced', {
    ...journey,
    definition,
    changes: data('What changed, for the audit history', {
      stepsAdded: { type: 'array', items: string },
      stepsRemoved: { type: 'array', items: string },
      stepsChanged: { type: 'array', items: string },
      fieldsChanged: { type: 'array', items: string },
    }),
  }),
  JourneyPublishRequested: data('Publishing started: the version is validated', journey),
  JourneyPublishRejected: data('Validation failed: the version is back in Draft', {
    ...journey,
    validationErrors: problems,
  }),
  JourneyVersionWentLive: data('The version accepts entries (from its scheduled start)', journey),
  JourneyEditStarted: data('A new Draft version beside the Live one', { ...journey, basedOn: integer, definition }),
  JourneyDraftDiscarded: data('The newer Draft version was dropped', journey),
  JourneyVersionCompleting: data('No new entries; customers inside finish', {
    ...journey,
    reason: { enum: ['newerVersionPublished', 'endTimePassed', 'allSegmentMembersEntered', 'allOccurrencesRun'] },
  }),
  JourneyVersionCompleted: data('Every customer has finished', journey),
  JourneyVersionStopRequested: data(
    'Stopping: customers are removed, unsent actions cancelled',
    { ...journey, reason: { enum: ['maxPauseReached'], description: 'Set when a pause reached its maximum' } },
    ['journeyId', 'version'],
  ),
  JourneyVersionStopped: data('No customer is left inside', journey),
  JourneyVersionPartitionDone: data("One engine partition has done its share of a version's work", {
    ...journey,
    partition: integer,
    partitions: integer,
    work: { enum: ['emptied', 'stopped', 'enrolled', 'occurrencesRun'] },
  }),
  JourneyVersionPaused: data('A Live version was paused: nobody enters and no step runs until it resumes', {
    ...journey,
    pausedAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time', description: 'pausedAt + pause.maxDuration' },
    whenExceeded: { enum: ['resume', 'stop'], description: 'How the pause ends by itself at endsAt' },
  }),
  JourneyVersionResumed: data('A Paused version is Live again', {
    ...journey,
    reason: { enum: ['resumed', 'maxPauseReached'], description: 'A user resumed it, or its pause reached endsAt' },
  }),
  ExperimentFiguresReported: data(
    "One engine partition's figures of an experiment (stored with more than one partition)",
    {
      ...journey,
      stepId: string,
      partition: integer,
      partitions: integer,
      branches: { type: 'array', items: data('A branch, in branch order', { assigned: integer, converted: integer }) },
    },
  ),
  ExperimentConcluded: data(
    "An experiment concluded: every branch's figures, the comparisons with the best branch, and the winner or none",
    {
      ...journey,
      stepId: string,
      metric: data(
        "The experiment's metric, as its definition says",
        { type: { enum: ['goal', 'trigger'] }, trigger: string, within: string },
        ['type', 'within'],
      ),
      test: { const: 'twoProportionZ', description: 'Two-proportion z-tests, pooled, two-sided' },
      significance: { type: 'number' },
      correctedSignificance: { type: 'number', description: 'significance / (branches - 1): Bonferroni' },
      branches: {
        type: 'array',
        items: data('A branch', {
          branch: integer,
          next: { type: ['string', 'null'] },
          assigned: { type: 'integer', description: 'Customers assigned whose conversion window had closed' },
          converted: integer,
          rate: { type: 'number' },
        }),
      },
      best: { type: ['integer', 'null'], description: 'The branch with the highest rate alone, if any' },
      comparisons: {
        type: 'array',
        items: data('The best branch (of branches tied for it, the first) against another', {
          branch: integer,
          z: { type: 'number' },
          pValue: { type: 'number' },
          significant: { type: 'boolean' },
        }),
      },
      winner: {
        type: ['integer', 'null'],
        description: 'Later customers go down it; null: the split keeps its weights',
      },
      result: { enum: ['winner', 'noSignificantDifference', 'tooFewToTest'] },
    },
  ),
  JourneyCommandRefused: data(
    'A command the service refused (stream journeyAudit-<id>), for the audit history',
    { journeyId: string, action: string, version: integer, error: { $ref: 'error-body.json#/$defs/error' } },
    ['journeyId', 'action', 'error'],
  ),
  TemplateSaved: data(
    'A template was saved (stream template-<id>)',
    {
      templateId: string,
      name: string,
      description: string,
      definition,
      source: data('The saved version', { journeyId: string, version: integer }),
    },
    ['templateId', 'name', 'definition', 'source'],
  ),
  TriggerDefinitionCreated: data(
    'A trigger definition was created, in Draft',
    {
      name: string,
      description: string,
      attributes: {
        type: 'array',
        items: data('An attribute', {
          name: string,
          type: { enum: ['text', 'number', 'boolean', 'datetime', 'reference'] },
        }),
      },
    },
    ['name', 'attributes'],
  ),
  TriggerDefinitionReady: data('Journeys may publish against it; triggers are accepted', { name: string }),
  TriggerReceived: received('A trigger message was accepted (stream customer-<id>)', triggerMessageSchema),
  SegmentMembershipChanged: received('A segment change was accepted (stream customer-<id>)', segmentChangeSchema),
  ConsentChanged: received(
    "A consent record was accepted (stream customer-<id>); the engine keeps each channel's and topic's latest by occurredAt",
    consentMessageSchema,
  ),
  DeliverySettingsChanged: data('The delivery settings were changed (stream settings-delivery)', {
    settings: deliverySettings,
    changed: { type: 'array', items: string, description: 'The fields that changed' },
  }),
  SettingsChangeRefused: data(
    'A change of the delivery settings the service refused (stream settingsAudit-delivery), for the audit history',
    { action: string, error: { $ref: 'error-body.json#/$defs/error' } },
  ),
  CustomerEntryBlocked: data(
    'A customer did not enter (stream customer-<id>)',
    {
      ...journey,
      customerId: string,
      reason: {
        enum: ['unmetCondition', 'excluded', 'reentryBlocked', 'notStarted', 'ended', 'paused', 'rateLimited'],
      },
      triggerId: string,
      at,
    },
    ['journeyId', 'version', 'customerId', 'reason', 'at'],
  ),
  CustomerEntryDelayed: data(
    'A trigger or segment join waits for its slot of a rate-limited version (stream customer-<id>)',
    {
      ...journey,
      customerId: string,
      reason: { enum: ['rateLimited'] },
      triggerId: string,
      segmentId: string,
      enterAt: { type: 'string', format: 'date-time', description: 'The slot the customer enters at' },
      at,
    },
    ['journeyId', 'version', 'customerId', 'reason', 'enterAt', 'at'],
  ),
  CustomerEntered: data(
    'A customer started an instance (stream instance-<journeyId>_<version>_<customerId>_<entry>)',
    {
      ...instance,
      trigger: data('The entering trigger', { id: string, name: string, attributes }),
      bindingId: string,
      segmentId: string,
    },
    Object.keys(instance),
  ),
  StepEntered: data('The customer arrived at a step', { ...instance, stepId: string, stepType: string }),
  ActionRequested: data(
    'A send step asked for a message',
    {
      ...instance,
      actionId: string,
      stepId: string,
      channel: { enum: ['email', 'sms', 'push', 'custom'] },
      content: string,
      attributes,
      expiresAt: { type: 'string', format: 'date-time' },
      topic: string,
      transactional: { type: 'boolean' },
    },
    [...Object.keys(instance), 'actionId', 'stepId', 'channel', 'content', 'attributes'],
  ),
  ActionCancelled: data(
    'A message no reader was handed was withdrawn: its version was stopped, or it was not handed out before it expired',
    {
      ...instance,
      actionId: string,
      stepId: string,
      reason: { enum: ['versionStopped', 'Expired'] },
    },
  ),
  ...DELIVERY_EVENT_DATA,
  WaitScheduled: data('A durable timer was set', {
    ...instance,
    stepId: string,
    timerId: string,
    dueAt: { type: 'string', format: 'date-time' },
    kind: { enum: ['wait', 'trigger'] },
  }),
  WaitElapsed: data('A wait ended', { ...instance, stepId: string, timerId: string }),
  TriggerMatched: data('A waitForTrigger step got its trigger', {
    ...instance,
    stepId: string,
    triggerId: string,
    trigger: string,
    attributes,
  }),
  TriggerWaitTimedOut: data('A waitForTrigger step ran out of time', { ...instance, stepId: string, timerId: string }),
  BranchTaken: data('A branch step chose', {
    ...instance,
    stepId: string,
    branch: { type: ['integer', 'string'], description: 'Branch index, or "otherwise"' },
    next: { type: ['string', 'null'] },
  }),
  SplitAssigned: data(
    'A split step assigned a branch (null next: a hold-out)',
    {
      ...instance,
      stepId: string,
      branch: integer,
      next: { type: ['string', 'null'] },
      assignment: {
        enum: ['experiment', 'winner', 'sticky'],
        description:
          'On a split that is an experiment: assigned by it (counted), sent down its winner, or kept on the branch assigned before it concluded',
      },
    },
    [...Object.keys(instance), 'stepId', 'branch', 'next'],
  ),
  ExperimentConverted: data('A customer an experiment assigned reached its metric within the window', {
    ...instance,
    stepId: string,
    branch: integer,
    triggerId: { type: 'string', description: 'The trigger that reached the goal or the metric trigger' },
  }),
  TriggerActivated: data('An activateTrigger step raised a trigger', {
    ...instance,
    stepId: string,
    triggerId: string,
    trigger: string,
    attributes,
  }),
  GoalReached: data('The goal trigger arrived while inside or within three days after', {
    ...instance,
    trigger: string,
    triggerId: string,
  }),
  CustomerExited: data('The customer left early', { ...instance, reason: { enum: EXIT_REASONS }, stepId: string }, [
    ...Object.keys(instance),
    'reason',
  ]),
  CustomerCompleted: data('The customer reached a step with no successor', { ...instance, stepId: string }),
  CustomerRemoved: data('The version was stopped with the customer inside', {
    ...instance,
    reason: { enum: ['versionStopped'] },
  }),
  CustomerHeld: data('The version is paused: the customer waits before this step and goes on from it on resume', {
    ...instance,
    stepId: { type: 'string', description: 'The step the customer enters once the version is Live again' },
    reason: { enum: ['paused'] },
  }),
};

export const cloudEventSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'cloud-event.json',
  title: 'JourneysCloudEvent',
  description:
    'A stored event as a CloudEvents 1.0 structured JSON envelope (`journeys.events`; content-type application/cloudevents+json). Key: customerId for progress events, journeyId for life-cycle events, else the stream.',
  type: 'object',
  required: [
    'specversion',
    'id',
    'source',
    'type',
    'subject',
    'time',
    'datacontenttype',
    'data',
    'correlationid',
    'causationid',
    'position',
    'schemaversion',
  ],
  properties: {
    specversion: { const: '1.0' },
    id: { type: 'string', description: 'The stored event id: stable across redelivery' },
    source: { type: 'string', examples: ['/journeys'] },
    type: { enum: Object.keys(EVENT_DATA).map((type) => `journeys.${type}`) },
    subject: { type: 'string', description: 'The stream, e.g. journey-<id>' },
    time: { type: 'string', format: 'date-time', description: "The event's occurredAt" },
    datacontenttype: { const: 'application/json' },
    data: { description: 'The event data: see event-data.json#/$defs/<EventType>' },
    correlationid: string,
    causationid: string,
    actor: string,
    position: { type: 'string', description: 'Global position in the event store (decimal; may exceed 2^53)' },
    schemaversion: integer,
  },
  allOf: Object.keys(EVENT_DATA).map((type) => ({
    if: { properties: { type: { const: `journeys.${type}` } } },
    then: { properties: { data: { $ref: `event-data.json#/$defs/${type}` } } },
  })),
};

export const eventDataSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'event-data.json',
  title: 'EventData',
  description: 'The data of each stored event type, under $defs by type.',
  $defs: EVENT_DATA,
};
