import type { JourneyDefinition } from '@journeys/definition';
import { decideEntry, decideRejoin, type EntryCustomer, type EntryVersion } from './entry';

const T = Date.parse('2026-03-10T09:00:00Z');
const HOUR = 3_600_000;

const journey = (audience: Partial<Extract<JourneyDefinition['audience'], { type: 'trigger' }>> = {}) => ({
  definition: {
    name: 'j',
    audience: { type: 'trigger', trigger: 'signed-up', ...audience },
    steps: [{ id: 's', type: 'send', channel: 'email', content: 'hi' }],
  } as JourneyDefinition,
});
const customer = (
  overrides: Partial<EntryCustomer> & { entered?: number; lastEntryAt?: number } = {},
): EntryCustomer => ({
  segments: new Set<string>(),
  profile: {},
  entries: () => ({ entries: overrides.entered ?? 0, lastEntryAt: overrides.lastEntryAt ?? 0 }),
  ...overrides,
});
const fromTrigger = (attributes: Record<string, unknown> = {}) => ({ triggerAttributes: attributes, reentry: true });

describe('decideEntry: who may enter', () => {
  it.each<[string, EntryVersion, EntryCustomer, number, string]>([
    [
      'a Paused version: paused (before any other rule)',
      { ...journey(), state: 'Paused', startAt: T + 1 },
      customer(),
      T,
      'paused',
    ],
    ['before the scheduled start: notStarted', { ...journey(), startAt: T + 1 }, customer(), T, 'notStarted'],
    ['at the end time: ended', { ...journey(), endAt: T }, customer(), T, 'ended'],
    [
      'a member of an exclusion segment: excluded',
      journey({ exclusionSegments: ['dnc'] }),
      customer({ segments: new Set(['dnc']) }),
      T,
      'excluded',
    ],
    [
      'conditions that do not hold: unmetCondition',
      journey({ conditions: { attribute: 'trigger.plan', op: 'eq', value: 'pro' } }),
      customer(),
      T,
      'unmetCondition',
    ],
    ['re-entry never, entered before: reentryBlocked', journey(), customer({ entered: 1 }), T, 'reentryBlocked'],
    [
      're-entry after PT1H, entered 59 minutes ago: reentryBlocked',
      journey({ reentry: { mode: 'after', after: 'PT1H' } }),
      customer({ entered: 1, lastEntryAt: T - HOUR + 60_000 }),
      T,
      'reentryBlocked',
    ],
  ])('given %s', (_, version, who, now, reason) => {
    expect(decideEntry(version, who, now, fromTrigger())).toEqual({ kind: 'blocked', reason });
  });

  it.each<[string, EntryVersion, EntryCustomer]>([
    ['inside the schedule window', { ...journey(), startAt: T, endAt: T + 1 }, customer()],
    ['re-entry always', journey({ reentry: { mode: 'always' } }), customer({ entered: 5 })],
    [
      're-entry after PT1H, an hour after the last entry',
      journey({ reentry: { mode: 'after', after: 'PT1H' } }),
      customer({ entered: 1, lastEntryAt: T - HOUR }),
    ],
    [
      'conditions reading the trigger, the profile and segments',
      journey({
        conditions: {
          all: [
            { attribute: 'trigger.plan', op: 'eq', value: 'pro' },
            { attribute: 'profile.country', op: 'eq', value: 'FR' },
            { inSegment: 'beta' },
          ],
        },
      }),
      customer({ profile: { country: 'FR' }, segments: new Set(['beta']) }),
    ],
  ])('enters %s', (_, version, who) => {
    expect(decideEntry(version, who, T, fromTrigger({ plan: 'pro' }))).toEqual({ kind: 'enter' });
  });

  it('reads the entry count only when re-entry is in question', () => {
    const entries = jest.fn(() => ({ entries: 1, lastEntryAt: 0 }));
    decideEntry(journey({ reentry: { mode: 'always' } }), customer({ entries }), T, fromTrigger());
    decideEntry(journey(), customer({ entries }), T, { reentry: false });
    expect(entries).not.toHaveBeenCalled();
  });

  it('a segment enrolment settles re-entry itself', () => {
    expect(decideEntry(journey(), customer({ entered: 3 }), T, { reentry: false })).toEqual({ kind: 'enter' });
  });
});

describe('decideRejoin: a member joining a dynamic segment', () => {
  it.each<[string, boolean, { status: string }[], string]>([
    ['never inside: enters', false, [], 'enter'],
    ['inside now: stays', true, [{ status: 'completed' }, { status: 'active' }], 'inside'],
    ['inside before, no rejoinReentry: blocked', false, [{ status: 'completed' }], 'blocked'],
    ['inside before, with rejoinReentry: enters', true, [{ status: 'exited' }], 'enter'],
  ])('%s', (_, rejoin, instances, expected) => {
    expect(decideRejoin(rejoin, instances)).toBe(expected);
  });
});
