import type { DeliverySettings } from '@journeys/definition';
import type { RecordedEvent } from '@journeys/event-store';
import { customerStream } from '../../ingestion/customer.events';
import type { ReceivedConsent, ReceivedTrigger, SegmentChangeMessage } from '../../ingestion/ingestion.port';
import { DELIVERY_SETTINGS_CHANGED, type DeliverySettingsChanged } from '../../settings/delivery-settings.decider';
import { JOURNEY_EVENT_TYPES, type JourneyEvent } from '../../journeys/journey.events';
import { decide, initialState, type InstanceCommand, type InstanceState } from '../instance.decider';
import { instanceId, type EntryBlockedReason, type InstanceEvent } from '../instance.events';
import { consentKey } from '../rules/consent';
import { enrolmentFor } from '../rules/enrolment';
import { experimentJobId, experimentJobsFor } from './experiment-jobs';
import { decideEntry, decideRejoin } from '../rules/entry';
import { orderKey } from '../rules/event-time';
import { exitedBySegment, offeredTrigger, ofVersion, versionKey } from '../rules/routing';
import type { OfferedTrigger } from '../steps/wait-for-trigger.step';
import type { EngineBatch } from './engine-batch';
import { limitEntry, type EntryMode, type EntryOutcome } from './entry-limiter';
import type { JourneyCatalog, VersionInfo } from './journey-catalog';
import type { SlotOwner } from '../rules/entry-limit';

/** What an entry offers the first step: the trigger that started it, or the segment that enrolled it. */
export interface EntryOffer {
  trigger?: { id: string; name: string; attributes: Record<string, unknown> };
  bindingId?: string;
  segmentId?: string;
  /** Set when the entering trigger was raised by a journey (rules/loop-guard.ts). */
  chain?: number;
}

/**
 * Applies the engine's inputs to a batch: routes each one to the customers' instances
 * (rules/routing.ts), asks the entry rules who enters (rules/entry.ts) and the instance decider what
 * each instance does, and records the outcome. It reads and writes only through the batch.
 */
export class EngineDecisions {
  constructor(
    private readonly catalog: () => JourneyCatalog,
    /** The partition's delivery settings as its inputs have set them so far. */
    private readonly settings: { current: DeliverySettings },
    /** This engine partition of how many: they share rate-limited entries (rules/entry-limit.ts). */
    readonly owner: SlotOwner = { partition: 0, partitions: 1 },
  ) {}

  /** Applies one stored input event. */
  apply(batch: EngineBatch, event: RecordedEvent): void {
    if (JOURNEY_EVENT_TYPES.has(event.type)) this.onJourneyEvent(batch, event);
    else if (event.type === 'TriggerReceived') this.onTrigger(batch, event.data as ReceivedTrigger, event);
    else if (event.type === 'SegmentMembershipChanged') {
      this.onSegmentChange(batch, event.data as SegmentChangeMessage & { receivedAt: string }, event);
    } else if (event.type === 'ConsentChanged') this.onConsent(batch, event.data as ReceivedConsent, event);
    else if (event.type === DELIVERY_SETTINGS_CHANGED) {
      this.settings.current = (event.data as DeliverySettingsChanged['data']).settings;
      batch.delivery.saveSettings(this.settings.current);
    }
  }

  /** A consent record applies by event time (rules/consent.ts); it is read when a send would go out. */
  private onConsent(batch: EngineBatch, consent: ReceivedConsent, stored: RecordedEvent): void {
    const stamp = [Date.parse(consent.occurredAt), orderKey(stored.position)] as const;
    batch.delivery.setConsent(consent.customerId, consentKey(consent.channel, consent.topic), consent.status, stamp);
  }

