import { GOAL_WINDOW_MS, withinGoalWindow } from './goal';

describe('the goal window', () => {
  const ended = '2026-03-10T09:00:00.000Z';
  const endedMs = Date.parse(ended);

  it.each<[string, boolean, string | undefined, number, boolean]>([
    ['while active, whenever', true, undefined, endedMs + 10 * GOAL_WINDOW_MS, true],
    ['when it ends', false, ended, endedMs, true],
    ['three days after, to the millisecond', false, ended, endedMs + GOAL_WINDOW_MS, true],
    ['not a millisecond later', false, ended, endedMs + GOAL_WINDOW_MS + 1, false],
    ['not for an ended instance without an end time', false, undefined, endedMs, false],
  ])('%s', (_, active, endedAt, now, expected) => {
    expect(withinGoalWindow(active, endedAt, now)).toBe(expected);
  });
});
