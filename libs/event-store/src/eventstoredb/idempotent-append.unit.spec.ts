import fc from 'fast-check';
import { AppendResult, ExpectedRevision, NewEvent, WrongExpectedRevisionError } from '../event-store.port';
import {
  appendIdempotently,
  AppendStep,
  KnownStreamIds,
  MAX_UNKNOWN_OUTCOMES,
  planAppend,
  StreamIds,
  uniqueById,
} from './idempotent-append';

describe('StreamIds', () => {
  it('learns a prefix of the stream and grows it', () => {
    const ids = new StreamIds();
    expect(ids.extend(0, known('a', 'b'), 20n)).toBe(true);
    expect(ids.extend(2, known('c').map(at(2)), 30n)).toBe(true);

    expect([ids.lastRevision, ids.lastPosition, ids.size]).toEqual([2, 30n, 3]);
    expect(['a', 'b', 'c', 'd'].map((id) => ids.holds(id))).toEqual([true, true, true, false]);
  });

  it('ignores a read that would leave a hole and events it already knows', () => {
    const ids = new StreamIds();
    ids.extend(0, known('a'), 10n);

    expect(ids.extend(3, known('x').map(at(3)), 50n)).toBe(false);
    expect(ids.extend(0, known('a'), 10n)).toBe(false);
    expect(ids.extend(0, known('a', 'b'), 20n)).toBe(true);
    expect([ids.lastRevision, ids.lastPosition, ids.holds('x')]).toEqual([1, 20n, false]);
  });

  it('accepts a read of a truncated stream whose first event comes after where it started', () => {
    const ids = new StreamIds();
    expect(ids.extend(0, known('k').map(at(5)), 70n)).toBe(true);
    expect(ids.lastRevision).toBe(5);
  });

  it('keeps the ids of the last `window` events only, and knows from which revision', () => {
    const ids = new StreamIds(3);
    ids.extend(0, known('a', 'b'), 20n);
    ids.extend(2, known('c', 'd', 'e').map(at(2)), 50n);

    expect([ids.firstRevision, ids.lastRevision, ids.size]).toEqual([2, 4, 3]);
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => ids.holds(id))).toEqual([false, false, true, true, true]);
  });

  it("starts from a stream's last events read from its end, only when it knows nothing yet", () => {
    const ids = new StreamIds(2);
    expect(ids.startFromEnd(known('x', 'y').map(at(8)), 90n)).toBe(true);
    expect([ids.firstRevision, ids.lastRevision, ids.lastPosition]).toEqual([8, 9, 90n]);

    expect(ids.startFromEnd(known('z').map(at(10)), 99n)).toBe(false);
    expect(ids.extend(5, known('old').map(at(5)), 60n)).toBe(false);
    expect(ids.extend(10, known('z').map(at(10)), 99n)).toBe(true);
    expect(['x', 'y', 'z'].map((id) => ids.holds(id))).toEqual([false, true, true]);
  });

  it('refuses a window smaller than one event', () => {
    expect(() => new StreamIds(0)).toThrow(RangeError);
  });
});

describe('KnownStreamIds', () => {
  it('hands out an empty, uncached StreamIds for an unknown stream', () => {
    const cache = new KnownStreamIds(10);
    const ids = cache.get('s-1');
    ids.extend(0, known('a'), 1n);

    expect(cache.get('s-1').lastRevision).toBe(-1);
    cache.remember('s-1', ids);
    expect(cache.get('s-1')).toBe(ids);
  });

  it('evicts the least recently used streams beyond its capacity in ids', () => {
    const cache = new KnownStreamIds(4);
    cache.remember('a', streamOf('a1', 'a2'));
    cache.remember('b', streamOf('b1', 'b2'));
    cache.get('a');
    cache.remember('c', streamOf('c1'));

    expect(cache.get('b').lastRevision).toBe(-1);
    expect(cache.get('a').lastRevision).toBe(1);
    expect(cache.get('c').lastRevision).toBe(0);
    expect(cache.size).toBe(3);
  });

  it('recounts a stream that grew after it was remembered', () => {
    const cache = new KnownStreamIds(100);
    const ids = streamOf('a');
    cache.remember('s', ids);
    ids.extend(1, known('b', 'c').map(at(1)), 3n);
    cache.remember('s', ids);

    expect(cache.size).toBe(3);
  });

  it('hands out StreamIds with its window', () => {
    expect(new KnownStreamIds(10, 4).get('s').window).toBe(4);
  });

  it('does not keep a stream larger than the whole capacity', () => {
    const cache = new KnownStreamIds(2);
    cache.remember('big', streamOf('1', '2', '3'));

    expect(cache.get('big').lastRevision).toBe(-1);
    expect(cache.size).toBe(0);
  });
});

