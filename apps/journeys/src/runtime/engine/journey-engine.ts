import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  addDuration,
  addDurationTimes,
  evaluateCondition,
  journeyTimeZone,
  parseIsoDuration,
} from '@journeys/definition';
import type { EventStore, RecordedEvent, SubscriptionBatch } from '@journeys/event-store';
import { ReadModelStore } from '@journeys/read-models';
import { CLOCK, type Clock } from '../../common/clock';
import { commandContext } from '../../common/command-context';
import { customerStream } from '../../ingestion/customer.events';
import type { ReceivedTrigger, SegmentChangeMessage, TriggerMessage } from '../../ingestion/ingestion.port';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import { EVENT_STORE } from '../../infrastructure/storage.module';
import { AutomaticMoveCommand } from '../../journeys/journey.commands';
import { JOURNEY_EVENT_TYPES, type CompletingReason, type JourneyEvent } from '../../journeys/journey.events';
import { decide, initialState, type InstanceCommand, type InstanceState } from '../instance.decider';
import { instanceId, type EntryBlockedReason } from '../instance.events';
import { ENGINE_OBSERVER, type EngineObserver } from '../engine-observer';
import { orderKey } from '../rules/event-time';
import type { OfferedTrigger } from '../steps/wait-for-trigger.step';
import { EngineBatch, type EngineTiming } from './engine-batch';
import { EngineState, type EngineJob } from './engine-state';
import { JourneyCatalog, type VersionInfo } from './journey-catalog';

const CHECKPOINT = 'engine';
/** Customers handled per chunk of a segment enrolment or a stop. */
const CHUNK = 2_000;
/** Longest the scheduler sleeps between looks at the timer index. */
const MAX_SLEEP_MS = 200;
/** Longest a timer run waits for the input loop to take what was stored before it. */
const INPUT_CATCH_UP_MS = 2_000;
/** The engine reacts to these only; its own progress events are never read back. */
const ENGINE_INPUTS = ['TriggerReceived', 'SegmentMembershipChanged', ...JOURNEY_EVENT_TYPES];

type EnrolJob = Extract<EngineJob, { kind: 'enrol' }>;

/**
 * The data plane: one serial worker that consumes stored events (triggers, segment changes, life-cycle
 * events) in order, fires due timers and runs enrolment / stop jobs. Step semantics live in the pure
 * instance decider; this class only routes, persists and moves versions on.
 */
