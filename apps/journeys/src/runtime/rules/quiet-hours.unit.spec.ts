import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '@journeys/definition';
import { customerTimeZone, quietHoursEnd, quietHoursFor } from './quiet-hours';

const at = (iso: string) => Date.parse(iso);
const overnight = { start: '21:00', end: '08:00' };
const lunch = { start: '12:00', end: '14:00' };
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('quietHoursEnd: when the quiet hours around now end, in the customer zone', () => {
  it.each<[string, { start: string; end: string }, string, string, string | undefined]>([
    [
      'overnight, at 22:00: until 08:00 the next day',
      overnight,
      'UTC',
      '2026-06-01T22:00:00Z',
      '2026-06-02T08:00:00.000Z',
    ],
    [
      'overnight, at 03:00: until 08:00 the same day',
      overnight,
      'UTC',
      '2026-06-02T03:00:00Z',
      '2026-06-02T08:00:00.000Z',
    ],
    [
      'overnight, at 21:00 sharp: inside (start is in)',
      overnight,
      'UTC',
      '2026-06-01T21:00:00Z',
      '2026-06-02T08:00:00.000Z',
    ],
    ['overnight, at 08:00 sharp: outside (end is out)', overnight, 'UTC', '2026-06-02T08:00:00Z', undefined],
    ['overnight, at noon: outside', overnight, 'UTC', '2026-06-02T12:00:00Z', undefined],
    ['a window within a day, at 13:30: until 14:00', lunch, 'UTC', '2026-06-02T13:30:00Z', '2026-06-02T14:00:00.000Z'],
    [
      'in New York, 23:00 local (03:00 UTC): until 08:00 local',
      overnight,
      'America/New_York',
      '2026-06-02T03:00:00Z',
      '2026-06-02T12:00:00.000Z',
    ],
    [
      'in Paris, 22:30 the night clocks go forward: 08:00 CEST, seven and a half hours later',
      overnight,
      'Europe/Paris',
      '2026-03-28T21:30:00Z',
      '2026-03-29T06:00:00.000Z',
    ],
    [
      'in Paris, 22:30 the night clocks go back: 08:00 CET, ten and a half hours later',
      overnight,
      'Europe/Paris',
      '2026-10-24T20:30:00Z',
      '2026-10-25T07:00:00.000Z',
    ],
    [
      'a window ending at 02:30 on the night that skips 02:00-03:00: the end moves forward by the gap',
      { start: '22:00', end: '02:30' },
      'Europe/Paris',
      '2026-03-29T00:30:00Z',
      '2026-03-29T01:30:00.000Z',
    ],
  ])('%s', (_, window, zone, now, expected) => {
    expect(iso(quietHoursEnd(window, zone, at(now)))).toBe(expected);
  });
});

describe('quietHoursFor: whose window and mode apply', () => {
  const settings: DeliverySettings = { ...DEFAULT_DELIVERY_SETTINGS, quietHours: { ...overnight, mode: 'skip' } };

  it.each([
    ['no settings window, no journey window: none', DEFAULT_DELIVERY_SETTINGS, undefined, undefined, undefined],
    ["the settings' window and mode", settings, undefined, undefined, { window: overnight, mode: 'skip' }],
    [
      "the journey's own window, the settings' mode",
      settings,
      { quietHours: lunch },
      undefined,
      { window: lunch, mode: 'skip' },
    ],
    [
      "the journey's mode over the settings'",
      settings,
      { quietHours: { mode: 'hold' as const } },
      undefined,
      { window: overnight, mode: 'hold' },
    ],
    [
      "the step's mode over the journey's",
      settings,
      { quietHours: { mode: 'hold' as const } },
      'skip' as const,
      { window: overnight, mode: 'skip' },
    ],
    ['turned off for the journey', settings, { quietHours: { enabled: false } }, 'hold' as const, undefined],
    [
      'a journey window without settings: held by default',
      DEFAULT_DELIVERY_SETTINGS,
      { quietHours: lunch },
      undefined,
      { window: lunch, mode: 'hold' },
    ],
  ])('%s', (_, s, delivery, stepMode, expected) => {
    expect(quietHoursFor(s, delivery, stepMode)).toEqual(expected);
  });
});

describe('customerTimeZone', () => {
  it.each([
    ['a valid profile zone', 'Asia/Tokyo', 'Asia/Tokyo'],
    ['no profile zone: the journey zone', undefined, 'Europe/Paris'],
    ['not a zone: the journey zone', 'Mars/Olympus', 'Europe/Paris'],
    ['not text: the journey zone', 42, 'Europe/Paris'],
  ])('%s', (_, profileZone, expected) => {
    expect(customerTimeZone(profileZone, 'Europe/Paris')).toBe(expected);
  });
});
