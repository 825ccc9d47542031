import { WEEKDAYS, utcToZonedLocal, zonedLocalToUtc, type EntryLimit } from '@journeys/definition';

/**
 * Rate-limited entry (`audience.entryLimit`), as a grid of entry slots: each period (an hour, or a
 * day, of the journey's time zone) has `count` slots spread evenly over its allowed part, so that
 * entries are never released in bursts. A customer enters at a free slot:
 *
 * - the latest slot at or before `now`, if it is in the allowed window `now` is in and nobody took it
 *   (a slot missed by less than one slot's spacing is still used, one at most, so a quiet journey
 *   lets its first customer in at once);
 * - else the next free slot after `now` (and after the last one taken: slots are taken in order).
 *
 * Engine partitions share the limit without talking to each other: the slots of every period are
 * numbered on from the previous period's, and slot `n` belongs to partition `n mod P`. So P
 * partitions together never exceed `count` per period, each gets an even share of the slots,
 * interleaved, and a partition never uses another's slot (one with nobody waiting leaves its slots
 * unused). With one partition every slot is its own.
 */

/** Where an entry lands: at once (a slot at or before `now`), at a later slot, or in no slot found. */
export type Admission = { kind: 'now'; slot: number } | { kind: 'later'; slot: number } | { kind: 'none' };

/** Who shares the limit: this engine partition of how many. */
export interface SlotOwner {
  partition: number;
  partitions: number;
}

const HOUR_MS = 3_600_000;
/** How far ahead a slot is looked for (a week of allowed weekdays always has one). */
const SEARCH_DAYS = 8;

/**
 * The slot an entry at `now` (ms) takes, given the last slot this partition took (`lastSlot`, ms),
 * or none within {@link SEARCH_DAYS} days.
 */
export function admitEntry(
  limit: EntryLimit,
  timeZone: string,
  owner: SlotOwner,
  lastSlot: number | undefined,
  now: number,
): Admission {
  const taken = lastSlot ?? Number.NEGATIVE_INFINITY;
  const recent = latestSlotAtOrBefore(limit, timeZone, owner, now);
  if (recent !== undefined && recent > taken) return { kind: 'now', slot: recent };
  const next = nextSlotAfter(limit, timeZone, owner, Math.max(now, taken));
  return next === undefined ? { kind: 'none' } : { kind: 'later', slot: next };
}

/** The length of the limit's period (ms): how long a trigger may wait for its slot. */
export function periodMs(limit: EntryLimit): number {
  return limit.per === 'PT1H' ? HOUR_MS : 24 * HOUR_MS;
}

/** One period of the grid: its number, and its slot `k` (0 ≤ k < count) as an instant, when allowed. */
interface Period {
  /** Consecutive periods have consecutive numbers. */
  index: number;
  start: number;
  end: number;
  /** The allowed part of the period; empty (`from >= to`) on a day that is not allowed. */
  from: number;
  to: number;
  /** The instant of slot k: `anchor + floor(k * length / count)`. */
  anchor: number;
  length: number;
}

function slotTime(limit: EntryLimit, period: Period, k: number): number {
  return period.anchor + Math.floor((k * period.length) / limit.count);
}

/** The first slot number whose time is after `t` (may be `count`: none in the period). */
function firstSlotAfter(limit: EntryLimit, period: Period, t: number): number {
  let k = Math.max(0, Math.floor(((t - period.anchor) * limit.count) / period.length));
  while (k > 0 && slotTime(limit, period, k - 1) > t) k -= 1;
  while (k < limit.count && slotTime(limit, period, k) <= t) k += 1;
  return k;
}

/** The latest slot of this partition at or before `now`, in the allowed window `now` is in. */
function latestSlotAtOrBefore(limit: EntryLimit, zone: string, owner: SlotOwner, now: number): number | undefined {
  const period = periodAt(limit, zone, now);
  if (period === undefined || now < period.from || now >= period.to) return undefined;
  let k = firstSlotAfter(limit, period, now) - 1;
  k -= mod(period.index * limit.count + k - owner.partition, owner.partitions);
  if (k < 0) return undefined;
  const at = slotTime(limit, period, k);
  return at >= period.from ? at : undefined;
}

/** The first slot of this partition after `after` (ms), within the allowed windows. */
function nextSlotAfter(limit: EntryLimit, zone: string, owner: SlotOwner, after: number): number | undefined {
  const horizon = after + SEARCH_DAYS * 24 * HOUR_MS;
  // Slots must come after `bound`: `after` in the first period, then anything from a period's start.
  let bound = after;
  for (let t = after; t < horizon;) {
    const period = periodAt(limit, zone, t);
    if (period === undefined) return undefined;
    let k = firstSlotAfter(limit, period, Math.max(bound, period.from - 1));
    k += mod(owner.partition - (period.index * limit.count + k), owner.partitions);
    if (k < limit.count) {
      const at = slotTime(limit, period, k);
      if (at < period.to) return at;
    }
    bound = period.end - 1;
    t = period.end; // the next period starts where this one ends
  }
  return undefined;
}

/** The period `t` (ms) falls in, with its allowed window; undefined for an unknown zone. */
function periodAt(limit: EntryLimit, zone: string, t: number): Period | undefined {
  const local = utcToZonedLocal(new Date(t), zone);
  if (local === null) return undefined;
  const date = isoDate(local.year, local.month, local.day);
  const dayStart = zonedLocalToUtc(`${date}T00:00:00`, zone)?.getTime();
  const next = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
  const dayEnd = zonedLocalToUtc(`${next.toISOString().slice(0, 10)}T00:00:00`, zone)?.getTime();
  if (dayStart === undefined || dayEnd === undefined) return undefined;
  const dayNumber = Math.round(Date.UTC(local.year, local.month - 1, local.day) / (24 * HOUR_MS));
  const weekday = WEEKDAYS[(new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay() + 6) % 7];
  let [from, to] = hoursOf(limit, date, zone, dayStart, dayEnd);
  if (limit.weekdays !== undefined && !limit.weekdays.includes(weekday)) to = from;
  if (limit.per === 'P1D') {
    return { index: dayNumber, start: dayStart, end: dayEnd, from, to, anchor: from, length: Math.max(1, to - from) };
  }
  // An hour starts where the local wall clock shows a whole hour: also right for zones offset by 30 or 45 minutes.
  const start = t - (local.minute * 60_000 + local.second * 1_000 + local.millisecond);
  const end = start + HOUR_MS;
  from = Math.max(from, start);
  to = Math.min(to, end);
  return {
    index: Math.floor(start / HOUR_MS),
    start,
    end,
    from,
    to: Math.max(from, to),
    anchor: start,
    length: HOUR_MS,
  };
}

/** The allowed hours of a local date as instants (ms); the whole day without `hours`. */
function hoursOf(limit: EntryLimit, date: string, zone: string, dayStart: number, dayEnd: number): [number, number] {
  if (limit.hours === undefined) return [dayStart, dayEnd];
  const at = (time: string) =>
    time === '24:00' ? dayEnd : (zonedLocalToUtc(`${date}T${time}:00`, zone)?.getTime() ?? dayStart);
  return [Math.max(dayStart, at(limit.hours.from)), Math.min(dayEnd, at(limit.hours.to))];
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
