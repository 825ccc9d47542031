/**
 * Example definitions for tests, docs and the demo. Both publish cleanly at any time against
 * `examplePublishContext`. They are frozen: copy (`structuredClone`) before changing one.
 */
import { JourneyDefinition } from './journey-definition';
import { PublishContext, TriggerAttributeInfo, TriggerDefinitionInfo } from './publish-context';

/** The body of `POST /trigger-definitions` for a trigger the examples use. */
export interface ExampleTriggerDefinition {
  name: string;
  description: string;
  attributes: TriggerAttributeInfo[];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

export const exampleTriggerDefinitions: readonly ExampleTriggerDefinition[] = deepFreeze([
  {
    name: 'signed-up',
    description: 'A customer created an account.',
    attributes: [
      { name: 'country', type: 'text' },
      { name: 'plan', type: 'text' },
      { name: 'signedUpAt', type: 'datetime' },
    ],
  },
  {
    name: 'purchased',
    description: 'A customer completed an order.',
    attributes: [
      { name: 'orderId', type: 'reference' },
      { name: 'amount', type: 'number' },
    ],
  },
  { name: 'unsubscribed', description: 'A customer opted out of marketing.', attributes: [] },
  {
    name: 'digest-sent',
    description: 'A loyalty digest went out; other journeys may follow up.',
    attributes: [
      { name: 'channel', type: 'text' },
      { name: 'tier', type: 'text' },
    ],
  },
]);

/**
 * Trigger-based: greets US and Canadian sign-ups, waits two days, then waits up to a week for a
 * purchase; buyers are thanked by order size, the others get a reminder.
 */
export const welcomeJourneyExample: JourneyDefinition = deepFreeze<JourneyDefinition>({
  name: 'Welcome series',
  description: 'Greets new sign-ups and nudges those who have not bought within a week.',
  audience: {
    type: 'trigger',
    trigger: 'signed-up',
    conditions: { all: [{ attribute: 'trigger.country', op: 'in', value: ['US', 'CA'] }] },
    reentry: { mode: 'never' },
    exclusionSegments: ['do-not-contact'],
  },
  schedule: { timeZone: 'Europe/Paris' },
  exit: { triggers: ['unsubscribed'] },
  goal: { trigger: 'purchased', target: { percent: 20 } },
  steps: [
    { id: 'welcome', type: 'send', channel: 'email', content: 'welcome', next: 'settle' },
    { id: 'settle', type: 'wait', duration: 'P2D', next: 'await-purchase' },
    {
      id: 'await-purchase',
      type: 'waitForTrigger',
      trigger: 'purchased',
      within: 'P7D',
      yes: 'by-order-size',
      no: 'reminder',
    },
    {
      id: 'by-order-size',
      type: 'branch',
      branches: [{ if: { attribute: 'trigger.amount', op: 'gte', value: 100 }, next: 'thanks-big' }],
      otherwise: 'thanks',
    },
    { id: 'thanks-big', type: 'send', channel: 'email', content: 'thanks-big-order' },
    { id: 'thanks', type: 'send', channel: 'push', content: 'thanks' },
    { id: 'reminder', type: 'send', channel: 'email', content: 'first-purchase-reminder', expires: 'PT12H' },
  ],
});

/**
 * Segment-based: a weekly digest to loyalty members, four runs. Gold members get an offer; the
 * others are split between email and SMS with a 10% hold-out; each digest raises `digest-sent`.
 */
export const loyaltyDigestJourneyExample: JourneyDefinition = deepFreeze<JourneyDefinition>({
  name: 'Loyalty weekly digest',
  audience: {
    type: 'segment',
    segments: ['loyalty-wa'],
    frequency: { mode: 'recurring', every: 'P1W', occurrences: 4 },
    exclusionSegments: ['do-not-contact'],
  },
  schedule: { timeZone: 'America/Los_Angeles' },
  exit: { segments: ['churned'] },
  steps: [
    {
      id: 'by-tier',
      type: 'branch',
      branches: [{ if: { attribute: 'profile.tier', op: 'eq', value: 'gold' }, next: 'gold-offer' }],
      otherwise: 'channel-test',
    },
    { id: 'gold-offer', type: 'send', channel: 'email', content: 'gold-offer', next: 'announce' },
    {
      id: 'channel-test',
      type: 'split',
      branches: [{ weight: 45, next: 'digest-email' }, { weight: 45, next: 'digest-sms' }, { weight: 10 }],
    },
    { id: 'digest-email', type: 'send', channel: 'email', content: 'weekly-digest', next: 'announce' },
    { id: 'digest-sms', type: 'send', channel: 'sms', content: 'weekly-digest-short', next: 'announce' },
    {
      id: 'announce',
      type: 'activateTrigger',
      trigger: 'digest-sent',
      attributes: { channel: 'email', tier: { from: 'profile.tier' } },
    },
  ],
});

/** A publish context in which every example trigger is Ready and no name is taken. */
export function examplePublishContext(now: Date): PublishContext {
  const triggers = new Map<string, TriggerDefinitionInfo>(
    exampleTriggerDefinitions.map((trigger) => [trigger.name, { state: 'Ready', attributes: trigger.attributes }]),
  );
  return { now, triggers, journeyNameTaken: false };
}
