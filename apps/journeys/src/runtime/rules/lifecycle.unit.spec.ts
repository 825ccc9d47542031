import { completedWhenEmpty, pastTheirEnd, pausesOverrun } from './lifecycle';

describe('automatic life-cycle moves', () => {
  const T = Date.parse('2027-01-31T00:00:00Z');

  it('given Live versions, when one’s end time passes, then only it moves to Completing', () => {
    const moves = pastTheirEnd(
      [
        { journeyId: 'a', version: 1, state: 'Live', endAt: T },
        { journeyId: 'b', version: 1, state: 'Live', endAt: T + 1 },
        { journeyId: 'c', version: 2, state: 'Live' },
      ],
      T,
    );
    expect(moves).toEqual([{ journeyId: 'a', version: 1, to: 'Completing', reason: 'endTimePassed' }]);
  });

  it('given a Completing version, when nobody is left inside, then this partition has emptied it', () => {
    const completing = { journeyId: 'a', version: 1, state: 'Completing' };
    expect(completedWhenEmpty(completing, false)).toEqual({ journeyId: 'a', version: 1, done: 'emptied' });
    expect(completedWhenEmpty(completing, true)).toBeUndefined();
    expect(completedWhenEmpty({ ...completing, state: 'Live' }, false)).toBeUndefined();
    expect(completedWhenEmpty(undefined, false)).toBeUndefined();
  });

  it('given Paused versions, when one’s pause reaches its maximum, then only its pause ends', () => {
    const moves = pausesOverrun(
      [
        { journeyId: 'a', version: 1, state: 'Paused', pause: { endsAt: T } },
        { journeyId: 'b', version: 1, state: 'Paused', pause: { endsAt: T + 1 } },
        { journeyId: 'c', version: 1, state: 'Live' },
      ],
      T,
    );
    expect(moves).toEqual([{ journeyId: 'a', version: 1, endPause: true }]);
  });
});
