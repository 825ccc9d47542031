/** Response bodies of the analytics reads: one journey's versions and steps, and every journey's totals. */
import { openObject as open, schemaFile as message, type JsonSchema } from './common';
import { JOURNEY_STATES } from './management.schemas';

/** The state of a version (a version is never "editing"; its journey is). */
export const versionState = { enum: JOURNEY_STATES.filter((state) => !state.endsWith(', editing')) };

/** An experiment's conclusion as the journey and analytics show it. */
export const conclusion = {
  winner: { type: ['integer', 'null'] },
  result: { enum: ['winner', 'noSignificantDifference', 'tooFewToTest'] },
};

const byReason = (description: string) => ({ type: 'object', additionalProperties: { type: 'integer' }, description });

/** What the delivery controls did to a version's sends (docs/delivery-controls.md). */
const sendCounters = open(
  {
    requested: { type: 'integer', description: 'Messages handed to the actions output (ActionRequested)' },
    held: { type: 'integer', description: 'Sends held by quiet hours (SendHeld)' },
    skippedBy: byReason('Sends a delivery control stopped, by reason: NoConsent, FrequencyCapped, QuietHours, Expired'),
  },
  ['requested', 'held', 'skippedBy'],
);

/** A version's totals: what both reads show of it. */
const versionTotals = {
  version: { type: 'integer' },
  state: versionState,
  entered: { type: 'integer' },
  active: { type: 'integer' },
  completed: { type: 'integer' },
  exited: { type: 'integer' },
  removed: { type: 'integer' },
  exitedBy: byReason('Exits by reason (exitStep, exitTrigger, exitSegment, LoopLimit, ...)'),
  blocked: byReason('Entries refused by reason (reentryBlocked, excluded, paused, ...)'),
  held: byReason('Customers a delivery control held before a step, by reason (paused: the version was paused)'),
  delayed: byReason('Entries that waited for their slot, by reason (rateLimited: the entry limit)'),
  sends: sendCounters,
  goal: open({ reached: { type: 'integer' }, target: { type: 'integer' } }, ['reached', 'target']),
};
const TOTALS_REQUIRED = ['version', 'entered', 'active', 'completed', 'exited', 'removed', 'goal'];

/** Per split step that is an experiment: its conclusion and its branches' counts. */
const experiments = {
  type: 'array',
  description:
    'Per split step that is an experiment: its conclusion (null while it runs) and, per branch, customers by assignment and conversions',
  items: open(
    {
      stepId: { type: 'string' },
      concluded: { type: ['object', 'null'], properties: conclusion },
      branches: {
        type: 'array',
        items: open(
          {
            branch: { type: 'integer' },
            experiment: { type: 'integer', description: 'Assigned by the experiment (counted)' },
            converted: { type: 'integer', description: 'Of those, converted within the window' },
            winner: { type: 'integer', description: 'Sent down the winner once it concluded' },
            sticky: { type: 'integer', description: 'Kept the branch assigned before it concluded' },
          },
          ['branch', 'experiment', 'converted', 'winner', 'sticky'],
        ),
      },
    },
    ['stepId', 'concluded', 'branches'],
  ),
};

const stepCounters = open(
  {
    stepId: { type: 'string' },
    entered: { type: 'integer' },
    current: { type: 'integer' },
    passed: { type: 'integer' },
    exited: { type: 'integer' },
  },
  ['stepId', 'entered', 'current', 'passed', 'exited'],
);

export const ANALYTICS_RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
  'analytics.json': message(
    'analytics.json',
    'JourneyAnalytics',
    'Per version and step: entered, at the step now, passed, exited; exits and blocked entries by reason; goal progress.',
    open(
      {
        journeyId: { type: 'string' },
        versions: {
          type: 'array',
          items: open({ ...versionTotals, experiments, steps: { type: 'array', items: stepCounters } }, [
            ...TOTALS_REQUIRED,
            'steps',
          ]),
        },
      },
      ['journeyId', 'versions'],
    ),
  ),
  'analytics-overview.json': message(
    'analytics-overview.json',
    'AnalyticsOverview',
    'Per journey and version (Drafts left out): the totals of JourneyAnalytics without the per-step counters.',
    open(
      {
        journeys: {
          type: 'array',
          items: open(
            {
              journeyId: { type: 'string' },
              versions: { type: 'array', items: open(versionTotals, TOTALS_REQUIRED) },
            },
            ['journeyId', 'versions'],
          ),
        },
      },
      ['journeys'],
    ),
  ),
};