  /**
   * A life-cycle event: the catalog follows it; going live starts an enrolment, a stop request a
   * stop, and the end of a pause lets the customers it held go on.
   */
  private onJourneyEvent(batch: EngineBatch, event: RecordedEvent): void {
    const domain = { type: event.type, data: event.data } as JourneyEvent;
    const version = (domain.data as { version?: number }).version;
    const wasPaused =
      version !== undefined && this.catalog().version(domain.data.journeyId, version)?.state === 'Paused';
    const journey = this.catalog().apply(domain);
    if (!journey) return;
    batch.saveJourney(journey);
    const at = Date.parse(event.metadata.occurredAt);
    const { journeyId } = domain.data;
    switch (domain.type) {
      case 'JourneyVersionWentLive': {
        const info = this.catalog().version(journeyId, domain.data.version);
        const job = info && enrolmentFor(journeyId, info.version, info.definition, at, info.startAt);
        if (job) batch.saveJob(job);
        for (const experiment of info ? experimentJobsFor(journeyId, info.version, info.definition, at) : []) {
          batch.saveJob(experiment);
        }
        break;
      }
      case 'ExperimentConcluded':
        batch.removeJob(experimentJobId(journeyId, domain.data.version, domain.data.stepId));
        break;
      case 'JourneyVersionStopRequested': {
        const { version } = domain.data;
        batch.saveJob({ kind: 'stop', jobId: `stop:${journeyId}:${version}`, journeyId, version, startAt: at });
        break;
      }
      case 'JourneyVersionCompleting':
        batch.versionsTouched.add(versionKey(journeyId, domain.data.version));
        if (wasPaused) endPause(batch, journeyId, domain.data.version, at);
        break;
      case 'JourneyVersionResumed':
        endPause(batch, journeyId, domain.data.version, at);
        break;
      default:
        break;
    }
  }

  /**
   * A trigger updates the profile (by event time), is offered to each of the customer's instances it
   * concerns (the instance decider orders its effects: goal, exit, match), then may enter the
   * customer into the journeys it starts.
   */
  private onTrigger(batch: EngineBatch, message: ReceivedTrigger, stored: RecordedEvent): void {
    const cause = stored.id;
    const now = Date.parse(message.receivedAt);
    const occurredAt = Date.parse(message.occurredAt);
    const { customerId, trigger: name, attributes, chain } = message;
    batch.mergeProfile(customerId, attributes, [occurredAt, orderKey(stored.position)]);
    const offered: OfferedTrigger = { id: message.id, name, attributes, bindingId: message.bindingId, occurredAt };
    if (chain !== undefined) offered.chain = chain;
    const catalog = this.catalog();
    for (const instance of offeredTrigger(batch.instancesOf(customerId), catalog.versionsNaming(name))) {
      this.decideFor(batch, instance, { type: 'OfferTrigger', trigger: offered }, now, cause);
    }
    for (const info of catalog.enteredBy(name)) {
      const trigger = { id: message.id, name, attributes };
      this.enter(batch, info, customerId, now, cause, { trigger, bindingId: message.bindingId, chain }, true);
    }
  }

  /**
   * A membership change applies by event time; a join exits the customer from versions that exit on
   * the segment and enters them into dynamic segment journeys (re-joiners as `rejoinReentry` says).
   */
  private onSegmentChange(
    batch: EngineBatch,
    change: SegmentChangeMessage & { receivedAt: string },
    stored: RecordedEvent,
  ): void {
    const cause = stored.id;
    const now = Date.parse(change.receivedAt);
    const { customerId, segmentId } = change;
    const joined = change.change === 'joined';
    const wasMember = batch.segmentsOf(customerId).has(segmentId);
    const stamp = [Date.parse(change.occurredAt), orderKey(stored.position)] as const;
    if (!batch.setMembership(segmentId, customerId, joined, stamp)) return;
    if (!joined || wasMember) return;
    const catalog = this.catalog();
    const exiting = new Set(catalog.exitedBySegment(segmentId).map((v) => versionKey(v.journeyId, v.version)));
    for (const instance of exitedBySegment(batch.instancesOf(customerId), exiting)) {
      this.decideFor(batch, instance, { type: 'Exit', reason: 'exitSegment' }, now, cause);
    }
    for (const info of catalog.dynamicFor(segmentId)) {
      const audience = info.definition.audience;
      if (audience.type !== 'segment') continue;
      const mine = ofVersion(batch.instancesOf(customerId), info.journeyId, info.version);
      const rejoin = decideRejoin(audience.rejoinReentry, mine);
      if (rejoin === 'blocked') this.block(batch, info, customerId, 'reentryBlocked', now, cause);
      else if (rejoin === 'enter') this.enter(batch, info, customerId, now, cause, { segmentId }, false);
    }
  }

