import { mergeProfile, orderKey, supersedes, type Profile, type Stamp } from './event-time';

const T = Date.parse('2026-06-01T10:00:00Z');
const DAY = 86_400_000;

describe('supersedes', () => {
  it.each<[string, Stamp, Stamp | undefined, boolean]>([
    ['anything over nothing', [T, 'b'], undefined, true],
    ['a later fact', [T + 1, 'a'], [T, 'z'], true],
    ['not an earlier one, whatever its id', [T - DAY, 'z'], [T, 'a'], false],
    ['at the same instant, the one stored later', [T, orderKey(10n)], [T, orderKey(9n)], true],
    ['at the same instant, not the one stored earlier', [T, orderKey(9n)], [T, orderKey(10n)], false],
    ['the same message again', [T, 'a'], [T, 'a'], true],
  ])('%s', (_, candidate, current, expected) => {
    expect(supersedes(candidate, current)).toBe(expected);
  });
});

describe('mergeProfile', () => {
  const empty: Profile = { values: {}, stamps: {} };

  it('given plan pro now, when plan free from a day earlier arrives, then plan stays pro', () => {
    const pro = mergeProfile(empty, { plan: 'pro' }, [T, 'm1'])!;
    expect(pro.values).toEqual({ plan: 'pro' });
    expect(mergeProfile(pro, { plan: 'free' }, [T - DAY, 'm2'])).toBeUndefined();
  });

  it('takes each attribute on its own: the newer ones of an older message still fill gaps', () => {
    const first = mergeProfile(empty, { plan: 'pro' }, [T, 'm1'])!;
    const merged = mergeProfile(first, { plan: 'free', country: 'FR' }, [T - DAY, 'm2'])!;
    expect(merged.values).toEqual({ plan: 'pro', country: 'FR' });
    expect(merged.stamps).toEqual({ plan: [T, 'm1'], country: [T - DAY, 'm2'] });
    expect(first.values).toEqual({ plan: 'pro' });
  });

  it('orders keys as the store positions they stand for', () => {
    expect(orderKey(9n) < orderKey(10n)).toBe(true);
    expect(orderKey(2n ** 63n) > orderKey(2n ** 53n + 1n)).toBe(true);
  });

  it('ends in the same profile whatever order facts of different times arrive in', () => {
    const facts: [Record<string, unknown>, Stamp][] = [
      [{ plan: 'pro', seats: 3 }, [T, 'a']],
      [{ plan: 'free' }, [T - DAY, 'b']],
      [{ seats: 5 }, [T + 1, 'c']],
      [{ plan: 'team' }, [T + 2, 'b']],
    ];
    const fold = (order: number[]) =>
      order.reduce<Profile>((profile, i) => mergeProfile(profile, facts[i][0], facts[i][1]) ?? profile, empty).values;
    const expected = { plan: 'team', seats: 5 };
    for (const order of [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [1, 3, 0, 2],
      [2, 0, 3, 1],
    ]) {
      expect(fold(order)).toEqual(expected);
    }
  });
});
