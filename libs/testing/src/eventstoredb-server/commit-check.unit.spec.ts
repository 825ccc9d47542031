import { checkCommit, type ExpectedVersion, type StreamView } from './commit-check';

const stream = (ids: string[], flags: Partial<Pick<StreamView, 'tombstoned' | 'softDeleted'>> = {}): StreamView => ({
  lastRevision: ids.length - 1,
  tombstoned: flags.tombstoned ?? false,
  softDeleted: flags.softDeleted ?? false,
  idAt: (revision) => ids[revision],
});
const noRecentIds = { get: () => undefined };
const recentIds = (entries: Record<string, [string, number]>) => ({
  get: (id: string) => (entries[id] ? { streamName: entries[id][0], revision: entries[id][1] } : undefined),
});
const revision = (n: number): ExpectedVersion => ({ kind: 'revision', revision: n });

describe("EventStoreDB's commit check", () => {
  it.each<[string, StreamView, ExpectedVersion, string[], string]>([
    ['exact revision at the end', stream(['a', 'b']), revision(1), ['c'], 'write'],
    ['exact revision ahead of the stream', stream(['a']), revision(3), ['c'], 'wrong-expected-version'],
    ['no_stream on a missing stream', stream([]), { kind: 'no_stream' }, ['a'], 'write'],
    ['no_stream repeating the first events', stream(['a', 'b', 'c']), { kind: 'no_stream' }, ['a', 'b'], 'idempotent'],
    ['exact revision repeating later events', stream(['a', 'b', 'c']), revision(0), ['b', 'c'], 'idempotent'],
    ['exact revision with other ids', stream(['a', 'b']), revision(0), ['x'], 'wrong-expected-version'],
    ['a repeat that runs past the end', stream(['a', 'b']), revision(0), ['b', 'c'], 'wrong-expected-version'],
    ['an empty append behind the end', stream(['a', 'b']), revision(0), [], 'wrong-expected-version'],
    ['stream_exists on a missing stream', stream([]), { kind: 'stream_exists' }, ['a'], 'wrong-expected-version'],
    [
      'stream_exists on a soft-deleted stream',
      stream(['a'], { softDeleted: true }),
      { kind: 'stream_exists' },
      ['b'],
      'stream-deleted',
    ],
    ['no_stream on a soft-deleted stream', stream(['a'], { softDeleted: true }), { kind: 'no_stream' }, ['b'], 'write'],
    ['anything on a tombstoned stream', stream(['a'], { tombstoned: true }), { kind: 'any' }, ['b'], 'stream-deleted'],
  ])('%s', (_, view, expected, ids, decision) => {
    expect(checkCommit('s', view, expected, ids, noRecentIds).kind).toBe(decision);
  });

  it('any: idempotent only when the first id is a recent id of the same stream', () => {
    const view = stream(['a', 'b']);
    const recent = recentIds({ a: ['s', 0], b: ['s', 1], z: ['other', 0] });

    expect(checkCommit('s', view, { kind: 'any' }, ['a', 'b'], recent)).toEqual({
      kind: 'idempotent',
      first: 0,
      last: 1,
    });
    expect(checkCommit('s', view, { kind: 'any' }, ['z'], recent).kind).toBe('write');
    expect(checkCommit('s', view, { kind: 'any' }, ['q'], recent).kind).toBe('write');
    // The first id known, a later one not: a partial repeat, refused.
    expect(checkCommit('s', view, { kind: 'any' }, ['a', 'q'], recent).kind).toBe('wrong-expected-version');
  });
});
