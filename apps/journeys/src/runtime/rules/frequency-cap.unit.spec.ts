import type { FrequencyCap } from '@journeys/definition';
import { afterSend, capReached } from './frequency-cap';

const T = Date.parse('2026-06-01T10:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const twoADay: FrequencyCap = { channel: 'email', count: 2, period: 'P1D' };
const fiveAWeek: FrequencyCap = { channel: 'email', count: 5, period: 'P7D' };

describe('capReached: at most N sends per customer and channel in any rolling period', () => {
  it.each<[string, FrequencyCap[], number[], FrequencyCap | undefined]>([
    ['given no send: not reached', [twoADay], [], undefined],
    ['given one send today, 2 a day: not reached', [twoADay], [T - HOUR], undefined],
    ['given two sends today, 2 a day: reached', [twoADay], [T - 2 * HOUR, T - HOUR], twoADay],
    [
      'given two sends, one exactly a day ago: the period has rolled past it',
      [twoADay],
      [T - DAY, T - HOUR],
      undefined,
    ],
    [
      'given five sends this week on different days: the weekly cap is reached',
      [twoADay, fiveAWeek],
      [T - 6 * DAY, T - 5 * DAY, T - 4 * DAY, T - 3 * DAY, T - 2 * DAY],
      fiveAWeek,
    ],
    ['given caps of another channel only: not reached', [{ channel: 'sms', count: 1, period: 'PT1H' }], [T], undefined],
  ])('%s', (_, caps, sentAt, expected) => {
    expect(capReached(caps, 'email', sentAt, T)).toEqual(expected);
  });
});

describe('afterSend: what is kept of the sends', () => {
  it('keeps nothing for a channel without a cap', () => {
    expect(afterSend([twoADay], 'sms', [], T)).toBeUndefined();
  });

  it("keeps the sends inside the channel's longest period, at most its largest count, oldest first", () => {
    const sentAt = [T - 8 * DAY, T - 3 * DAY, T - 2 * DAY, T - DAY, T - HOUR, T - 1];
    expect(afterSend([twoADay, fiveAWeek], 'email', sentAt, T)).toEqual([T - 2 * DAY, T - DAY, T - HOUR, T - 1, T]);
    expect(afterSend([twoADay], 'email', sentAt, T)).toEqual([T - 1, T]);
  });

  it('never changes the list it was given', () => {
    const sentAt = [T - HOUR];
    afterSend([twoADay], 'email', sentAt, T);
    expect(sentAt).toEqual([T - HOUR]);
  });
});
