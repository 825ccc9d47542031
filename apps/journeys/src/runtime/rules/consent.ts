import type { Channel, ConsentMode, ConsentStatus } from '@journeys/definition';
import { supersedes, type Stamp } from './event-time';

/**
 * The consent rule: a send needs consent for its channel, and for its topic when the step names one.
 * A customer's record for the channel (or the topic) decides; without one, the service's consent
 * mode does (`optIn`: no; `optOut`: yes). A channel-wide opt-out therefore stops every topic, and in
 * opt-in mode a topic needs its own opt-in besides the channel's. Records follow the event-time rule
 * (rules/event-time.ts): an older record never overwrites a newer one.
 */

/** One consent record as the engine keeps it: the status and the stamp of the fact that set it. */
export interface ConsentRecord {
  status: ConsentStatus;
  stamp: Stamp;
}

/** A customer's consent records by {@link consentKey}. */
export type Consents = Readonly<Record<string, ConsentRecord>>;

/** `email` for the channel as a whole, `email:newsletter` for a topic on it (channels have no `:`). */
export function consentKey(channel: Channel, topic?: string): string {
  return topic === undefined ? channel : `${channel}:${topic}`;
}

/** Whether a message on `channel` (about `topic`) may be sent to a customer with these records. */
export function consentAllows(mode: ConsentMode, consents: Consents, channel: Channel, topic?: string): boolean {
  if (!allows(mode, own(consents, channel))) return false;
  return topic === undefined || allows(mode, own(consents, consentKey(channel, topic)));
}

function allows(mode: ConsentMode, record: ConsentRecord | undefined): boolean {
  return record === undefined ? mode === 'optOut' : record.status === 'optedIn';
}

/** The records after a consent fact, unless a later fact for the same key is already kept (then undefined). */
export function recordConsent(
  consents: Consents,
  key: string,
  status: ConsentStatus,
  stamp: Stamp,
): Consents | undefined {
  if (!supersedes(stamp, own(consents, key)?.stamp)) return undefined;
  const next: Record<string, ConsentRecord> = { ...consents };
  Object.defineProperty(next, key, { value: { status, stamp }, enumerable: true, writable: true, configurable: true });
  return next;
}

function own(consents: Consents, key: string): ConsentRecord | undefined {
  return Object.prototype.hasOwnProperty.call(consents, key) ? consents[key] : undefined;
}
