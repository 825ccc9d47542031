import { DEFAULT_SIGNIFICANCE, type Experiment } from '@journeys/definition';

/**
 * How an experiment (a `split` step's `experiment`) concludes, in one place: the statistical test,
 * the winner, and when the figures are due. Pure.
 *
 * The test: the branch with the highest conversion rate is compared with each other branch by a
 * two-proportion z-test (pooled proportion, two-sided; for two branches the same as Pearson's
 * chi-squared test of the 2×2 table without continuity correction, chi² = z²). It wins when every
 * comparison is significant at `significance / (branches - 1)` (Bonferroni's correction, so the
 * chance of a false winner stays at most `significance` however many branches there are). A
 * comparison is only made when the normal approximation holds: each of the two branches has at
 * least 5 expected conversions and 5 expected non-conversions under the pooled rate.
 */

/** One branch's figures: customers assigned whose conversion window has closed, and how many converted. */
export interface BranchFigures {
  assigned: number;
  converted: number;
}

export interface Comparison {
  /** The branch compared with the best one. */
  branch: number;
  z: number;
  /** Two-sided p-value. */
  pValue: number;
  significant: boolean;
}

export interface ExperimentOutcome {
  test: 'twoProportionZ';
  significance: number;
  /** The level each comparison is held to: significance / (branches - 1). */
  correctedSignificance: number;
  branches: (BranchFigures & { branch: number; rate: number })[];
  /**
   * The branch with the highest rate, if one has the highest alone. The others are compared with it,
   * or, when branches tie for the highest rate, with the first of them.
   */
  best: number | null;
  comparisons: Comparison[];
  winner: number | null;
  /**
   * `winner`; `noSignificantDifference` (also when branches tie for the best rate);
   * `tooFewToTest`: too few customers for the normal approximation.
   */
  result: 'winner' | 'noSignificantDifference' | 'tooFewToTest';
}

/** Φ, the standard normal distribution function. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * The complementary error function, by the Chebyshev fit of W. H. Press et al. (Numerical Recipes,
 * 2nd ed., section 6.2): fractional error below 1.2e-7 everywhere.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * The two-proportion z-test of `a` against `b` (pooled, two-sided): z > 0 when `a` converts better.
 * Undefined when the normal approximation does not hold (fewer than 5 expected conversions or
 * non-conversions in either branch).
 */
export function twoProportionZTest(a: BranchFigures, b: BranchFigures): { z: number; pValue: number } | undefined {
  const n = a.assigned + b.assigned;
  if (a.assigned === 0 || b.assigned === 0) return undefined;
  const pooled = (a.converted + b.converted) / n;
  for (const branch of [a, b]) {
    if (branch.assigned * pooled < 5 || branch.assigned * (1 - pooled) < 5) return undefined;
  }
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.assigned + 1 / b.assigned));
  const z = (a.converted / a.assigned - b.converted / b.assigned) / se;
  return { z, pValue: erfc(Math.abs(z) / Math.SQRT2) };
}

/** Concludes an experiment from every branch's figures, in branch order. */
export function concludeExperiment(experiment: Experiment, figures: readonly BranchFigures[]): ExperimentOutcome {
  const significance = experiment.significance ?? DEFAULT_SIGNIFICANCE;
  const correctedSignificance = significance / Math.max(1, figures.length - 1);
  const branches = figures.map((f, branch) => ({
    branch,
    assigned: f.assigned,
    converted: f.converted,
    rate: f.assigned === 0 ? 0 : f.converted / f.assigned,
  }));
  const top = Math.max(...branches.map((b) => b.rate));
  const leaders = branches.filter((b) => b.assigned > 0 && b.rate === top);
  const base = { test: 'twoProportionZ' as const, significance, correctedSignificance, branches };
  if (leaders.length === 0) return { ...base, best: null, comparisons: [], winner: null, result: 'tooFewToTest' };
  // Branches tied for the best rate are no reason not to test: the comparison of two equal rates
  // (z = 0) is not significant, so enough customers conclude `noSignificantDifference`, and too few
  // still `tooFewToTest`. Only a single leader can win.
  const reference = leaders[0].branch;
  const best = leaders.length === 1 ? reference : null;
  const comparisons: Comparison[] = [];
  for (const other of branches) {
    if (other.branch === reference) continue;
    const test = twoProportionZTest(figures[reference], figures[other.branch]);
    if (test === undefined) return { ...base, best, comparisons, winner: null, result: 'tooFewToTest' };
    comparisons.push({ branch: other.branch, ...test, significant: test.pValue < correctedSignificance });
  }
  const wins = best !== null && comparisons.every((c) => c.significant);
  return {
    ...base,
    best,
    comparisons,
    winner: wins ? best : null,
    result: wins ? 'winner' : 'noSignificantDifference',
  };
}

/** Assignments are counted per hour of assignment (ms of the hour's start). */
export const BUCKET_MS = 3_600_000;

export function bucketOf(at: number): number {
  return Math.floor(at / BUCKET_MS) * BUCKET_MS;
}

/** Whether the customers assigned in the hour starting at `bucket` have all had their whole window by `now`. */
export function settled(bucket: number, withinMs: number, now: number): boolean {
  return bucket + BUCKET_MS + withinMs <= now;
}

/**
 * What a partition's experiment job does at `now` (ms): report its figures, or look again at
 * `at`. `decideAt`: for `decideAfter`, when the version went live plus it. `share`: for `sampleSize`,
 * the customers every branch needs in this partition, `ceil(sampleSize / partitions)` (customers
 * spread evenly over partitions, so together they reach the sample size).
 */
export function experimentDue(
  figures: readonly BranchFigures[],
  now: number,
  plan: { decideAt: number } | { share: number },
): { report: true } | { report: false; at: number } {
  if ('decideAt' in plan) return now >= plan.decideAt ? { report: true } : { report: false, at: plan.decideAt };
  if (figures.length > 0 && figures.every((f) => f.assigned >= plan.share)) return { report: true };
  return { report: false, at: bucketOf(now) + BUCKET_MS };
}
