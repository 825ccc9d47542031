import { isTransactional, type DeliverySettings, type JourneyDelivery, type SendStep } from '@journeys/definition';
import type { SendSkipReason } from '../instance.events';
import { consentAllows, type Consents } from './consent';

/**
 * The delivery rule: what becomes of a send at the moment it would be handed to the actions output.
 * In this order:
 *
 * 1. transactional: sent (no consent needed);
 * 2. without consent for its channel (and topic): skipped (`NoConsent`);
 * 3. else sent.
 */
export type DeliveryVerdict = { kind: 'send'; transactional: boolean } | { kind: 'skip'; reason: SkipReason };

export type SkipReason = SendSkipReason;

/** What the engine keeps per customer for the delivery controls (a row per customer in its partition). */
export interface CustomerDelivery {
  consents: Consents;
}

export const NO_DELIVERY_STATE: CustomerDelivery = Object.freeze({ consents: Object.freeze({}) });

/** Everything one send's verdict reads. */
export interface DeliveryFacts {
  step: Pick<SendStep, 'channel' | 'topic' | 'transactional'>;
  journey: JourneyDelivery | undefined;
  settings: DeliverySettings;
  customer: CustomerDelivery;
  nowMs: number;
}

export function decideDelivery(facts: DeliveryFacts): DeliveryVerdict {
  const { step, settings, customer } = facts;
  if (isTransactional(step, facts.journey)) return { kind: 'send', transactional: true };
  if (!consentAllows(settings.consentMode, customer.consents, step.channel, step.topic)) return skip('NoConsent');
  return { kind: 'send', transactional: false };
}

function skip(reason: SkipReason): DeliveryVerdict {
  return { kind: 'skip', reason };
}
