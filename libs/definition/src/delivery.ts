/**
 * Delivery controls: what stops or delays a `send` (docs/delivery-controls.md). Some belong to the
 * journey definition (`delivery`, and a send step's `topic`, `transactional`, `quietHours`), the rest
 * to the service's delivery settings (`PUT /settings`): the consent mode, frequency caps and the
 * default quiet hours. Pure types and checks; the engine's rules are in `runtime/rules/`.
 */
import type { Channel } from './journey-definition';
import { childPath, indexPath } from './json-path';
import { DAY_MS } from './limits';
import { ProblemCode, ProblemSink, truncate, type DefinitionProblem } from './problem';
import { durationSign, durationUpperBoundMs, parseIsoDuration } from './time';

/**
 * What a send needs when a customer has no consent record for its channel (or topic):
 * `optIn`, the default, sends only to customers who opted in; `optOut` sends unless they opted out.
 */
export const CONSENT_MODES = ['optIn', 'optOut'] as const;
export type ConsentMode = (typeof CONSENT_MODES)[number];

/** A customer's consent for a channel, or for a topic on a channel. */
export const CONSENT_STATUSES = ['optedIn', 'optedOut'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** A send inside quiet hours is held until they end (`hold`) or skipped (`skip`). */
export const QUIET_HOURS_MODES = ['hold', 'skip'] as const;
export type QuietHoursMode = (typeof QUIET_HOURS_MODES)[number];

/**
 * A daily window of local times `HH:mm` (24-hour clock), read in the customer's time zone. `start`
 * is inside the window and `end` is not; a window whose end is earlier than its start spans
 * midnight (`21:00` to `08:00`).
 */
export interface QuietWindow {
  start: string;
  end: string;
}

/** The service's default quiet hours; `mode` defaults to `hold`. */
export interface QuietHours extends QuietWindow {
  mode?: QuietHoursMode;
}

/**
 * A journey's quiet hours: its own window (`start` and `end` together) or the settings' one, and its
 * own mode; `enabled: false` turns quiet hours off for the journey.
 */
export interface JourneyQuietHours {
  enabled?: boolean;
  start?: string;
  end?: string;
  mode?: QuietHoursMode;
}

/** The journey-wide delivery controls (`definition.delivery`). */
export interface JourneyDelivery {
  /**
   * Every send of the journey is transactional (an order confirmation, a password reset): it needs no
   * consent, is neither capped nor counted against caps, and quiet hours do not apply. A step's own
   * `transactional` overrides this.
   */
  transactional?: boolean;
  quietHours?: JourneyQuietHours;
}

/** At most `count` sends on `channel` per customer in any rolling `period` (an ISO duration of fixed length). */
export interface FrequencyCap {
  channel: Channel;
  count: number;
  period: string;
}

/** The service's delivery settings (stream `settings-delivery`, `PUT /settings`). */
export interface DeliverySettings {
  consentMode: ConsentMode;
  frequencyCaps: FrequencyCap[];
  quietHours?: QuietHours;
}

/** What holds before any settings were stored: opt-in consent, no caps, no quiet hours. */
export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = Object.freeze({
  consentMode: 'optIn',
  frequencyCaps: Object.freeze([]) as unknown as FrequencyCap[],
});

export const DELIVERY_LIMITS = {
  /** Frequency cap rules in the settings. */
  capsMax: 20,
  /** Largest `count` of a cap: also how many send times the engine keeps per customer and channel. */
  capCountMax: 1000,
  /** Longest rolling period of a cap, in days. */
  capPeriodMaxDays: 31,
} as const;

/** `HH:mm` on a 24-hour clock, `00:00` to `23:59`. */
export const LOCAL_TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const LOCAL_TIME = new RegExp(LOCAL_TIME_PATTERN);

/** Minutes after midnight of a local time `HH:mm`; null when the text is not one. */
export function localTimeMinutes(text: string): number | null {
  if (typeof text !== 'string' || !LOCAL_TIME.test(text)) return null;
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}

/** The length of a cap's rolling period in ms; null when it is not a positive duration of fixed length. */
export function capPeriodMs(period: string): number | null {
  const duration = parseIsoDuration(period);
  if (duration === null || durationSign(duration) <= 0 || duration.years !== 0 || duration.months !== 0) return null;
  return durationUpperBoundMs(duration);
}

/**
 * The checks of delivery settings beyond their schema (`delivery-settings.json`): each cap's period is
 * a positive duration of fixed length (weeks, days, hours, minutes, seconds: a rolling period has one
 * length) of at most 31 days, no two caps of a channel share a period, and quiet hours have a length.
 */
export function checkDeliverySettings(settings: DeliverySettings): DefinitionProblem[] {
  const sink = new ProblemSink();
  const seen = new Map<string, number>();
  settings.frequencyCaps.forEach((cap, index) => {
    const path = indexPath('$.frequencyCaps', index);
    const ms = capPeriodMs(cap.period);
    if (ms === null) {
      sink.report(
        ProblemCode.InvalidDuration,
        childPath(path, 'period'),
        `period must be a positive ISO 8601 duration of weeks, days, hours or minutes (a rolling period has one length), not "${truncate(cap.period)}"`,
      );
    } else if (ms > DELIVERY_LIMITS.capPeriodMaxDays * DAY_MS) {
      sink.report(
        ProblemCode.InvalidFrequencyCap,
        childPath(path, 'period'),
        `period ${cap.period} is longer than ${DELIVERY_LIMITS.capPeriodMaxDays} days`,
      );
    }
    if (ms === null) return;
    const key = `${cap.channel} ${ms}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else {
      sink.report(
        ProblemCode.DuplicateFrequencyCap,
        path,
        `$.frequencyCaps[${first}] already caps ${cap.channel} over the same period; keep the one you mean`,
      );
    }
  });
  if (settings.quietHours !== undefined) checkQuietWindow(sink, settings.quietHours, '$.quietHours');
  return sink.problems;
}

/** Publish checks of a journey's `delivery`: its own quiet-hours window has a length. */
export function checkJourneyDelivery(sink: ProblemSink, delivery: JourneyDelivery | undefined): void {
  const quiet = delivery?.quietHours;
  if (quiet?.start !== undefined && quiet.end !== undefined) {
    checkQuietWindow(sink, { start: quiet.start, end: quiet.end }, '$.delivery.quietHours');
  }
}

function checkQuietWindow(sink: ProblemSink, window: QuietWindow, path: string): void {
  if (window.start === window.end) {
    sink.report(
      ProblemCode.InvalidQuietHours,
      childPath(path, 'end'),
      `quiet hours from ${window.start} to ${window.end} have no length; a window ends at another time than it starts`,
    );
  }
}

/** Whether a step (and its journey) is transactional: the step's own flag wins. */
export function isTransactional(step: { transactional?: boolean }, delivery: JourneyDelivery | undefined): boolean {
  return step.transactional ?? delivery?.transactional ?? false;
}
