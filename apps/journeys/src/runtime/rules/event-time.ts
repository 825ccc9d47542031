/**
 * The event-time rule: state that a newer fact overwrites (profile attributes, segment membership)
 * follows the facts' own `occurredAt`, not the order they arrive in. A fact older than the one that
 * set the current value is ignored; at the same instant the one stored later wins (the store's
 * order is fixed, so a replay decides the same, and calls made one after another keep their order).
 */

/**
 * When a fact happened (epoch ms), and where it stands in the store's order as a fixed-width string
 * ({@link orderKey}), which breaks ties.
 */
export type Stamp = readonly [occurredAt: number, order: string];

/** A store position as text that sorts as the positions do (up to 2^64). */
export function orderKey(position: bigint): string {
  return position.toString().padStart(20, '0');
}

/** Whether a fact stamped `candidate` replaces the value set by `current` (none: always). */
export function supersedes(candidate: Stamp, current: Stamp | undefined): boolean {
  if (current === undefined) return true;
  if (candidate[0] !== current[0]) return candidate[0] > current[0];
  return candidate[1] >= current[1];
}

/** A customer's profile: attribute values and the stamp of the fact that set each one. */
export interface Profile {
  values: Record<string, unknown>;
  stamps: Record<string, Stamp>;
}

/**
 * The profile after a trigger's attributes, each taken only where it is newer than the fact that set
 * the current value; undefined when nothing changes.
 */
export function mergeProfile(profile: Profile, attributes: Record<string, unknown>, stamp: Stamp): Profile | undefined {
  let values: Record<string, unknown> | undefined;
  let stamps: Record<string, Stamp> | undefined;
  for (const name of Object.keys(attributes)) {
    if (!supersedes(stamp, ownStamp(profile.stamps, name))) continue;
    values ??= { ...profile.values };
    stamps ??= { ...profile.stamps };
    define(values, name, attributes[name]);
    define(stamps, name, stamp);
  }
  return values === undefined || stamps === undefined ? undefined : { values, stamps };
}

function ownStamp(stamps: Record<string, Stamp>, name: string): Stamp | undefined {
  return Object.prototype.hasOwnProperty.call(stamps, name) ? stamps[name] : undefined;
}

/** Sets an own property, `__proto__` included (an attribute may have any name). */
function define<T>(record: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') Object.defineProperty(record, name, { value, enumerable: true, writable: true });
  else record[name] = value;
}
