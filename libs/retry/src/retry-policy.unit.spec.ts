import { pause, retryDelayMs, retryUntilDone, type RetryFailure } from './retry-policy';

const policy = { initialMs: 1, maxMs: 4 };

describe('retryUntilDone', () => {
  it('retries every failure, doubling the wait up to the cap, until an attempt resolves', async () => {
    const seen: RetryFailure[] = [];
    let calls = 0;
    const outcome = await retryUntilDone(
      async () => {
        calls++;
        if (calls === 2) throw new TypeError('a programming error is retried too');
        if (calls < 6) throw new Error(`failure ${calls}`);
      },
      { policy, signal: new AbortController().signal, onRetry: (f) => seen.push(f) },
    );
    expect(outcome).toBe('done');
    expect(calls).toBe(6);
    expect(seen.map((f) => [f.attempt, f.delayMs])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
      [4, 4],
      [5, 4],
    ]);
    expect(seen[1].error).toBeInstanceOf(TypeError);
  });

  it('resolves stopped when the signal aborts during a wait, without another attempt', async () => {
    const controller = new AbortController();
    let calls = 0;
    const outcome = retryUntilDone(
      async () => {
        calls++;
        throw new Error('down');
      },
      { policy: { initialMs: 60_000, maxMs: 60_000 }, signal: controller.signal, onRetry: () => controller.abort() },
    );
    await expect(outcome).resolves.toBe('stopped');
    expect(calls).toBe(1);
  });

  it('resolves done when the attempt that succeeded finished as the signal aborted', async () => {
    const controller = new AbortController();
    const outcome = await retryUntilDone(
      async () => {
        controller.abort();
      },
      { policy, signal: controller.signal },
    );
    expect(outcome).toBe('done');
  });

  it('rejects with a fatal error at once', async () => {
    const fatal = new Error('access denied');
    let calls = 0;
    await expect(
      retryUntilDone(
        async () => {
          calls++;
          throw fatal;
        },
        { policy, signal: new AbortController().signal, isFatal: (e) => e === fatal },
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });

  it('starts the back-off again after an attempt that made progress', async () => {
    let position = 0;
    let calls = 0;
    const delays: number[] = [];
    await retryUntilDone(
      async () => {
        calls++;
        if (calls === 4) position++; // this attempt gets work done, then fails
        if (calls < 6) throw new Error('broker away');
      },
      {
        policy: { initialMs: 1, maxMs: 100 },
        signal: new AbortController().signal,
        progress: () => position,
        onRetry: (f) => delays.push(f.delayMs),
      },
    );
    expect(delays).toEqual([1, 2, 4, 1, 1]);
  });
});

describe('retryDelayMs', () => {
  it('is the same back-off, with jitter between half and the whole delay', () => {
    expect(retryDelayMs({ initialMs: 100, maxMs: 5_000 }, 0)).toBe(0);
    expect([1, 2, 3, 7, 8].map((n) => retryDelayMs({ initialMs: 100, maxMs: 5_000 }, n))).toEqual([
      100, 200, 400, 5_000, 5_000,
    ]);
    for (let failures = 1; failures < 12; failures++) {
      const ceiling = Math.min(5_000, 100 * 2 ** (failures - 1));
      const delay = retryDelayMs({ initialMs: 100, maxMs: 5_000, jitter: true }, failures);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});

describe('pause', () => {
  it('ends early when the signal aborts', async () => {
    const controller = new AbortController();
    const waited = pause(60_000, controller.signal);
    controller.abort();
    await expect(waited).resolves.toBeUndefined();
  });
});
