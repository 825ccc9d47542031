import type { Channel, ConsentMode } from '@journeys/definition';
import { consentAllows, consentKey, recordConsent, type Consents } from './consent';

const T = Date.parse('2026-06-01T10:00:00Z');
const DAY = 86_400_000;

/** Records built as the engine builds them, fact after fact. */
function given(...facts: [channel: Channel, topic: string | undefined, status: 'optedIn' | 'optedOut', at: number][]) {
  let consents: Consents = {};
  facts.forEach(([channel, topic, status, at], i) => {
    consents = recordConsent(consents, consentKey(channel, topic), status, [at, String(i)]) ?? consents;
  });
  return consents;
}

describe('consentAllows: a send needs consent for its channel, and for its topic when it names one', () => {
  it.each<[string, ConsentMode, Consents, Channel, string | undefined, boolean]>([
    ['given no record, opt-in mode: not sent', 'optIn', given(), 'email', undefined, false],
    ['given no record, opt-out mode: sent', 'optOut', given(), 'email', undefined, true],
    [
      'given an opt-in for email, an email: sent',
      'optIn',
      given(['email', undefined, 'optedIn', T]),
      'email',
      undefined,
      true,
    ],
    [
      'given an opt-in for email, an sms: not sent',
      'optIn',
      given(['email', undefined, 'optedIn', T]),
      'sms',
      undefined,
      false,
    ],
    [
      'given an opt-out, opt-out mode: not sent',
      'optOut',
      given(['sms', undefined, 'optedOut', T]),
      'sms',
      undefined,
      false,
    ],
    [
      'given an email opt-in only, opt-in mode, a newsletter: not sent (the topic needs its own)',
      'optIn',
      given(['email', undefined, 'optedIn', T]),
      'email',
      'newsletter',
      false,
    ],
    [
      'given email and newsletter opt-ins, a newsletter: sent',
      'optIn',
      given(['email', undefined, 'optedIn', T], ['email', 'newsletter', 'optedIn', T]),
      'email',
      'newsletter',
      true,
    ],
    [
      'given a newsletter opt-in but an email opt-out: not sent (a channel opt-out stops every topic)',
      'optOut',
      given(['email', 'newsletter', 'optedIn', T], ['email', undefined, 'optedOut', T]),
      'email',
      'newsletter',
      false,
    ],
    [
      'given a promotions opt-out, opt-out mode, a newsletter: sent (topics are apart)',
      'optOut',
      given(['email', 'promotions', 'optedOut', T]),
      'email',
      'newsletter',
      true,
    ],
  ])('%s', (_, mode, consents, channel, topic, expected) => {
    expect(consentAllows(mode, consents, channel, topic)).toBe(expected);
  });
});

describe('recordConsent: the event-time rule', () => {
  it('given an opt-out now, when an opt-in from yesterday arrives, then the opt-out stands', () => {
    const consents = given(['email', undefined, 'optedOut', T], ['email', undefined, 'optedIn', T - DAY]);
    expect(consentAllows('optOut', consents, 'email')).toBe(false);
  });

  it('given an opt-in yesterday, when an opt-out from today arrives, then it wins', () => {
    const consents = given(['email', undefined, 'optedIn', T - DAY], ['email', undefined, 'optedOut', T]);
    expect(consentAllows('optOut', consents, 'email')).toBe(false);
  });

  it('keeps channels and topics apart, and never changes the records it was given', () => {
    const before = given(['email', undefined, 'optedIn', T]);
    const after = recordConsent(before, consentKey('email', 'news'), 'optedIn', [T, 'x'])!;
    expect(Object.keys(after).sort()).toEqual(['email', 'email:news']);
    expect(Object.keys(before)).toEqual(['email']);
  });

  it('takes a topic named __proto__ as any other', () => {
    const consents = recordConsent({}, consentKey('push', '__proto__'), 'optedIn', [T, 'a'])!;
    expect(
      consentAllows('optIn', { ...consents, push: { status: 'optedIn', stamp: [T, 'a'] } }, 'push', '__proto__'),
    ).toBe(true);
  });
});