@Injectable()
export class JourneyEngine implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JourneyEngine.name);
  private state!: EngineState;
  private catalog!: JourneyCatalog;
  private iterator: AsyncIterator<SubscriptionBatch> | undefined;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private serial: Promise<unknown> = Promise.resolve();
  /** The input batch whose events are being stored and whose state is not committed yet. */
  private pending: { batch: EngineBatch; done: Promise<void> } | undefined;
  /** Why a pending batch failed; the follow loop restarts from the checkpoint. */
  private pipelineError: unknown;
  private stopping = false;
  private processed = -1n;
  private lastError: string | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(ENGINE_OBSERVER) private readonly observer?: EngineObserver,
  ) {
    this.timing = { triggerWaitGraceMs: config.triggerWaitGraceMs };
  }

  private readonly timing: EngineTiming;

  onApplicationBootstrap(): void {
    this.state = new EngineState(this.readModels.db);
    this.catalog = new JourneyCatalog(this.state.journeys());
    this.processed = this.readModels.checkpoint(CHECKPOINT)?.position ?? -1n;
    this.loop = this.follow();
    this.schedule(0);
  }

  /** Before the stores close: the batch in flight commits, then the worker stops. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.iterator?.return?.();
    await this.loop;
    await this.serial;
    await this.pending?.done.catch(() => undefined);
  }

  status() {
    return { position: this.processed, lastError: this.lastError };
  }

  /**
   * Runs due timers and jobs now (tests move a manual clock, then call this). Inputs stored before
   * it are decided first (within a bound), so a trigger stored just before a timer is due is seen
   * before the timer fires, whatever order the two loops would otherwise take them in.
   */
  async tick(): Promise<void> {
    if (this.state.nextWake() !== undefined) {
      const head = await this.store.headPosition().catch(() => undefined);
      if (head !== undefined) await this.waitFor(head, INPUT_CATCH_UP_MS).catch(() => undefined);
    }
    return this.enqueue(() => this.runDue());
  }

  /** Resolves once the engine has processed every event up to `position`. */
  async waitFor(position: bigint, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.processed < position) {
      if (Date.now() > deadline) throw new Error(`Engine did not reach ${position} (at ${this.processed})`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await this.serial;
  }

  /**
   * Serial work that reads or writes the engine's state directly (timers, jobs, checkpoints): it
   * runs once the pending batch has committed, and the next input batch reads the database afresh
   * instead of through that batch, whose cached state this work may have changed.
   */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    return this.enqueueRaw(async () => {
      await this.pending?.done;
      this.pending = undefined;
      return work();
    });
  }

  private enqueueRaw<T>(work: () => Promise<T>): Promise<T> {
    const next = this.serial.then(work);
    this.serial = next.catch(() => undefined);
    return next;
  }

  private async follow(): Promise<void> {
    while (!this.stopping) {
      try {
        const after = this.readModels.checkpoint(CHECKPOINT)?.position;
        this.iterator = this.store
          .subscribeToAll({ after, maxBatchSize: 2_000, eventTypes: ENGINE_INPUTS })
          [Symbol.asyncIterator]();
        for (;;) {
          const next = await this.iterator.next();
          if (this.pipelineError !== undefined) throw this.pipelineError;
          if (next.done || this.stopping) return;
          const { events, checkpoint } = next.value;
          if (events.length) await this.enqueueRaw(() => this.processEvents(events, checkpoint));
          else if (checkpoint !== undefined && checkpoint > this.processed) {
            // Nothing for the engine up to here (its own progress events are filtered out).
            await this.enqueue(async () => {
              this.readModels.saveCheckpoint(CHECKPOINT, checkpoint, 1);
              this.processed = checkpoint;
            });
          }
        }
      } catch (error) {
        if (this.stopping) return;
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error(`Engine batch failed, retrying from the checkpoint: ${this.lastError}`);
        // The failed batch may have moved the catalog ahead of the committed state: reload it.
        await this.enqueueRaw(async () => {
          await this.pending?.done.catch(() => undefined);
          this.pending = undefined;
          this.pipelineError = undefined;
          this.catalog = new JourneyCatalog(this.state.journeys());
        });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.tick()
        .catch((error: unknown) => this.logger.error(`Timer run failed: ${String(error)}`))
        .finally(() => {
          const wake = this.state.nextWake();
          const now = this.clock.now().getTime();
          this.schedule(wake === undefined ? MAX_SLEEP_MS : Math.max(0, Math.min(MAX_SLEEP_MS, wake - now)));
        });
    }, delayMs);
    this.timer.unref?.();
  }

  /**
   * Decides a batch of inputs and starts storing its events, then returns once the batch before it
   * has committed, so the next batch is decided while this one's events are with the store's writer.
   * The next batch reads through this one (its parent) until it has committed. Commits stay in
   * order, each after its own events are stored; a failure stops the follow loop, which restarts
   * from the last committed checkpoint and decides the same events again (same ids).
   */
  private async processEvents(events: readonly RecordedEvent[], checkpoint?: bigint): Promise<void> {
    const began = performance.now();
    const previous = this.pending;
    const batch = new EngineBatch(this.state, this.timing, previous?.batch);
    this.prefetch(batch, events);
    for (const event of events) {
      if (JOURNEY_EVENT_TYPES.has(event.type)) this.onJourneyEvent(batch, event);
      else if (event.type === 'TriggerReceived') this.onTrigger(batch, event.data as ReceivedTrigger, event);
      else if (event.type === 'SegmentMembershipChanged') {
        this.onSegmentChange(batch, event.data as SegmentChangeMessage & { receivedAt: string }, event);
      }
    }
    const lastEvent = events[events.length - 1].position;
    const last = checkpoint !== undefined && checkpoint > lastEvent ? checkpoint : lastEvent;
    const appended = this.appendOutputs(batch);
    // A failed append surfaces through `done`; this only keeps it from being unhandled meanwhile.
    appended.catch(() => undefined);
    const done = (async () => {
      await previous?.done;
      await appended;
      await this.complete(batch, () => this.readModels.saveCheckpoint(CHECKPOINT, last, 1));
      this.processed = last;
      this.lastError = undefined;
      this.observer?.inputBatchDone((performance.now() - began) / 1000);
    })();
    this.pending = { batch, done };
    done.then(
      () => {
        if (this.pending?.done === done) this.pending = undefined;
      },
      (error: unknown) => {
        // Nobody may be waiting on this batch: end the subscription so the follow loop restarts.
        this.pipelineError ??= error;
        void this.iterator?.return?.();
      },
    );
    await previous?.done;
    batch.forgetParent();
  }

  /** Loads the state of every customer the batch's triggers and segment changes touch, in bulk. */
  private prefetch(batch: EngineBatch, events: readonly RecordedEvent[]): void {
    const customers: string[] = [];
    const entryJourneys = new Set<string>();
    for (const event of events) {
      if (event.type === 'TriggerReceived') {
        const message = event.data as TriggerMessage;
        customers.push(message.customerId);
        for (const info of this.catalog.enteredBy(message.trigger)) entryJourneys.add(info.journeyId);
      } else if (event.type === 'SegmentMembershipChanged') {
        customers.push((event.data as SegmentChangeMessage).customerId);
      }
    }
    batch.prefetchCustomers(customers, entryJourneys);
  }

  /** Appends the batch's outputs, commits its state, then makes the life-cycle moves it caused. */
  private async finish(batch: EngineBatch, checkpoint?: () => void): Promise<void> {
    await this.appendOutputs(batch);
    await this.complete(batch, checkpoint);
  }

  private appendOutputs(batch: EngineBatch): Promise<unknown> {
    return Promise.all(
      [...batch.outputs].map(([stream, events]) => this.store.append(stream, events, { expectedRevision: 'any' })),
    );
  }

  /** Once the batch's events are stored: commits its state, then makes the life-cycle moves it caused. */
  private async complete(batch: EngineBatch, checkpoint?: () => void): Promise<void> {
    batch.commit(checkpoint);
    this.observer?.committed(batch.outputs);
    for (const key of batch.versionsTouched) {
      const [journeyId, version] = key.split('#');
      const info = this.catalog.version(journeyId, Number(version));
      if (info?.state === 'Completing' && !this.state.hasActive(journeyId, info.version)) {
        batch.lifecycle.push({ journeyId, version: info.version, move: 'completed' });
      }
    }
    for (const move of batch.lifecycle) await this.move(move);
  }

  private async move(move: EngineBatch['lifecycle'][number]): Promise<void> {
    const context = commandContext('system', this.clock.now());
    const command =
      move.move === 'stopped'
        ? ({ type: 'MarkVersionStopped', version: move.version } as const)
        : move.move === 'completed'
          ? ({ type: 'MarkVersionCompleted', version: move.version } as const)
          : ({ type: 'CompleteVersion', version: move.version, reason: move.reason as CompletingReason } as const);
    await this.commands.execute(new AutomaticMoveCommand(move.journeyId, command, context));
  }

  private onJourneyEvent(batch: EngineBatch, event: RecordedEvent): void {
    const domain = { type: event.type, data: event.data } as JourneyEvent;
    const journey = this.catalog.apply(domain);
    if (!journey) return;
    batch.saveJourney(journey);
    const at = Date.parse(event.metadata.occurredAt);
    const { journeyId } = domain.data;
    switch (domain.type) {
      case 'JourneyVersionWentLive': {
        const info = this.catalog.version(journeyId, domain.data.version);
        const audience = info?.definition.audience;
        if (info && audience?.type === 'segment') {
          const mode = audience.frequency?.mode ?? 'once';
          batch.saveJob({
            kind: 'enrol',
            jobId: `enrol:${journeyId}:${info.version}`,
            journeyId,
            version: info.version,
            segments: audience.segments,
            occurrence: 1,
            startAt: Math.max(at, info.startAt ?? 0),
            firstAt: Math.max(at, info.startAt ?? 0),
            cursor: '',
          });
          if (mode === 'dynamic') this.logger.debug(`Dynamic enrolment for ${journeyId} v${info.version}`);
        }
        break;
      }
      case 'JourneyVersionStopRequested':
        batch.saveJob({
          kind: 'stop',
          jobId: `stop:${journeyId}:${domain.data.version}`,
          journeyId,
          version: domain.data.version,
          startAt: at,
        });
        break;
      case 'JourneyVersionCompleting':
        batch.versionsTouched.add(`${journeyId}#${domain.data.version}`);
        break;
      default:
        break;
    }
  }

  /**
   * A trigger updates the profile (by event time), is offered to each of the customer's instances
   * whose version names it (goal, exit trigger, or a waiting waitForTrigger: the instance decider
   * orders their effects), then may enter the customer into journeys it starts.
   */
  private onTrigger(batch: EngineBatch, message: ReceivedTrigger, stored: RecordedEvent): void {
    const cause = stored.id;
    const now = Date.parse(message.receivedAt);
    const occurredAt = Date.parse(message.occurredAt);
    const { customerId, trigger: name, attributes, chain } = message;
    batch.mergeProfile(customerId, attributes, [occurredAt, orderKey(stored.position)]);
    const offered: OfferedTrigger = { id: message.id, name, attributes, bindingId: message.bindingId, occurredAt };
    if (chain !== undefined) offered.chain = chain;

    const named = this.catalog.versionsNaming(name);
    for (const instance of batch.instancesOf(customerId)) {
      const waiting = instance.status === 'active' && instance.waiting?.kind === 'trigger';
      if (waiting || named.has(versionKey(instance.ref.journeyId, instance.ref.version))) {
        this.run(batch, instance, { type: 'OfferTrigger', trigger: offered }, now, cause);
      }
    }
    for (const info of this.catalog.enteredBy(name)) {
      this.enter(batch, info, customerId, now, cause, {
        trigger: { id: message.id, name, attributes },
        bindingId: message.bindingId,
        chain,
      });
    }
  }

  private onSegmentChange(
    batch: EngineBatch,
    change: SegmentChangeMessage & { receivedAt: string },
    stored: RecordedEvent,
  ): void {
    const cause = stored.id;
    const now = Date.parse(change.receivedAt);
    const joined = change.change === 'joined';
    const wasMember = batch.segmentsOf(change.customerId).has(change.segmentId);
    // By event time: a change older than the last one applied to this membership changes nothing.
    const stamp = [Date.parse(change.occurredAt), orderKey(stored.position)] as const;
    if (!batch.setMembership(change.segmentId, change.customerId, joined, stamp)) return;
    if (!joined || wasMember) return;
    const exitVersions = new Set(
      this.catalog.exitedBySegment(change.segmentId).map((v) => `${v.journeyId}#${v.version}`),
    );
    for (const instance of batch.instancesOf(change.customerId)) {
      if (instance.status === 'active' && exitVersions.has(`${instance.ref.journeyId}#${instance.ref.version}`)) {
        this.run(batch, instance, { type: 'Exit', reason: 'exitSegment' }, now, cause);
      }
    }
    for (const info of this.catalog.dynamicFor(change.segmentId)) {
      const audience = info.definition.audience;
      if (audience.type !== 'segment') continue;
      const mine = batch
        .instancesOf(change.customerId)
        .filter((i) => i.ref.journeyId === info.journeyId && i.ref.version === info.version);
      if (mine.some((i) => i.status === 'active')) continue;
      if (mine.length && !audience.rejoinReentry) {
        this.block(batch, info, change.customerId, 'reentryBlocked', now, cause);
        continue;
      }
      this.enter(batch, info, change.customerId, now, cause, { segmentId: change.segmentId });
    }
  }

  /** Entry rules (schedule, exclusions, conditions, re-entry), then the instance's first steps. */
  private enter(
    batch: EngineBatch,
    info: VersionInfo,
    customerId: string,
    now: number,
    cause: string,
    source: {
      trigger?: { id: string; name: string; attributes: Record<string, unknown> };
      bindingId?: string;
      segmentId?: string;
      chain?: number;
    },
    skipReentry = false,
  ): void {
    const { journeyId, version, definition } = info;
    const audience = definition.audience;
    const blocked = (reason: EntryBlockedReason) =>
      this.block(batch, info, customerId, reason, now, cause, source.trigger?.id);
    if (info.startAt !== undefined && now < info.startAt) return blocked('notStarted');
    if (info.endAt !== undefined && now >= info.endAt) return blocked('ended');
    const segments = batch.segmentsOf(customerId);
    if ((audience.exclusionSegments ?? []).some((s) => segments.has(s))) return blocked('excluded');
    if (audience.type === 'trigger' && audience.conditions) {
      const holds = evaluateCondition(audience.conditions, {
        trigger: source.trigger?.attributes ?? {},
        profile: batch.profile(customerId),
        inSegment: (s) => segments.has(s),
      });
      if (!holds) return blocked('unmetCondition');
    }
    if (!skipReentry && audience.type === 'trigger') {
      const reentry = audience.reentry ?? { mode: 'never' };
      const previous = batch.entries(journeyId, customerId);
      if (previous.entries > 0 && reentry.mode === 'never') return blocked('reentryBlocked');
      if (previous.entries > 0 && reentry.mode === 'after') {
        const wait = parseIsoDuration(reentry.after);
        const allowedAt = wait
          ? addDuration(new Date(previous.lastEntryAt), wait, journeyTimeZone(definition)).getTime()
          : 0;
        if (now < allowedAt) return blocked('reentryBlocked');
      }
    }
    const entry = batch.recordEntry(journeyId, customerId, now);
    const ref = {
      instanceId: instanceId(journeyId, version, customerId, entry),
      journeyId,
      version,
      customerId,
      entry,
    };
    this.run(batch, initialState(), { type: 'Enter', ref, ...source }, now, cause, info);
  }

  private block(
    batch: EngineBatch,
    info: VersionInfo,
    customerId: string,
    reason: EntryBlockedReason,
    now: number,
    cause: string,
    triggerId?: string,
  ): void {
    const at = new Date(now).toISOString();
    batch.emit(
      customerStream(customerId),
      {
        type: 'CustomerEntryBlocked',
        data: { journeyId: info.journeyId, version: info.version, customerId, reason, triggerId, at },
      },
      cause,
      at,
    );
  }

  /** Decides one command for one instance and records the events. */
  private run(
    batch: EngineBatch,
    state: InstanceState,
    command: InstanceCommand,
    now: number,
    cause: string,
    known?: VersionInfo,
  ): void {
    const ref = state.status === 'new' ? (command as Extract<InstanceCommand, { type: 'Enter' }>).ref : state.ref;
    const info = known ?? this.catalog.version(ref.journeyId, ref.version);
    if (!info) return;
    const segments = batch.segmentsOf(ref.customerId);
    const events = decide(command, state, {
      definition: info.definition,
      now: new Date(now),
      profile: batch.profile(ref.customerId),
      inSegment: (s) => segments.has(s),
    });
    if (events.length) batch.record(state, events, cause);
  }

  /** Fires due timers (in due order, in batches), then runs one chunk of the next due job. */
  private async runDue(): Promise<void> {
    if (this.stopping) return;
    const now = this.clock.now().getTime();
    for (;;) {
      const due = this.state.dueTimers(now, CHUNK);
      if (!due.length) break;
      const batch = new EngineBatch(this.state, this.timing);
      batch.prefetchInstances(due.map((timer) => timer.instanceId));
      for (const timer of due) {
        batch.removeTimer(timer.timerId);
        const instance = batch.instance(timer.instanceId);
        if (!instance || instance.status === 'new') continue;
        // A timer fires at its due time (a waitForTrigger's deadline, not the grace after it): later
        // steps are timed from it, and a replay decides the same.
        const waiting = instance.waiting?.timerId === timer.timerId ? instance.waiting : undefined;
        const at = waiting ? Date.parse(waiting.dueAt) : timer.dueAt;
        this.run(batch, instance, { type: 'FireTimer', timerId: timer.timerId }, at, `timer:${timer.timerId}`);
      }
      await this.finish(batch);
      if (due.length < CHUNK) break;
    }
    for (let job = this.state.dueJob(now); job; job = this.state.dueJob(now)) {
      await this.runJob(job);
      if (this.stopping) return;
    }
    for (const info of this.catalog.liveVersions()) {
      if (info.endAt !== undefined && now >= info.endAt) {
        await this.move({
          journeyId: info.journeyId,
          version: info.version,
          move: 'complete',
          reason: 'endTimePassed',
        });
      }
    }
  }

  private async runJob(job: EngineJob): Promise<void> {
    if (job.kind === 'enrol') return this.runEnrolment(job);
    await this.stopChunk(job);
  }

  /** Removes one chunk of a stopped version's customers and withdraws their undelivered actions. */
  private async stopChunk(job: Extract<EngineJob, { kind: 'stop' }>): Promise<void> {
    const batch = new EngineBatch(this.state, this.timing);
    const cause = `stop:${job.journeyId}:${job.version}`;
    const instances = this.state.activeOfVersion(job.journeyId, job.version, CHUNK);
    for (const instance of instances) this.run(batch, instance, { type: 'Remove' }, job.startAt, cause);
    const actions = this.state.undeliveredOfVersion(job.journeyId, job.version, CHUNK);
    for (const action of actions) {
      // Withdrawn from the outbox at once: no reader can be handed it while the events are written.
      this.state.setActionStatus(action.actionId, 'cancelling');
      const payload = JSON.parse(action.payload) as { stepId: string };
      const instance = batch.instance(action.instanceId);
      if (instance && instance.status !== 'new') {
        batch.record(
          instance,
          [
            {
              type: 'ActionCancelled',
              data: {
                ...instance.ref,
                at: new Date(job.startAt).toISOString(),
                actionId: action.actionId,
                stepId: payload.stepId,
                reason: 'versionStopped',
              },
            },
          ],
          cause,
        );
      }
    }
    if (!instances.length && !actions.length) {
      batch.removeJob(job.jobId);
      batch.lifecycle.push({ journeyId: job.journeyId, version: job.version, move: 'stopped' });
    }
    await this.finish(batch);
  }

  /**
   * Enrols a segment's members chunk by chunk, deciding the next chunk while the writer thread
   * stores the one before: chunks hold distinct customers, so no decision reads what the chunk
   * before it changes. Each chunk's state (with the job's cursor) still commits only after its own
   * events and every earlier chunk's state are stored, so a crash resumes at the last committed
   * cursor and re-decides the same events (same ids).
   */
  private async runEnrolment(first: EnrolJob): Promise<void> {
    let chain: Promise<void> = Promise.resolve();
    try {
      for (let job: EnrolJob | undefined = first; job;) {
        const chunk = this.enrolChunk(job);
        const appended = this.appendOutputs(chunk.batch);
        // A failed append surfaces through the chain; this only keeps it from being unhandled meanwhile.
        appended.catch(() => undefined);
        const previous = chain;
        chain = previous.then(() => appended).then(() => this.complete(chunk.batch));
        await previous;
        job = this.stopping ? undefined : chunk.next;
      }
      await chain;
    } catch (error) {
      await chain.catch(() => undefined);
      throw error;
    }
  }

  /** Decides one chunk of an enrolment; `next` is the job to continue with at once, if any. */
  private enrolChunk(job: EnrolJob): { batch: EngineBatch; next?: EnrolJob } {
    const batch = new EngineBatch(this.state, this.timing);
    const info = this.catalog.version(job.journeyId, job.version);
    const audience = info?.definition.audience;
    if (!info || info.state !== 'Live' || audience?.type !== 'segment') {
      batch.removeJob(job.jobId);
      return { batch };
    }
    const mode = audience.frequency?.mode ?? 'once';
    const members = this.state.membersAfter(job.segments, job.cursor, CHUNK);
    const cause = `enrol:${job.journeyId}:${job.version}:${job.occurrence}`;
    batch.prefetchCustomers(members, [job.journeyId]);
    for (const customerId of members) {
      const already = batch
        .instancesOf(customerId)
        .some((i) => i.ref.journeyId === job.journeyId && i.ref.version === job.version);
      if (mode !== 'recurring' && already) continue;
      this.enter(batch, info, customerId, job.startAt, cause, { segmentId: job.segments[0] }, true);
    }
    if (members.length === CHUNK) {
      const next = { ...job, cursor: members[members.length - 1] };
      batch.saveJob(next);
      return { batch, next };
    }
    if (mode === 'recurring' && audience.frequency?.mode === 'recurring') {
      const { every, occurrences } = audience.frequency;
      const step = parseIsoDuration(every);
      if (occurrences !== undefined && job.occurrence >= occurrences) {
        batch.removeJob(job.jobId);
        batch.lifecycle.push({
          journeyId: job.journeyId,
          version: job.version,
          move: 'complete',
          reason: 'allOccurrencesRun',
        });
      } else if (step) {
        const zone = journeyTimeZone(info.definition);
        const startAt = addDurationTimes(new Date(job.firstAt), step, job.occurrence, zone).getTime();
        batch.saveJob({ ...job, occurrence: job.occurrence + 1, startAt, cursor: '' });
      }
    } else {
      batch.removeJob(job.jobId);
      if (mode === 'once') {
        batch.lifecycle.push({
          journeyId: job.journeyId,
          version: job.version,
          move: 'complete',
          reason: 'allSegmentMembersEntered',
        });
      }
    }
    return { batch };
  }
}

/** The key of a journey version in sets and maps. */
function versionKey(journeyId: string, version: number): string {
  return `${journeyId}#${version}`;
}
