import type { JourneyCommand, JourneyVersion, VersionState } from './journey.decider';
import type { CompletingReason, JourneyEvent, PartitionWork } from './journey.events';

/**
 * The journey decider's part that collects work done in every engine partition (SCALE-OUT item 8):
 * each partition acknowledges its share once, and the last acknowledgement makes the move.
 */

/**
 * The states a partition's work applies in, and the move it makes once every partition has done it.
 * An enrolment finished while the version is Paused moves it on when it resumes (`completeOnResume`).
 */
const PARTITION_WORK: Record<PartitionWork, { in: readonly VersionState[]; move: (v: number) => JourneyCommand }> = {
  emptied: { in: ['Completing'], move: (version) => ({ type: 'MarkVersionCompleted', version }) },
  stopped: { in: ['Stopping'], move: (version) => ({ type: 'MarkVersionStopped', version }) },
  enrolled: {
    in: ['Live', 'Paused'],
    move: (version) => ({ type: 'CompleteVersion', version, reason: 'allSegmentMembersEntered' }),
  },
  occurrencesRun: {
    in: ['Live', 'Paused'],
    move: (version) => ({ type: 'CompleteVersion', version, reason: 'allOccurrencesRun' }),
  },
};

/** Work whose completion, while the version is Paused, moves it to Completing when it resumes. */
export const COMPLETES_ON_RESUME: Partial<Record<PartitionWork, CompletingReason>> = {
  enrolled: 'allSegmentMembersEntered',
  occurrencesRun: 'allOccurrencesRun',
};

/**
 * A partition's acknowledgement, once per partition and kind of work, while the version is in a
 * state the work applies to: the events to store, and the move the last partition's makes. With one
 * partition there is nothing to collect: the move alone is made, as before partitions existed. While
 * the version is Paused no move is made; the acknowledgement is stored so the version moves on resume.
 */
export function acknowledge(
  target: JourneyVersion & { journeyId: string },
  command: Extract<JourneyCommand, { type: 'AcknowledgePartition' }>,
): { events: JourneyEvent[]; move?: JourneyCommand } {
  const { work, partition, partitions } = command;
  const rule = PARTITION_WORK[work];
  if (!rule.in.includes(target.state)) return { events: [] };
  const paused = target.state === 'Paused';
  if (partitions <= 1 && !paused) return { events: [], move: rule.move(target.version) };
  const done = target.partitionsDone?.[work] ?? [];
  if (done.includes(partition)) return { events: [] };
  const data = { journeyId: target.journeyId, version: target.version, partition, partitions, work };
  const events: JourneyEvent[] = [{ type: 'JourneyVersionPartitionDone', data }];
  const all = new Set([...done, partition]).size >= partitions;
  return !paused && all ? { events, move: rule.move(target.version) } : { events };
}
