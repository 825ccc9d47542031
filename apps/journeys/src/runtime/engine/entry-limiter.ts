import { journeyTimeZone } from '@journeys/definition';
import { customerStream } from '../../ingestion/customer.events';
import type { CustomerEntryDelayed } from '../instance.events';
import { admitEntry, periodMs, type SlotOwner } from '../rules/entry-limit';
import type { EngineBatch } from './engine-batch';
import type { EntryOffer } from './engine-decisions';
import type { VersionInfo } from './journey-catalog';

/**
 * How an entry into a rate-limited version waits for its slot (rules/entry-limit.ts):
 * - `event`: a trigger or a dynamic segment join takes the next free slot and waits for it, in the
 *   order of arrival, when that slot is at most one period away (CustomerEntryDelayed, then an
 *   `enter` job at the slot); when it is further (the allowed days or hours are far, or a period's
 *   worth already waits) it is blocked with reason `rateLimited`;
 * - `enrolment`: a segment enrolment enters its members in order, each at its slot: the enrolment
 *   waits for the next slot however far it is;
 * - `slotted`: an entry that waited for its slot enters now.
 */
export type EntryMode = 'event' | 'enrolment' | 'slotted';

/** What became of an entry: entered, blocked (and recorded), waiting (as an `enter` job), or for the enrolment to wait until `at`. */
export type EntryOutcome =
  { kind: 'entered' } | { kind: 'blocked' } | { kind: 'delayed' } | { kind: 'waitUntil'; at: number };

/**
 * Applies the version's entry limit to an entry the other entry rules allow: undefined when the
 * customer may enter now (the slot is taken), else the outcome.
 */
export function limitEntry(
  batch: EngineBatch,
  info: VersionInfo,
  owner: SlotOwner,
  entry: { customerId: string; now: number; cause: string; offer: EntryOffer; mode: EntryMode },
): EntryOutcome | undefined {
  const limit = info.definition.audience.entryLimit;
  if (limit === undefined || entry.mode === 'slotted') return undefined;
  const { journeyId, version } = info;
  const { customerId, now, cause, offer, mode } = entry;
  const zone = journeyTimeZone(info.definition);
  const admission = admitEntry(limit, zone, owner, batch.controls.entrySlot(journeyId, version), now);
  if (admission.kind === 'now') {
    batch.controls.takeEntrySlot(journeyId, version, admission.slot);
    return undefined;
  }
  if (mode === 'enrolment') {
    return { kind: 'waitUntil', at: admission.kind === 'later' ? admission.slot : now + periodMs(limit) };
  }
  if (admission.kind === 'none' || admission.slot - now > periodMs(limit)) return { kind: 'blocked' };
  batch.controls.takeEntrySlot(journeyId, version, admission.slot);
  batch.saveJob({
    kind: 'enter',
    jobId: `enter:${journeyId}:${version}:${cause}`,
    journeyId,
    version,
    customerId,
    startAt: admission.slot,
    offer,
  });
  const at = new Date(now).toISOString();
  const data: CustomerEntryDelayed['data'] = {
    journeyId,
    version,
    customerId,
    reason: 'rateLimited',
    enterAt: new Date(admission.slot).toISOString(),
    at,
  };
  if (offer.trigger) data.triggerId = offer.trigger.id;
  if (offer.segmentId) data.segmentId = offer.segmentId;
  batch.emit(customerStream(customerId), { type: 'CustomerEntryDelayed', data }, cause, at);
  return { kind: 'delayed' };
}

/**
 * A rate-limited enrolment that wakes later than the slot it slept for (`startAt`, ms) at `now`
 * (ms): the latest free slot at or before `now`, where it starts again, leaving the missed slots
 * unused; undefined when it is on time.
 */
export function lateSlot(
  batch: EngineBatch,
  info: VersionInfo,
  owner: SlotOwner,
  startAt: number,
  now: number,
): number | undefined {
  const limit = info.definition.audience.entryLimit;
  if (limit === undefined || now <= startAt) return undefined;
  const zone = journeyTimeZone(info.definition);
  const admission = admitEntry(limit, zone, owner, batch.controls.entrySlot(info.journeyId, info.version), now);
  return admission.kind === 'now' && admission.slot > startAt ? admission.slot : undefined;
}