describe('planAppend', () => {
  const [a, b, c] = ['a', 'b', 'c'].map(event);
  const stored = (...ids: string[]) => streamOf(...ids);

  it("writes 'any' against the revision it checked", () => {
    expect(planAppend([a], new StreamIds(), 'any', false)).toEqual(write([a], 'no_stream'));
    expect(planAppend([a, c], stored('b'), 'any', false)).toEqual(write([a, c], 0));
  });

  it('drops events the stream holds and writes the rest at the requested revision', () => {
    expect(planAppend([a, b, c], stored('a', 'b'), 1, false)).toEqual(write([c], 1));
  });

  it('reads the stream before deciding what is new below an exact revision it does not know', () => {
    expect(planAppend([a], new StreamIds(), 1, false)).toEqual({ kind: 'read-stream' });
  });

  it('reports a conflict only from a fresh read, with the current revision', () => {
    expect(planAppend([c], stored('a', 'b'), 0, false)).toEqual({ kind: 'read-stream' });
    expect(planAppend([c], stored('a', 'b'), 0, true)).toEqual({ kind: 'conflict', actual: 1 });
    expect(planAppend([c], stored('a'), 'no_stream', true)).toEqual({ kind: 'conflict', actual: 0 });
    expect(planAppend([c], new StreamIds(), 0, true)).toEqual({ kind: 'conflict', actual: 'no_stream' });
  });

  it('writes no_stream when the stream is not known to exist; the server has the last word', () => {
    expect(planAppend([a], new StreamIds(), 'no_stream', false)).toEqual(write([a], 'no_stream'));
  });

  it('answers a retry of a stored append, whatever revision it expected, after a fresh read', () => {
    expect(planAppend([a, b], stored('a', 'b'), 'no_stream', false)).toEqual({ kind: 'read-stream' });
    for (const requested of ['no_stream', 'any', 0, 1, 7] as ExpectedRevision[]) {
      expect(planAppend([a, b], stored('a', 'b'), requested, true)).toEqual({ kind: 'already-stored' });
    }
  });

  it('keeps the first event of an id repeated in one append', () => {
    const again = { ...a, type: 'Other' };
    expect(uniqueById([a, b, again])).toEqual([a, b]);
  });
});

