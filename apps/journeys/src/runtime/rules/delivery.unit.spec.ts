import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '@journeys/definition';
import { consentKey } from './consent';
import { decideDelivery, NO_DELIVERY_STATE, type CustomerDelivery, type DeliveryFacts } from './delivery';

const NIGHT = Date.parse('2026-06-01T23:00:00Z');
const DAYTIME = Date.parse('2026-06-02T10:00:00Z');
const HOUR = 3_600_000;

const optedIn: CustomerDelivery = {
  consents: { [consentKey('email')]: { status: 'optedIn', stamp: [0, 'a'] } },
  sentAt: {},
};
const capped: DeliverySettings = {
  ...DEFAULT_DELIVERY_SETTINGS,
  frequencyCaps: [{ channel: 'email', count: 1, period: 'P1D' }],
};
const quiet: DeliverySettings = { ...DEFAULT_DELIVERY_SETTINGS, quietHours: { start: '21:00', end: '08:00' } };

function facts(overrides: Partial<DeliveryFacts> = {}): DeliveryFacts {
  return {
    step: { channel: 'email' },
    journey: undefined,
    settings: DEFAULT_DELIVERY_SETTINGS,
    customer: optedIn,
    profileZone: undefined,
    journeyZone: 'UTC',
    nowMs: DAYTIME,
    ...overrides,
  };
}

describe('decideDelivery: what becomes of a send when it would be handed out', () => {
  it.each<[string, Partial<DeliveryFacts>, ReturnType<typeof decideDelivery>]>([
    ['given consent, no cap, daytime: sent', {}, { kind: 'send', transactional: false }],
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
    [
      'given one email sent an hour ago and a cap of 1 a day: skipped FrequencyCapped',
      { settings: capped, customer: { ...optedIn, sentAt: { email: [DAYTIME - HOUR] } } },
      { kind: 'skip', reason: 'FrequencyCapped' },
    ],
    [
      'given a cap reached but a transactional step: sent',
      {
        settings: capped,
        customer: { ...optedIn, sentAt: { email: [DAYTIME - HOUR] } },
        step: { channel: 'email', transactional: true },
      },
      { kind: 'send', transactional: true },
    ],
    [
      'given quiet hours 21:00-08:00 and 23:00: held until 08:00',
      { settings: quiet, nowMs: NIGHT },
      { kind: 'hold', until: Date.parse('2026-06-02T08:00:00Z') },
    ],
    [
      'given quiet hours, 23:00 UTC but a customer in Tokyo (08:00 there): sent',
      { settings: quiet, nowMs: NIGHT, profileZone: 'Asia/Tokyo' },
      { kind: 'send', transactional: false },
    ],
    [
      'given quiet hours in skip mode: skipped QuietHours',
      { settings: quiet, nowMs: NIGHT, step: { channel: 'email', quietHours: 'skip' } },
      { kind: 'skip', reason: 'QuietHours' },
    ],
    [
      'given quiet hours and no consent: held first (consent is read when it goes out)',
      { settings: quiet, nowMs: NIGHT, customer: NO_DELIVERY_STATE },
      { kind: 'hold', until: Date.parse('2026-06-02T08:00:00Z') },
    ],
    [
      'given quiet hours and a transactional journey: sent at once',
      { settings: quiet, nowMs: NIGHT, journey: { transactional: true } },
      { kind: 'send', transactional: true },
    ],
    [
      'given a release at or after the expiry: expired, whatever else holds',
      { nowMs: DAYTIME, expiresAtMs: DAYTIME, step: { channel: 'email', transactional: true } },
      { kind: 'expired' },
    ],
    ['given an expiry still ahead: sent', { expiresAtMs: DAYTIME + 1 }, { kind: 'send', transactional: false }],
  ])('%s', (_, overrides, expected) => {
    expect(decideDelivery(facts(overrides))).toEqual(expected);
  });
});
