import {
  isTransactional,
  type Channel,
  type DeliverySettings,
  type JourneyDelivery,
  type SendStep,
} from '@journeys/definition';
import type { SendSkipReason } from '../instance.events';
import { consentAllows, type Consents } from './consent';
import { capReached } from './frequency-cap';
import { customerTimeZone, quietHoursEnd, quietHoursFor } from './quiet-hours';

/**
 * The delivery rule: what becomes of a send at the moment it would be handed to the actions output
 * (when the customer reaches the step, or when quiet hours holding it end). In this order:
 *
 * 1. past its expiry: cancelled (`Expired`);
 * 2. transactional: sent (no consent, no cap, no quiet hours);
 * 3. inside quiet hours: held until they end (`hold`) or skipped (`QuietHours`);
 * 4. without consent for its channel (and topic): skipped (`NoConsent`);
 * 5. over a frequency cap of its channel: skipped (`FrequencyCapped`);
 * 6. else sent.
 *
 * Quiet hours come before consent and caps because those are read when the message goes out: a
 * consent given during the night counts in the morning, a cap counts what was sent by then.
 */
export type DeliveryVerdict =
  | { kind: 'send'; transactional: boolean }
  | { kind: 'skip'; reason: SkipReason }
  | { kind: 'hold'; until: number }
  | { kind: 'expired' };

export type SkipReason = SendSkipReason;

/** What the engine keeps per customer for the delivery controls (a row per customer in its partition). */
export interface CustomerDelivery {
  consents: Consents;
  /** Times (epoch ms, oldest first) of the latest counted sends, by channel; kept while the channel has a cap. */
  sentAt: Readonly<Partial<Record<Channel, readonly number[]>>>;
}

export const NO_DELIVERY_STATE: CustomerDelivery = Object.freeze({
  consents: Object.freeze({}),
  sentAt: Object.freeze({}),
});

/** Everything one send's verdict reads. */
export interface DeliveryFacts {
  step: Pick<SendStep, 'channel' | 'topic' | 'transactional' | 'quietHours'>;
  journey: JourneyDelivery | undefined;
  settings: DeliverySettings;
  customer: CustomerDelivery;
  /** `profile.timeZone` of the customer, if any. */
  profileZone: unknown;
  journeyZone: string;
  nowMs: number;
  expiresAtMs?: number;
}

export function decideDelivery(facts: DeliveryFacts): DeliveryVerdict {
  const { step, settings, customer, nowMs } = facts;
  if (facts.expiresAtMs !== undefined && nowMs >= facts.expiresAtMs) return { kind: 'expired' };
  if (isTransactional(step, facts.journey)) return { kind: 'send', transactional: true };
  const quiet = quietHoursFor(settings, facts.journey, step.quietHours);
  if (quiet !== undefined) {
    const zone = customerTimeZone(facts.profileZone, facts.journeyZone);
    const until = quietHoursEnd(quiet.window, zone, nowMs);
    if (until !== undefined) return quiet.mode === 'hold' ? { kind: 'hold', until } : skip('QuietHours');
  }
  if (!consentAllows(settings.consentMode, customer.consents, step.channel, step.topic)) return skip('NoConsent');
  const sentAt = customer.sentAt[step.channel];
  if (sentAt !== undefined && capReached(settings.frequencyCaps, step.channel, sentAt, nowMs) !== undefined) {
    return skip('FrequencyCapped');
  }
  return { kind: 'send', transactional: false };
}

function skip(reason: SkipReason): DeliveryVerdict {
  return { kind: 'skip', reason };
}