  /**
   * Enters the customer into a version when the entry rules let them (else records why not), and
   * runs the instance's first steps. `reentry`: whether the re-entry rule still applies (a segment
   * enrolment has settled it already). `mode`: how a rate-limited version's entry waits for its slot
   * (entry-limiter.ts); the outcome says what became of the entry.
   */
  enter(
    batch: EngineBatch,
    info: VersionInfo,
    customerId: string,
    now: number,
    cause: string,
    offer: EntryOffer,
    reentry: boolean,
    mode: EntryMode = 'event',
  ): EntryOutcome {
    const { journeyId, version } = info;
    const segments = batch.segmentsOf(customerId);
    const decision = decideEntry(
      info,
      {
        segments,
        profile: batch.profile(customerId),
        entries: () => batch.entries(journeyId, customerId),
      },
      now,
      { triggerAttributes: offer.trigger?.attributes, reentry },
    );
    if (decision.kind === 'blocked') {
      this.block(batch, info, customerId, decision.reason, now, cause, offer.trigger?.id);
      return { kind: 'blocked' };
    }
    const limited = limitEntry(batch, info, this.owner, { customerId, now, cause, offer, mode });
    if (limited !== undefined) {
      if (limited.kind === 'blocked') this.block(batch, info, customerId, 'rateLimited', now, cause, offer.trigger?.id);
      return limited;
    }
    const entry = batch.recordEntry(journeyId, customerId, now);
    const ref = {
      instanceId: instanceId(journeyId, version, customerId, entry),
      journeyId,
      version,
      customerId,
      entry,
    };
    this.decideFor(batch, initialState(), { type: 'Enter', ref, ...offer }, now, cause, info);
    return { kind: 'entered' };
  }

  /** Records that the customer did not enter, and why, in the customer's stream. */
  block(
    batch: EngineBatch,
    info: VersionInfo,
    customerId: string,
    reason: EntryBlockedReason,
    now: number,
    cause: string,
    triggerId?: string,
  ): void {
    const at = new Date(now).toISOString();
    const data = { journeyId: info.journeyId, version: info.version, customerId, reason, triggerId, at };
    batch.emit(customerStream(customerId), { type: 'CustomerEntryBlocked', data }, cause, at);
  }

  /** Decides one command for one instance at `now` (ms) and records the events. */
  decideFor(
    batch: EngineBatch,
    state: InstanceState,
    command: InstanceCommand,
    now: number,
    cause: string,
    known?: VersionInfo,
  ): void {
    const ref = state.status === 'new' ? (command as Extract<InstanceCommand, { type: 'Enter' }>).ref : state.ref;
    const info = known ?? this.catalog().version(ref.journeyId, ref.version);
    if (!info) return;
    const segments = batch.segmentsOf(ref.customerId);
    const settings = this.settings.current;
    const { customerId } = ref;
    const events = decide(command, state, {
      definition: info.definition,
      now: new Date(now),
      profile: batch.profile(customerId),
      inSegment: (s) => segments.has(s),
      // Read only by decisions that run steps: a stop's removals and cancellations cost no read.
      delivery: {
        settings,
        get customer() {
          return batch.delivery.of(customerId);
        },
      },
      paused: info.state === 'Paused',
      experiments: info.conclusions,
      assignedBefore: (stepId) =>
        batch
          .instancesOf(ref.customerId)
          .some(
            (i) =>
              i.ref.journeyId === ref.journeyId &&
              i.ref.version === ref.version &&
              i.ref.instanceId !== ref.instanceId &&
              i.experiments?.[stepId] !== undefined,
          ),
    });
    if (!events.length) return;
    batch.record(state, events, cause);
    countSends(batch, events, settings);
  }
}

/** Sends handed to the output count against the frequency caps of every later decision (rules/frequency-cap.ts). */
function countSends(batch: EngineBatch, events: readonly InstanceEvent[], settings: DeliverySettings): void {
  if (!settings.frequencyCaps.length) return;
  for (const event of events) {
    if (event.type !== 'ActionRequested' || event.data.transactional) continue;
    batch.delivery.countSend(event.data.customerId, event.data.channel, Date.parse(event.data.at), settings);
  }
}

/**
 * A pause ended at `at` (ms): the customers it held go on (a release job, decided at `at`), and a
 * segment enrolment that waited for the pause goes on now.
 */
function endPause(batch: EngineBatch, journeyId: string, version: number, at: number): void {
  batch.saveJob({ kind: 'release', jobId: `release:${journeyId}:${version}`, journeyId, version, startAt: at });
  const enrolment = batch.job(`enrol:${journeyId}:${version}`);
  if (enrolment?.kind === 'enrol' && enrolment.asleep !== undefined) {
    const { asleep, ...awake } = enrolment;
    batch.saveJob({ ...awake, startAt: Math.max(asleep, at) });
  }
}
