import type { RecordedEvent } from '../event-store.port';
import { RecentEvents } from './recent-events';

const event = (position: number, type = 'Happened'): RecordedEvent => ({
  id: `e${position}`,
  type,
  data: {},
  metadata: { occurredAt: '', correlationId: '', causationId: '', schemaVersion: 1 },
  streamName: 's',
  revision: position,
  position: BigInt(position),
});
const positions = (events: RecordedEvent[] | undefined) => events?.map((e) => Number(e.position));

describe('RecentEvents', () => {
  it('serves pages after any position it covers, filtered by type', () => {
    const recent = new RecentEvents(4n, 100);
    recent.add([event(5), event(6, 'Other'), event(7)]);
    recent.add([event(8, 'Other')]);
    expect(positions(recent.read(4n, -1))).toEqual([5, 6, 7, 8]);
    expect(positions(recent.read(5n, 2))).toEqual([6, 7]);
    expect(positions(recent.read(4n, -1, ['Other']))).toEqual([6, 8]);
    expect(positions(recent.read(8n, 10))).toEqual([]);
  });

  it('refuses positions before the window, so the caller reads the table', () => {
    const recent = new RecentEvents(4n, 100);
    recent.add([event(5)]);
    expect(recent.read(3n, 10)).toBeUndefined();
  });

  it('drops the oldest events beyond its capacity and stops covering them', () => {
    const recent = new RecentEvents(-1n, 3);
    for (let p = 0; p < 10; p++) recent.add([event(p)]);
    expect(recent.read(6n, -1)).toBeDefined();
    expect(positions(recent.read(6n, -1))).toEqual([7, 8, 9]);
    expect(recent.read(5n, -1)).toBeUndefined();
  });
});
