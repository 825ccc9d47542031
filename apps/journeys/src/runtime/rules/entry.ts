import {
  addDuration,
  evaluateCondition,
  journeyTimeZone,
  parseIsoDuration,
  type JourneyDefinition,
} from '@journeys/definition';
import type { EntryBlockedReason } from '../instance.events';

/**
 * Who may enter, in one place: a published version's entry rules, checked in this order: a pause,
 * the schedule window, exclusion segments, a trigger audience's conditions, then re-entry.
 */

/** The version a customer would enter. */
export interface EntryVersion {
  definition: JourneyDefinition;
  /** Schedule bounds (ms), the schedule's local times resolved in its time zone. */
  startAt?: number;
  endAt?: number;
  /** The version's life-cycle state; nobody enters a `Paused` one. */
  state?: string;
}

/** What the entry rules read of the customer; `entries` is read only when re-entry applies. */
export interface EntryCustomer {
  segments: ReadonlySet<string>;
  profile: Readonly<Record<string, unknown>>;
  entries(): { entries: number; lastEntryAt: number };
}

/** What offers the entry: a trigger's attributes; `reentry: false` when a segment enrolment already settled it. */
export interface EntrySource {
  triggerAttributes?: Readonly<Record<string, unknown>>;
  reentry: boolean;
}

export type EntryDecision = { kind: 'enter' } | { kind: 'blocked'; reason: EntryBlockedReason };

const ENTER: EntryDecision = Object.freeze({ kind: 'enter' });
const blocked = (reason: EntryBlockedReason): EntryDecision => ({ kind: 'blocked', reason });

/** Whether the customer enters `version` at `now` (ms), or why not. */
export function decideEntry(
  version: EntryVersion,
  customer: EntryCustomer,
  now: number,
  source: EntrySource,
): EntryDecision {
  const { definition, startAt, endAt } = version;
  const audience = definition.audience;
  if (version.state === 'Paused') return blocked('paused');
  if (startAt !== undefined && now < startAt) return blocked('notStarted');
  if (endAt !== undefined && now >= endAt) return blocked('ended');
  if ((audience.exclusionSegments ?? []).some((s) => customer.segments.has(s))) return blocked('excluded');
  if (audience.type !== 'trigger') return ENTER;
  if (audience.conditions) {
    const holds = evaluateCondition(audience.conditions, {
      trigger: source.triggerAttributes ?? {},
      profile: customer.profile,
      inSegment: (s) => customer.segments.has(s),
    });
    if (!holds) return blocked('unmetCondition');
  }
  if (!source.reentry) return ENTER;
  const reentry = audience.reentry ?? { mode: 'never' };
  if (reentry.mode === 'always') return ENTER;
  const previous = customer.entries();
  if (previous.entries === 0) return ENTER;
  if (reentry.mode === 'never') return blocked('reentryBlocked');
  const wait = parseIsoDuration(reentry.after);
  const allowedAt = wait ? addDuration(new Date(previous.lastEntryAt), wait, journeyTimeZone(definition)).getTime() : 0;
  return now < allowedAt ? blocked('reentryBlocked') : ENTER;
}

/**
 * A member joining a dynamic segment journey's segment: enters unless already inside; one who was
 * inside before enters again only with `rejoinReentry` (REFERENCE "Entry").
 */
export function decideRejoin(
  rejoinReentry: boolean | undefined,
  instances: readonly { status: string }[],
): 'enter' | 'inside' | 'blocked' {
  if (instances.some((i) => i.status === 'active')) return 'inside';
  if (instances.length && !rejoinReentry) return 'blocked';
  return 'enter';
}
