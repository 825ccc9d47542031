import { layoutProblem } from './partition-layout';

describe('partition layout', () => {
  it('runs on state laid out in the same count, or on no state yet', () => {
    expect(layoutProblem(3, 3)).toBeUndefined();
    expect(layoutProblem(12, undefined)).toBeUndefined();
  });

  it('refuses another count, naming both and the way out', () => {
    expect(layoutProblem(3, 1)).toBe(
      "JOURNEYS_PARTITIONS is 3, but this store's engine state is split into 1 partition(s); " +
        'start with JOURNEYS_PARTITIONS=1 (the count is fixed once the engine has state)',
    );
  });
});
