import fc from 'fast-check';
import { pickSplitBranch, splitKey, stableHash32 } from './split';

/** FNV-1a over Node's own UTF-8 encoding, plus fmix32: the reference the hand-rolled encoder must match. */
function referenceHash(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

describe('stableHash32', () => {
  it('never changes: running splits depend on these values', () => {
    expect(stableHash32('')).toBe(referenceHash(''));
    expect(['', 'a', 'journey-1|split|customer-42', 'é', '😀'].map(stableHash32)).toEqual([
      2872998923, 444641715, 3933874007, 2387039943, 855877642,
    ]);
  });

  it('hashes the UTF-8 bytes of any text, lone surrogates as U+FFFD', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => stableHash32(text) === referenceHash(text)),
      { numRuns: 2000 },
    );
    expect(stableHash32('a\ud800b')).toBe(referenceHash('a\ufffdb'));
  });
});

describe('pickSplitBranch', () => {
  it('is sticky: the same key always gets the same branch', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 25 }),
        (customer, weights) => {
          const key = splitKey('journey-1', 'split-1', customer);
          const first = pickSplitBranch(weights, key);
          return first >= 0 && first < weights.length && pickSplitBranch([...weights], key) === first;
        },
      ),
    );
  });

  it('spreads customers in proportion to the weights', () => {
    const weights = [1, 1, 2];
    const counts = [0, 0, 0];
    const customers = 20_000;
    for (let customer = 0; customer < customers; customer++) {
      counts[pickSplitBranch(weights, splitKey('journey-1', 'split-1', `customer-${customer}`))]++;
    }
    for (const [index, share] of [0.25, 0.25, 0.5].entries()) {
      expect(Math.abs(counts[index] / customers - share)).toBeLessThan(0.015);
    }
  });

  it('assigns a customer independently in different steps and journeys', () => {
    const weights = [1, 1];
    let same = 0;
    for (let customer = 0; customer < 2000; customer++) {
      const inFirst = pickSplitBranch(weights, splitKey('journey-1', 'split-a', `c${customer}`));
      const inSecond = pickSplitBranch(weights, splitKey('journey-1', 'split-b', `c${customer}`));
      if (inFirst === inSecond) same++;
    }
    expect(same / 2000).toBeGreaterThan(0.45);
    expect(same / 2000).toBeLessThan(0.55);
  });

  it('never picks a branch whose weight is not positive', () => {
    for (let customer = 0; customer < 500; customer++) {
      const picked = pickSplitBranch([0, 3, -1, Number.NaN, 1, 0], `c${customer}`);
      expect([1, 4]).toContain(picked);
    }
  });

  it('throws a RangeError when no weight is positive', () => {
    expect(() => pickSplitBranch([], 'c')).toThrow(RangeError);
    expect(() => pickSplitBranch([0, -1], 'c')).toThrow(RangeError);
    expect(() => pickSplitBranch([Number.POSITIVE_INFINITY], 'c')).toThrow(RangeError);
  });
});
