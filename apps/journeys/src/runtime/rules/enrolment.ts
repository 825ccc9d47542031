import { addDurationTimes, journeyTimeZone, parseIsoDuration, type JourneyDefinition } from '@journeys/definition';
import type { LifecycleMove } from './lifecycle';

/**
 * Segment enrolment, as a sequence of chunks: `once` enrols the members present when the version
 * goes live (or at its scheduled start), then the version completes; `dynamic` enrols them, then
 * later joiners one by one (see `decideRejoin`); `recurring` enrols every member on each occurrence,
 * counted from the first so month ends clamp (Jan 31, Feb 28, Mar 31), and completes after the last.
 * Each engine partition enrols its own customers; the version completes once every partition is done.
 */

/** A segment enrolment in progress: which occurrence, and the last customer id enrolled. */
export interface EnrolmentJob {
  kind: 'enrol';
  jobId: string;
  journeyId: string;
  version: number;
  segments: string[];
  /** Occurrence number (1-based) of a recurring journey; 1 otherwise. */
  occurrence: number;
  /** When the occurrence starts (ms). */
  startAt: number;
  /** When the first occurrence started (ms); later ones count from it. */
  firstAt: number;
  /** Last customer id entered; members are enrolled in id order. */
  cursor: string;
  /** Set while the version is paused: the start the job had before it went to sleep (ms). */
  asleep?: number;
}

/** The enrolment a segment-based version starts when it goes live at `wentLiveAt` (ms). */
export function enrolmentFor(
  journeyId: string,
  version: number,
  definition: JourneyDefinition,
  wentLiveAt: number,
  startAt: number | undefined,
): EnrolmentJob | undefined {
  const audience = definition.audience;
  if (audience.type !== 'segment') return undefined;
  const at = Math.max(wentLiveAt, startAt ?? 0);
  return {
    kind: 'enrol',
    jobId: `enrol:${journeyId}:${version}`,
    journeyId,
    version,
    segments: audience.segments,
    occurrence: 1,
    startAt: at,
    firstAt: at,
    cursor: '',
  };
}

/** Whether a member found by the enrolment enters: on a recurring journey everyone, every time. */
export function enrols(definition: JourneyDefinition, alreadyInVersion: boolean): boolean {
  const audience = definition.audience;
  return (audience.type === 'segment' && audience.frequency?.mode === 'recurring') || !alreadyInVersion;
}

/** What follows a chunk of an enrolment. */
export interface AfterChunk {
  /** The job to keep (saved with the chunk); none: the job is done. */
  job?: EnrolmentJob;
  /** The job continues at once (the chunk was full). */
  continueNow: boolean;
  move?: LifecycleMove;
}

/** After a chunk of `found` members (at most `chunkSize`, in id order) of `job`. */
export function afterChunk(
  job: EnrolmentJob,
  definition: JourneyDefinition,
  found: readonly string[],
  chunkSize: number,
): AfterChunk {
  if (found.length === chunkSize) {
    return { job: { ...job, cursor: found[found.length - 1] }, continueNow: true };
  }
  const { journeyId, version } = job;
  const frequency = definition.audience.type === 'segment' ? definition.audience.frequency : undefined;
  if (frequency?.mode === 'recurring') {
    if (frequency.occurrences !== undefined && job.occurrence >= frequency.occurrences) {
      return { continueNow: false, move: { journeyId, version, done: 'occurrencesRun' } };
    }
    const every = parseIsoDuration(frequency.every);
    // A recurrence that does not parse (publish refuses it) keeps its job as it is.
    if (!every) return { job, continueNow: false };
    const zone = journeyTimeZone(definition);
    const startAt = addDurationTimes(new Date(job.firstAt), every, job.occurrence, zone).getTime();
    return { job: { ...job, occurrence: job.occurrence + 1, startAt, cursor: '' }, continueNow: false };
  }
  if (frequency?.mode === 'dynamic') return { continueNow: false };
  return { continueNow: false, move: { journeyId, version, done: 'enrolled' } };
}
