import type { EngineJob, EngineStore } from '../engine-store/engine-store.port';
import { afterChunk, enrols, type EnrolmentJob } from '../rules/enrolment';
import { EngineBatch, type EngineTiming } from './engine-batch';
import type { EngineCommitter } from './engine-committer';
import type { EngineDecisions } from './engine-decisions';
import { lateSlot } from './entry-limiter';
import { experimentWork } from './experiment-jobs';
import type { JourneyCatalog, VersionInfo } from './journey-catalog';

/** Customers handled per chunk of a segment enrolment or a stop. */
export const CHUNK = 2_000;
/** Members read per chunk of a rate-limited enrolment, which enters about one per slot. */
const LIMITED_CHUNK = 64;
/** A job of a paused version whose pause has no end looks again this long after it found it paused. */
const PAUSED_RECHECK_MS = 60_000;

/**
 * The engine's jobs, run chunk by chunk with their cursor saved in the same commit: segment
 * enrolments, stopping a version, and releasing the customers a pause held.
 */
export class EngineJobs {
  constructor(
    private readonly store: EngineStore,
    private readonly timing: EngineTiming,
    private readonly decisions: EngineDecisions,
    private readonly committer: EngineCommitter,
    private readonly catalog: () => JourneyCatalog,
    private readonly stopping: () => boolean,
  ) {}

