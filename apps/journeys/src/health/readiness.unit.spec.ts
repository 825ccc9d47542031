import { followerVerdict } from './readiness';

describe('followerVerdict', () => {
  const following = { position: 90n, running: true };

  it('is up within the bound and down past it', () => {
    expect(followerVerdict(following, 100n, 10)).toEqual({ status: 'up', lag: 10 });
    expect(followerVerdict(following, 101n, 10)).toEqual({
      status: 'down',
      lag: 11,
      reason: '11 positions behind the store (bound 10)',
    });
    expect(followerVerdict({ position: 120n, running: true }, 100n, 0)).toEqual({ status: 'up', lag: 0 });
  });

  it('is degraded while retrying within the bound, and down once stopped', () => {
    expect(followerVerdict({ ...following, lastError: 'disk I/O error' }, 95n, 10)).toEqual({
      status: 'degraded',
      lag: 5,
      lastError: 'disk I/O error',
    });
    expect(followerVerdict({ ...following, running: false }, 90n, 10)).toMatchObject({ status: 'down' });
  });

  it('is up past the bound when its last batch ended at the head (EventStoreDB positions have gaps)', () => {
    expect(followerVerdict({ ...following, caughtUp: true }, 90_000n, 10)).toEqual({ status: 'up', lag: 89_910 });
  });

  it('is down while the engine restores the partitions it was given', () => {
    expect(followerVerdict({ ...following, notReady: 'restoring engine partitions' }, 90n, 10)).toEqual({
      status: 'down',
      lag: 0,
      reason: 'restoring engine partitions',
    });
  });
});
