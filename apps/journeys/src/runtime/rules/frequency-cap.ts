import { capPeriodMs, type Channel, type FrequencyCap } from '@journeys/definition';

/**
 * The frequency-cap rule: at most `count` sends on a channel per customer in any rolling `period`,
 * across all journeys. A send counts when it is handed to the actions output (ActionRequested);
 * transactional sends are neither capped nor counted. The engine keeps, per customer and channel,
 * the times of the latest sends while the channel has a cap, and only as far back as its longest
 * period: counting starts when a channel gets its first cap, and a longer period sees the sends of
 * the shorter one before it.
 */

/** The channel's first cap that the customer's sends already fill at `nowMs`, if any. */
export function capReached(
  caps: readonly FrequencyCap[],
  channel: Channel,
  sentAt: readonly number[],
  nowMs: number,
): FrequencyCap | undefined {
  for (const cap of caps) {
    if (cap.channel !== channel) continue;
    const periodMs = periodMsOf(cap.period);
    if (periodMs === null) continue;
    if (sentWithin(sentAt, nowMs - periodMs) >= cap.count) return cap;
  }
  return undefined;
}

/**
 * The send times to keep after a send at `nowMs` (oldest first): those inside the channel's longest
 * cap period, at most its largest count. Undefined when the channel has no cap: nothing is kept.
 */
export function afterSend(
  caps: readonly FrequencyCap[],
  channel: Channel,
  sentAt: readonly number[],
  nowMs: number,
): number[] | undefined {
  let longestMs = 0;
  let largest = 0;
  for (const cap of caps) {
    const periodMs = cap.channel === channel ? periodMsOf(cap.period) : null;
    if (periodMs === null) continue;
    longestMs = Math.max(longestMs, periodMs);
    largest = Math.max(largest, cap.count);
  }
  if (largest === 0) return undefined;
  const kept = sentAt.filter((at) => at > nowMs - longestMs);
  kept.push(nowMs);
  return kept.length > largest ? kept.slice(kept.length - largest) : kept;
}

const periods = new Map<string, number | null>();

/** A cap's period in ms, parsed once per text (settings hold a few). */
function periodMsOf(period: string): number | null {
  let ms = periods.get(period);
  if (ms === undefined) {
    ms = capPeriodMs(period);
    if (periods.size > 1_000) periods.clear();
    periods.set(period, ms);
  }
  return ms;
}

/** Sends after `since` (exclusive): a rolling period ending now includes its end, not its start. */
function sentWithin(sentAt: readonly number[], since: number): number {
  let count = 0;
  for (const at of sentAt) if (at > since) count += 1;
  return count;
}