describe('appendIdempotently', () => {
  /**
   * The adapter's append loop, run against a model of the one server rule it relies on: a write
   * succeeds only when the stream is at the revision it names. Reads and writes of concurrent appends
   * complete in random orders, as they do on one multiplexed channel.
   */
  it('stores every event once and counts what it wrote, however appends interleave', async () => {
    const scenario = fc.record({
      appends: fc.array(
        fc.record({
          ids: fc.array(fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5'), { minLength: 1, maxLength: 3 }),
          requested: fc.constantFrom<ExpectedRevision>('any', 'no_stream', 0, 1, 2),
          sharedKnowledge: fc.boolean(),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      scheduler: fc.scheduler(),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ appends, scheduler }) => {
        const server: string[] = [];
        const shared = new StreamIds();
        const readFrom = scheduler.scheduleFunction(async (from: number) => server.slice(from));
        const tryWrite = scheduler.scheduleFunction(async (ids: string[], expected: number | 'no_stream') => {
          if ((expected === 'no_stream' ? -1 : expected) !== server.length - 1) return false;
          server.push(...ids);
          return true;
        });
        const io = streamIo(readFrom, tryWrite);

        const outcomes = appends.map(({ ids, requested, sharedKnowledge }) =>
          appendIdempotently(
            's-1',
            uniqueById(ids.map(event)),
            requested,
            sharedKnowledge ? shared : new StreamIds(),
            io,
          )
            .then((result): AppendResult | WrongExpectedRevisionError => result)
            .catch((error: unknown) => {
              if (error instanceof WrongExpectedRevisionError) return error;
              throw error;
            }),
        );
        const results = await scheduler.waitFor(Promise.all(outcomes));

        expect(new Set(server).size).toBe(server.length);
        const succeeded = results.filter((r): r is AppendResult => !(r instanceof WrongExpectedRevisionError));
        expect(succeeded.reduce((sum, r) => sum + r.written, 0)).toBe(server.length);
        results.forEach((result, i) => {
          if (result instanceof WrongExpectedRevisionError) {
            expect(appends[i].requested).not.toBe('any');
            return;
          }
          for (const id of appends[i].ids) expect(server.indexOf(id)).toBeLessThanOrEqual(result.nextExpectedRevision);
          expect(result.position).toBe(BigInt(result.nextExpectedRevision));
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('appendIdempotently when writes lose their answers', () => {
  class LostAnswer extends Error {}

  /** A write whose answer is lost may have landed or not; the append must find out, not guess. */
  it('stores every event once and never reports success for events not stored', async () => {
    const scenario = fc.record({
      appends: fc.array(
        fc.record({
          ids: fc.array(fc.constantFrom('e1', 'e2', 'e3', 'e4'), { minLength: 1, maxLength: 3 }),
          requested: fc.constantFrom<ExpectedRevision>('any', 'no_stream', 0, 1),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      // The first writes' fates; the rest are answered. At most as many losses as an append rides out.
      fates: fc.array(fc.constantFrom('answered', 'landed, answer lost', 'not landed, answer lost'), {
        maxLength: MAX_UNKNOWN_OUTCOMES,
      }),
      scheduler: fc.scheduler(),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ appends, fates, scheduler }) => {
        const server: string[] = [];
        let writes = 0;
        const readFrom = scheduler.scheduleFunction(async (from: number) => server.slice(from));
        const tryWrite = scheduler.scheduleFunction(async (ids: string[], expected: number | 'no_stream') => {
          const fate = fates[writes++] ?? 'answered';
          const matches = (expected === 'no_stream' ? -1 : expected) === server.length - 1;
          if (matches && fate !== 'not landed, answer lost') server.push(...ids);
          if (fate !== 'answered') throw new LostAnswer();
          return matches;
        });
        const io = {
          ...streamIo(readFrom, tryWrite),
          isUnknownOutcome: (error: unknown) => error instanceof LostAnswer,
        };

        const outcomes = appends.map(({ ids, requested }) =>
          appendIdempotently('s-1', uniqueById(ids.map(event)), requested, new StreamIds(), io).catch(
            (error: unknown) => {
              if (error instanceof WrongExpectedRevisionError || error instanceof LostAnswer) return error;
              throw error;
            },
          ),
        );
        const results = await scheduler.waitFor(Promise.all(outcomes));

        expect(results.filter((r) => r instanceof LostAnswer)).toEqual([]);
        expect(new Set(server).size).toBe(server.length);
        const succeeded = results.filter((r): r is AppendResult => !(r instanceof Error));
        expect(succeeded.reduce((sum, r) => sum + r.written, 0)).toBeLessThanOrEqual(server.length);
        results.forEach((result, i) => {
          if (result instanceof Error) return;
          for (const id of appends[i].ids) {
            expect(server).toContain(id);
            expect(server.indexOf(id)).toBeLessThanOrEqual(result.nextExpectedRevision);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('gives up with the error after a bounded number of unknown outcomes', async () => {
    let reads = 0;
    const io = {
      catchUp: async (known: StreamIds) => {
        reads++;
        return known;
      },
      write: async (): Promise<AppendResult | undefined> => {
        throw new LostAnswer('lost');
      },
      isUnknownOutcome: (error: unknown) => error instanceof LostAnswer,
    };

    await expect(appendIdempotently('s-1', [event('a')], 'any', new StreamIds(), io)).rejects.toBeInstanceOf(
      LostAnswer,
    );
    expect(reads).toBe(MAX_UNKNOWN_OUTCOMES);
  });
});

/** The two round trips of an append against a stream of ids kept in an array (a fake server). */
function streamIo(
  readFrom: (from: number) => Promise<string[]>,
  tryWrite: (ids: string[], expected: number | 'no_stream') => Promise<boolean>,
) {
  return {
    catchUp: async (known: StreamIds) => {
      const from = known.lastRevision + 1;
      const tail = await readFrom(from);
      known.extend(
        from,
        tail.map((id, i) => ({ id, revision: from + i })),
        BigInt(from + tail.length - 1),
      );
      return known;
    },
    write: async (known: StreamIds, events: NewEvent[], expected: number | 'no_stream') => {
      const ids = events.map((e) => e.id);
      if (!(await tryWrite(ids, expected))) return undefined;
      const first = expected === 'no_stream' ? 0 : expected + 1;
      const last = first + ids.length - 1;
      known.extend(
        first,
        ids.map((id, i) => ({ id, revision: first + i })),
        BigInt(last),
      );
      return { nextExpectedRevision: last, position: BigInt(last), written: ids.length };
    },
  };
}

function event(id: string): NewEvent {
  return {
    id,
    type: 'Happened',
    data: {},
    metadata: { occurredAt: '2026-01-01T00:00:00.000Z', correlationId: id, causationId: id, schemaVersion: 1 },
  };
}

function known(...ids: string[]) {
  return ids.map((id, revision) => ({ id, revision }));
}

function at(offset: number) {
  return (entry: { id: string; revision: number }) => ({ ...entry, revision: entry.revision + offset });
}

function streamOf(...ids: string[]): StreamIds {
  const stream = new StreamIds();
  stream.extend(0, known(...ids), BigInt(ids.length * 10));
  return stream;
}

function write(events: NewEvent[], expected: number | 'no_stream'): AppendStep {
  return { kind: 'write', events, expected };
}
