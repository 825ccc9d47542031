/**
 * Routing of a customer's inputs to their instances: which instances a trigger or a segment change
 * concerns. What each instance then does is the instance decider's.
 */

/** The key of a journey version in sets and maps: `journeyId#version`. */
export function versionKey(journeyId: string, version: number): string {
  return `${journeyId}#${version}`;
}

/** The journey and version of a key made by {@link versionKey}. */
export function parseVersionKey(key: string): { journeyId: string; version: number } {
  const hash = key.lastIndexOf('#');
  return { journeyId: key.slice(0, hash), version: Number(key.slice(hash + 1)) };
}

/** An instance as routing sees it. */
export interface RoutedInstance {
  status: string;
  ref: { journeyId: string; version: number };
  waiting?: { kind: 'wait' | 'trigger' | 'send' };
}

/**
 * The instances a trigger is offered to: those of versions whose exit triggers or goal name it
 * (`naming`, keys made by {@link versionKey}), and active ones waiting for a trigger.
 */
export function offeredTrigger<I extends RoutedInstance>(instances: readonly I[], naming: ReadonlySet<string>): I[] {
  return instances.filter(
    (i) =>
      (i.status === 'active' && i.waiting?.kind === 'trigger') ||
      naming.has(versionKey(i.ref.journeyId, i.ref.version)),
  );
}

/** The active instances that leave when the customer joins a segment that is an exit segment of their version. */
export function exitedBySegment<I extends RoutedInstance>(instances: readonly I[], exiting: ReadonlySet<string>): I[] {
  return instances.filter((i) => i.status === 'active' && exiting.has(versionKey(i.ref.journeyId, i.ref.version)));
}

/** The customer's instances of one version. */
export function ofVersion<I extends RoutedInstance>(instances: readonly I[], journeyId: string, version: number): I[] {
  return instances.filter((i) => i.ref.journeyId === journeyId && i.ref.version === version);
}
