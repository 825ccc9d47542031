import fc from 'fast-check';
import { stickyAssignment } from './sticky-assignment';

describe('stickyAssignment', () => {
  it('gives a lone member every partition', () => {
    expect(stickyAssignment([{ id: 'a', owned: [] }], 4)).toEqual(new Map([['a', [0, 1, 2, 3]]]));
  });

  it('when a member joins, moves only what balance needs, and nobody keeps more than its share', () => {
    const before = stickyAssignment(
      [
        { id: 'a', owned: [] },
        { id: 'b', owned: [] },
      ],
      12,
    );
    expect(before).toEqual(
      new Map([
        ['a', [0, 1, 2, 3, 4, 5]],
        ['b', [6, 7, 8, 9, 10, 11]],
      ]),
    );
    const after = stickyAssignment(
      [
        { id: 'a', owned: before.get('a')! },
        { id: 'b', owned: before.get('b')! },
        { id: 'c', owned: [] },
      ],
      12,
    );
    expect(after).toEqual(
      new Map([
        ['a', [0, 1, 2, 3]],
        ['b', [6, 7, 8, 9]],
        ['c', [4, 5, 10, 11]],
      ]),
    );
  });

  it('when a member leaves, only its partitions move', () => {
    const after = stickyAssignment(
      [
        { id: 'a', owned: [0, 1, 2, 3] },
        { id: 'c', owned: [4, 5, 10, 11] },
      ],
      12,
    );
    expect(after.get('a')).toEqual(expect.arrayContaining([0, 1, 2, 3]));
    expect(after.get('c')).toEqual(expect.arrayContaining([4, 5, 10, 11]));
  });

  it('always assigns every partition exactly once, in shares that differ by at most one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.array(fc.integer({ min: -2, max: 70 }), { maxLength: 20 }), { maxLength: 8 }),
        (partitions, ids, owned) => {
          const members = ids.map((id, i) => ({ id, owned: owned[i] ?? [] }));
          const assigned = [...stickyAssignment(members, partitions).values()];
          expect(assigned.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: partitions }, (_, p) => p));
          const sizes = assigned.map((list) => list.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
