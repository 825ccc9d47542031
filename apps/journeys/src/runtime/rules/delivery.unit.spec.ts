import { DEFAULT_DELIVERY_SETTINGS } from '@journeys/definition';
import { consentKey } from './consent';
import { decideDelivery, NO_DELIVERY_STATE, type CustomerDelivery, type DeliveryFacts } from './delivery';

const DAYTIME = Date.parse('2026-06-02T10:00:00Z');

const optedIn: CustomerDelivery = { consents: { [consentKey('email')]: { status: 'optedIn', stamp: [0, 'a'] } } };

function facts(overrides: Partial<DeliveryFacts> = {}): DeliveryFacts {
  return {
    step: { channel: 'email' },
    journey: undefined,
    settings: DEFAULT_DELIVERY_SETTINGS,
    customer: optedIn,
    nowMs: DAYTIME,
    ...overrides,
  };
}

describe('decideDelivery: what becomes of a send when it would be handed out', () => {
  it.each<[string, Partial<DeliveryFacts>, ReturnType<typeof decideDelivery>]>([
    ['given consent: sent', {}, { kind: 'send', transactional: false }],
    [
      'given no consent record under opt-in: skipped NoConsent',
      { customer: NO_DELIVERY_STATE },
      { kind: 'skip', reason: 'NoConsent' },
    ],
    [
      'given no consent but a transactional step: sent, marked transactional',
      { customer: NO_DELIVERY_STATE, step: { channel: 'email', transactional: true } },
      { kind: 'send', transactional: true },
    ],
    [
      'given a transactional journey and a step that says otherwise: the step wins',
      {
        customer: NO_DELIVERY_STATE,
        journey: { transactional: true },
        step: { channel: 'email', transactional: false },
      },
      { kind: 'skip', reason: 'NoConsent' },
    ],
  ])('%s', (_, overrides, expected) => {
    expect(decideDelivery(facts(overrides))).toEqual(expected);
  });
});