  /** Runs a due job at `now` (ms). */
  run(job: EngineJob, now: number): Promise<void> {
    switch (job.kind) {
      case 'enrol':
        return this.enrol(job, now);
      case 'stop':
        return this.stopChunk(job);
      case 'release':
        return this.releaseChunk(job, now);
      case 'enter':
        return this.enterAtSlot(job);
      case 'experiment':
        return this.experiment(job, now);
      default: {
        const unhandled: never = job;
        throw new Error(`Unknown job ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /**
   * A job of a version found paused waits: until the pause ends by itself at the latest (a resume
   * wakes it at once, see EngineDecisions), never at once again, so the scheduler moves on.
   */
  private sleepWhilePaused(batch: EngineBatch, job: EngineJob, info: VersionInfo | undefined, now: number): boolean {
    if (info?.state !== 'Paused') return false;
    const until = Math.max(now + 1_000, info.pause?.endsAt ?? now + PAUSED_RECHECK_MS);
    batch.saveJob({ ...job, startAt: until, ...(job.kind === 'enrol' && { asleep: job.asleep ?? job.startAt }) });
    return true;
  }

  /** A partition's share of an experiment: reports its figures when due (experiment-jobs.ts). */
  private async experiment(job: Extract<EngineJob, { kind: 'experiment' }>, now: number): Promise<void> {
    const batch = new EngineBatch(this.store, this.timing);
    const info = this.catalog().version(job.journeyId, job.version);
    const work = experimentWork(this.store, info, job, this.decisions.owner, now);
    if (work.done) batch.removeJob(job.jobId);
    else {
      batch.saveJob({ ...job, startAt: work.next });
      if (work.report) {
        batch.moves.push({
          journeyId: job.journeyId,
          version: job.version,
          report: { stepId: job.stepId, branches: work.report },
        });
      }
    }
    await this.committer.appendAndCommit(batch);
  }

  /**
   * An entry that waited for its slot of a rate-limited version enters at the slot, if the entry
   * rules still let it (a pause, the end time, re-entry): the limit is not applied again.
   */
  private async enterAtSlot(job: Extract<EngineJob, { kind: 'enter' }>): Promise<void> {
    const batch = new EngineBatch(this.store, this.timing);
    batch.removeJob(job.jobId);
    const info = this.catalog().version(job.journeyId, job.version);
    if (info) {
      batch.prefetchCustomers([job.customerId], [job.journeyId]);
      const open = info.state === 'Live' || info.state === 'Paused';
      if (open) this.decisions.enter(batch, info, job.customerId, job.startAt, job.jobId, job.offer, true, 'slotted');
      else this.decisions.block(batch, info, job.customerId, 'ended', job.startAt, job.jobId, job.offer.trigger?.id);
    }
    await this.committer.appendAndCommit(batch);
  }

  /**
   * Lets one chunk of the customers a pause held go on, in the order they were held, decided at the
   * job's start (the resume); once none is left, the job ends.
   */
  private async releaseChunk(job: Extract<EngineJob, { kind: 'release' }>, now: number): Promise<void> {
    const batch = new EngineBatch(this.store, this.timing);
    const info = this.catalog().version(job.journeyId, job.version);
    if (!info || info.state === 'Stopping' || info.state === 'Stopped') {
      batch.removeJob(job.jobId); // the stop removes them
    } else if (!this.sleepWhilePaused(batch, job, info, now)) {
      const held = this.store.pauseHoldsOf(job.journeyId, job.version, CHUNK);
      batch.prefetchInstances(held);
      const cause = `release:${job.journeyId}:${job.version}:${job.startAt}`;
      for (const instanceId of held) {
        const instance = batch.instance(instanceId);
        if (instance) this.decisions.decideFor(batch, instance, { type: 'Release' }, job.startAt, cause, info);
      }
      if (held.length < CHUNK) batch.removeJob(job.jobId);
    }
    await this.committer.appendAndCommit(batch);
  }

  /**
   * Removes one chunk of a stopped version's customers and cancels their actions no reader has been
   * handed (the instance decider decides both); once none is left, the version is Stopped.
   */
  private async stopChunk(job: Extract<EngineJob, { kind: 'stop' }>): Promise<void> {
    const batch = new EngineBatch(this.store, this.timing);
    const cause = `stop:${job.journeyId}:${job.version}`;
    const instances = this.store.activeOfVersion(job.journeyId, job.version, CHUNK);
    for (const instance of instances) this.decisions.decideFor(batch, instance, { type: 'Remove' }, job.startAt, cause);
    const actions = this.store.undeliveredOfVersion(job.journeyId, job.version, CHUNK);
    for (const action of actions) {
      // Withdrawn from the outbox at once: no reader can be handed it while the events are written.
      this.store.withdrawAction(action.actionId);
      const { stepId } = JSON.parse(action.payload) as { stepId: string };
      const instance = batch.instance(action.instanceId);
      if (!instance) continue;
      const command = { type: 'CancelAction', actionId: action.actionId, stepId, reason: 'versionStopped' } as const;
      this.decisions.decideFor(batch, instance, command, job.startAt, cause);
    }
    if (!instances.length && !actions.length) {
      batch.removeJob(job.jobId);
      batch.moves.push({ journeyId: job.journeyId, version: job.version, done: 'stopped' });
    }
    await this.committer.appendAndCommit(batch);
  }

  /**
   * Enrols a segment's members chunk by chunk, deciding the next chunk while the store's writer
   * stores the one before: chunks hold distinct customers, so no decision reads what the chunk
   * before it changes. Each chunk's state (with the job's cursor) still commits only after its own
   * events and every earlier chunk's state are stored, so a crash resumes at the last committed
   * cursor and decides the same events again (same ids).
   */
  private async enrol(first: EnrolmentJob, now: number): Promise<void> {
    let chain: Promise<void> = Promise.resolve();
    try {
      for (let job: EnrolmentJob | undefined = first; job;) {
        const chunk = this.enrolChunk(job, now);
        const appended = this.committer.append(chunk.batch);
        // A failed append surfaces through the chain; this only keeps it from being unhandled meanwhile.
        appended.catch(() => undefined);
        const previous = chain;
        chain = previous.then(() => appended).then(() => this.committer.commit(chunk.batch));
        await previous;
        job = this.stopping() ? undefined : chunk.next;
      }
      await chain;
    } catch (error) {
      await chain.catch(() => undefined);
      throw error;
    }
  }

  /** Decides one chunk of an enrolment; `next` is the job to continue with at once, if any. */
  private enrolChunk(job: EnrolmentJob, now: number): { batch: EngineBatch; next?: EnrolmentJob } {
    const batch = new EngineBatch(this.store, this.timing);
    const info = this.catalog().version(job.journeyId, job.version);
    if (this.sleepWhilePaused(batch, job, info, now)) return { batch };
    if (!info || info.state !== 'Live' || info.definition.audience.type !== 'segment') {
      batch.removeJob(job.jobId);
      return { batch };
    }
    // A rate-limited enrolment enters its members one slot at a time (entry-limiter.ts): it reads
    // fewer at once, and after a long sleep (the service was down) it starts again at the latest slot
    // instead of taking every missed slot in a burst.
    const limited = info.definition.audience.entryLimit !== undefined;
    if (limited) {
      const late = lateSlot(batch, info, this.decisions.owner, job.startAt, now);
      if (late !== undefined) {
        batch.saveJob({ ...job, startAt: late });
        return { batch };
      }
    }
    const size = limited ? LIMITED_CHUNK : CHUNK;
    const members = this.store.membersAfter(job.segments, job.cursor, size);
    const cause = `enrol:${job.journeyId}:${job.version}:${job.occurrence}`;
    batch.prefetchCustomers(members, [job.journeyId]);
    let cursor = job.cursor;
    for (const customerId of members) {
      const already = batch
        .instancesOf(customerId)
        .some((i) => i.ref.journeyId === job.journeyId && i.ref.version === job.version);
      if (enrols(info.definition, already)) {
        const offer = { segmentId: job.segments[0] };
        const outcome = this.decisions.enter(batch, info, customerId, job.startAt, cause, offer, false, 'enrolment');
        if (outcome.kind === 'waitUntil') {
          // The rest waits, in order, for the next slot: this member is the first to enter then.
          batch.saveJob({ ...job, cursor, startAt: outcome.at });
          return { batch };
        }
      }
      cursor = customerId;
    }
    const after = afterChunk(job, info.definition, members, size);
    if (after.job) batch.saveJob(after.job);
    else batch.removeJob(job.jobId);
    if (after.move) batch.moves.push(after.move);
    // A rate-limited chunk that took a slot commits before the next one reads the slot.
    return { batch, next: after.continueNow && !limited ? after.job : undefined };
  }
}
