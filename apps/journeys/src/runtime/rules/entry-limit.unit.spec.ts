import type { EntryLimit } from '@journeys/definition';
import { admitEntry, periodMs, type SlotOwner } from './entry-limit';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const ONE: SlotOwner = { partition: 0, partitions: 1 };

/** The slots `n` entries arriving at once at `now` take, one after another. */
function slotsFor(limit: EntryLimit, zone: string, owner: SlotOwner, now: number, n: number): string[] {
  const slots: string[] = [];
  let last: number | undefined;
  for (let i = 0; i < n; i++) {
    const admission = admitEntry(limit, zone, owner, last, now);
    if (admission.kind === 'none') break;
    slots.push(iso(admission.slot));
    last = admission.slot;
  }
  return slots;
}

describe('rate-limited entry: the slot grid', () => {
  const perHour = (count: number, more: Partial<EntryLimit> = {}): EntryLimit => ({ count, per: 'PT1H', ...more });

  it('given a quiet journey, when a customer arrives between slots, then they enter at once on the slot just passed', () => {
    expect(admitEntry(perHour(60), 'UTC', ONE, undefined, at('2026-03-10T10:00:30Z'))).toEqual({
      kind: 'now',
      slot: at('2026-03-10T10:00:00Z'),
    });
  });

  it('given that slot taken, when the next customer arrives, then they wait for the next slot, not a burst', () => {
    const taken = at('2026-03-10T10:00:00Z');
    expect(admitEntry(perHour(60), 'UTC', ONE, taken, at('2026-03-10T10:00:31Z'))).toEqual({
      kind: 'later',
      slot: at('2026-03-10T10:01:00Z'),
    });
  });

  it('given a slot missed long ago, when a customer arrives, then only the latest slot is used (no catching up)', () => {
    const taken = at('2026-03-10T09:00:00Z');
    expect(admitEntry(perHour(60), 'UTC', ONE, taken, at('2026-03-10T10:07:10Z'))).toEqual({
      kind: 'now',
      slot: at('2026-03-10T10:07:00Z'),
    });
  });

  it('spreads 10 per hour evenly: one every 6 minutes, on into the next hour', () => {
    expect(slotsFor(perHour(10), 'UTC', ONE, at('2026-03-10T10:00:00Z'), 12)).toEqual([
      '2026-03-10T10:00:00.000Z',
      '2026-03-10T10:06:00.000Z',
      '2026-03-10T10:12:00.000Z',
      '2026-03-10T10:18:00.000Z',
      '2026-03-10T10:24:00.000Z',
      '2026-03-10T10:30:00.000Z',
      '2026-03-10T10:36:00.000Z',
      '2026-03-10T10:42:00.000Z',
      '2026-03-10T10:48:00.000Z',
      '2026-03-10T10:54:00.000Z',
      '2026-03-10T11:00:00.000Z',
      '2026-03-10T11:06:00.000Z',
    ]);
  });

  it('spreads a day’s count over the allowed hours of the journey’s zone', () => {
    const limit: EntryLimit = { count: 4, per: 'P1D', hours: { from: '09:00', to: '17:00' } };
    // 20:00 in Paris: the next slots are tomorrow 09:00, 11:00, 13:00, 15:00 (CET, UTC+1), then the day after.
    expect(slotsFor(limit, 'Europe/Paris', ONE, at('2026-03-10T19:00:00Z'), 5)).toEqual([
      '2026-03-11T08:00:00.000Z',
      '2026-03-11T10:00:00.000Z',
      '2026-03-11T12:00:00.000Z',
      '2026-03-11T14:00:00.000Z',
      '2026-03-12T08:00:00.000Z',
    ]);
  });

  it('skips days that are not allowed: a Saturday waits for Monday', () => {
    const limit: EntryLimit = { count: 2, per: 'P1D', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] };
    // 2026-03-14 is a Saturday.
    expect(admitEntry(limit, 'UTC', ONE, undefined, at('2026-03-14T12:00:00Z'))).toEqual({
      kind: 'later',
      slot: at('2026-03-16T00:00:00Z'),
    });
  });

  it('uses only the slots of an hour that fall inside the allowed hours', () => {
    const limit = perHour(4, { hours: { from: '09:30', to: '10:30' } });
    expect(slotsFor(limit, 'UTC', ONE, at('2026-03-10T09:00:00Z'), 5)).toEqual([
      '2026-03-10T09:30:00.000Z',
      '2026-03-10T09:45:00.000Z',
      '2026-03-10T10:00:00.000Z',
      '2026-03-10T10:15:00.000Z',
      '2026-03-11T09:30:00.000Z',
    ]);
  });

  it('counts the day of a daylight-saving change by its wall clock: 3 slots over the 23 hours of 29 March in Paris', () => {
    expect(slotsFor({ count: 3, per: 'P1D' }, 'Europe/Paris', ONE, at('2026-03-28T23:00:00Z'), 3)).toEqual([
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T06:40:00.000Z',
      '2026-03-29T14:20:00.000Z',
    ]);
  });

  it('given three partitions, their slots interleave, never overlap, and together make the whole grid', () => {
    const limit = perHour(6);
    const from = at('2026-03-10T10:00:00Z');
    const byPartition = [0, 1, 2].map((partition) => slotsFor(limit, 'UTC', { partition, partitions: 3 }, from, 4));
    expect(byPartition).toEqual([
      ['2026-03-10T10:00:00.000Z', '2026-03-10T10:30:00.000Z', '2026-03-10T11:00:00.000Z', '2026-03-10T11:30:00.000Z'],
      ['2026-03-10T10:10:00.000Z', '2026-03-10T10:40:00.000Z', '2026-03-10T11:10:00.000Z', '2026-03-10T11:40:00.000Z'],
      ['2026-03-10T10:20:00.000Z', '2026-03-10T10:50:00.000Z', '2026-03-10T11:20:00.000Z', '2026-03-10T11:50:00.000Z'],
    ]);
    const all = byPartition.flat().sort();
    expect(new Set(all).size).toBe(12);
    expect(all.filter((s) => s < '2026-03-10T11:00')).toHaveLength(6);
  });

  it('given more partitions than slots per period, the slots go round the partitions period after period', () => {
    const limit = perHour(1);
    const from = at('2026-03-10T10:00:00Z');
    const first = [0, 1, 2].map((partition) => admitEntry(limit, 'UTC', { partition, partitions: 3 }, undefined, from));
    const slots = first.map((a) => (a.kind === 'none' ? 'none' : iso(a.slot))).sort();
    expect(slots).toEqual(['2026-03-10T10:00:00.000Z', '2026-03-10T11:00:00.000Z', '2026-03-10T12:00:00.000Z']);
  });

  it('a period is an hour or a day', () => {
    expect(periodMs(perHour(1))).toBe(3_600_000);
    expect(periodMs({ count: 1, per: 'P1D' })).toBe(86_400_000);
  });
});
