import { DateTime, IANAZone } from 'luxon';
import {
  localTimeMinutes,
  type DeliverySettings,
  type JourneyDelivery,
  type QuietHoursMode,
  type QuietWindow,
} from '@journeys/definition';

/**
 * The quiet-hours rule: a daily window of local times in the customer's time zone (`profile.timeZone`
 * when it names a zone, else the journey's). A send that falls inside is held until the window ends
 * or skipped, as the step, else the journey, else the settings say (default: held). The journey's own
 * window replaces the settings' one; `enabled: false` turns quiet hours off for the journey.
 */
export interface QuietRule {
  window: QuietWindow;
  mode: QuietHoursMode;
}

/** The quiet hours that apply to a (non-transactional) send, if any. */
export function quietHoursFor(
  settings: DeliverySettings,
  delivery: JourneyDelivery | undefined,
  stepMode: QuietHoursMode | undefined,
): QuietRule | undefined {
  const journey = delivery?.quietHours;
  if (journey?.enabled === false) return undefined;
  const own = journey?.start !== undefined && journey.end !== undefined;
  const window = own ? { start: journey.start!, end: journey.end! } : settings.quietHours;
  if (window === undefined) return undefined;
  const mode = stepMode ?? journey?.mode ?? settings.quietHours?.mode ?? 'hold';
  return { window: { start: window.start, end: window.end }, mode };
}

/**
 * When the quiet hours around `nowMs` end (epoch ms), read in `zone`; undefined when `nowMs` lies
 * outside them. `start` is inside the window and `end` is not. A local end time that a DST change
 * skips moves forward by the gap (luxon's rule, as for waits).
 */
export function quietHoursEnd(window: QuietWindow, zone: string, nowMs: number): number | undefined {
  const start = localTimeMinutes(window.start);
  const end = localTimeMinutes(window.end);
  if (start === null || end === null || start === end) return undefined;
  const local = DateTime.fromMillis(nowMs, { zone });
  const minute = local.hour * 60 + local.minute;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return undefined;
  const endOf = (day: DateTime) =>
    day.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 }).toMillis();
  const sameDay = endOf(local);
  return sameDay > nowMs ? sameDay : endOf(local.plus({ days: 1 }));
}

const MAX_ZONE_LENGTH = 100;
const knownZones = new Map<string, boolean>();

/** The zone quiet hours are read in: the profile's `timeZone` when it names one, else the journey's. */
export function customerTimeZone(profileZone: unknown, journeyZone: string): string {
  if (typeof profileZone !== 'string' || profileZone.length === 0 || profileZone.length > MAX_ZONE_LENGTH) {
    return journeyZone;
  }
  let valid = knownZones.get(profileZone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(profileZone);
    // Profiles carry any text: the cache stays bounded.
    if (knownZones.size >= 10_000) knownZones.clear();
    knownZones.set(profileZone, valid);
  }
  return valid ? profileZone : journeyZone;
}
