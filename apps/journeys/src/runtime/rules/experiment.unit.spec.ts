import type { Experiment } from '@journeys/definition';
import { concludeExperiment, erfc, experimentDue, normalCdf, settled, twoProportionZTest } from './experiment';

/** Reference values: Python's math.erfc (the C library's), and the standard normal table. */
describe('experiment statistics', () => {
  it.each([
    [0, 1],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [2, 0.004677734981047265],
    [-1, 1.842700792949715],
  ])('erfc(%s) = %s within 1.2e-7 relative', (x, expected) => {
    expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1.2e-7);
  });

  it('Φ at the two-sided 5% and 1% critical values is 0.975 and 0.995', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normalCdf(2.5758293035489)).toBeCloseTo(0.995, 7);
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
  });

  it('the two-proportion z-test of 250/1000 against 200/1000: z = 2.6774, p = 0.00742', () => {
    const test = twoProportionZTest({ assigned: 1000, converted: 250 }, { assigned: 1000, converted: 200 })!;
    expect(test.z).toBeCloseTo(2.677397763008329, 9);
    expect(test.pValue).toBeCloseTo(0.007419649261025693, 7);
    const reversed = twoProportionZTest({ assigned: 1000, converted: 200 }, { assigned: 1000, converted: 250 })!;
    expect(reversed.z).toBeCloseTo(-2.677397763008329, 9);
    expect(reversed.pValue).toBeCloseTo(test.pValue, 12);
  });

  it('is not made when the normal approximation does not hold (fewer than 5 expected conversions)', () => {
    expect(twoProportionZTest({ assigned: 40, converted: 3 }, { assigned: 40, converted: 1 })).toBeUndefined();
    expect(twoProportionZTest({ assigned: 0, converted: 0 }, { assigned: 40, converted: 10 })).toBeUndefined();
  });
});

describe('concluding an experiment', () => {
  const experiment: Experiment = { metric: { type: 'goal', within: 'P7D' }, sampleSize: 1000 };

  it('given a clearly better branch of two, then it wins at the 5% level', () => {
    const outcome = concludeExperiment(experiment, [
      { assigned: 1000, converted: 200 },
      { assigned: 1000, converted: 250 },
    ]);
    expect(outcome).toMatchObject({
      test: 'twoProportionZ',
      significance: 0.05,
      correctedSignificance: 0.05,
      best: 1,
      winner: 1,
      result: 'winner',
      branches: [
        { branch: 0, assigned: 1000, converted: 200, rate: 0.2 },
        { branch: 1, assigned: 1000, converted: 250, rate: 0.25 },
      ],
    });
    expect(outcome.comparisons).toEqual([
      { branch: 0, z: expect.closeTo(2.6774, 4), pValue: expect.closeTo(0.00742, 5), significant: true },
    ]);
  });

  it('given a difference that is not significant (p = 0.153), then there is no winner and the split stays', () => {
    const outcome = concludeExperiment(experiment, [
      { assigned: 1000, converted: 120 },
      { assigned: 1000, converted: 100 },
    ]);
    expect(outcome).toMatchObject({ best: 0, winner: null, result: 'noSignificantDifference' });
    expect(outcome.comparisons[0].pValue).toBeCloseTo(0.1529177818639462, 6);
  });

  it('given a stricter level, then the same figures (p = 0.0074) do not win at 0.005', () => {
    const strict = concludeExperiment({ ...experiment, significance: 0.005 }, [
      { assigned: 1000, converted: 200 },
      { assigned: 1000, converted: 250 },
    ]);
    expect(strict).toMatchObject({ winner: null, result: 'noSignificantDifference' });
  });

  it('given three branches, then the best must beat each other one at 0.05 / 2 (Bonferroni)', () => {
    const wins = concludeExperiment(experiment, [
      { assigned: 1000, converted: 300 },
      { assigned: 1000, converted: 250 }, // p = 0.0123 < 0.025
      { assigned: 1000, converted: 240 }, // p = 0.0025
    ]);
    expect(wins).toMatchObject({ correctedSignificance: 0.025, winner: 0, result: 'winner' });
    const close = concludeExperiment(experiment, [
      { assigned: 1000, converted: 300 },
      { assigned: 1000, converted: 280 }, // p = 0.32
      { assigned: 1000, converted: 240 },
    ]);
    expect(close).toMatchObject({ winner: null, result: 'noSignificantDifference' });
  });

  it('given too few customers for the normal approximation, then it cannot test', () => {
    expect(
      concludeExperiment(experiment, [
        { assigned: 30, converted: 2 },
        { assigned: 30, converted: 1 },
      ]),
    ).toMatchObject({ winner: null, result: 'tooFewToTest' });
    expect(
      concludeExperiment(experiment, [
        { assigned: 8, converted: 4 },
        { assigned: 8, converted: 4 },
      ]),
    ).toMatchObject({ best: null, winner: null, result: 'tooFewToTest' });
  });

  it('given branches tied for the best rate with enough customers, then there is no significant difference', () => {
    expect(
      concludeExperiment(experiment, [
        { assigned: 500, converted: 100 },
        { assigned: 500, converted: 100 },
      ]),
    ).toMatchObject({
      best: null,
      winner: null,
      result: 'noSignificantDifference',
      comparisons: [{ branch: 1, z: 0 }],
    });
    // Two leaders tied, a third far behind: still no single best, so no winner.
    const threeWay = concludeExperiment(experiment, [
      { assigned: 1000, converted: 400 },
      { assigned: 1000, converted: 100 },
      { assigned: 1000, converted: 400 },
    ]);
    expect(threeWay).toMatchObject({ best: null, winner: null, result: 'noSignificantDifference' });
    expect(threeWay.comparisons.map((c) => [c.branch, c.significant])).toEqual([
      [1, true],
      [2, false],
    ]);
  });
});

describe('when a partition reports its figures', () => {
  const H = 3_600_000;
  it('given a decision time, then it reports once the time has come', () => {
    expect(experimentDue([], 10 * H, { decideAt: 12 * H })).toEqual({ report: false, at: 12 * H });
    expect(experimentDue([], 12 * H, { decideAt: 12 * H })).toEqual({ report: true });
  });
  it('given a sample size, then it reports once every branch has its share, else looks again next hour', () => {
    const figures = [
      { assigned: 40, converted: 1 },
      { assigned: 39, converted: 4 },
    ];
    expect(experimentDue(figures, 10 * H + 5, { share: 40 })).toEqual({ report: false, at: 11 * H });
    expect(experimentDue(figures, 10 * H + 5, { share: 39 })).toEqual({ report: true });
  });
  it('counts an hour of assignments once all of them have had their whole window', () => {
    expect(settled(10 * H, 24 * H, 35 * H - 1)).toBe(false);
    expect(settled(10 * H, 24 * H, 35 * H)).toBe(true);
  });
});
