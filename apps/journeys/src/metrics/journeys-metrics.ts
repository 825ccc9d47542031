import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { NewEvent } from '@journeys/event-store';
import type { EngineObserver } from '../runtime/engine-observer';

/** What `/metrics` reads at scrape time from the parts that own the figures. */
export interface MetricsSources {
  /** The last stored event's position; throws while the store is unreachable. */
  headPosition(): Promise<bigint>;
  projectionPosition(): bigint;
  enginePosition(): bigint;
}

/** What the Kafka side reads at scrape time (set once it runs). */
export interface KafkaMetricsSources {
  partitions(): { topic: string; group: string; partition: number; lag: number }[];
  forwarderPosition(): bigint;
}

/** Upper bounds (seconds) of HTTP and engine-batch durations: from 1 ms to 10 s. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every metric family of `/metrics` (README "Metrics"), in one prom-client registry per service
 * instance (tests run several in one process). Counters are incremented by their owners; gauges
 * are read at scrape time from {@link MetricsSources}.
 */
export class JourneysMetrics {
  readonly registry = new Registry();
  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code, by duration in seconds.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly triggers = new Counter({
    name: 'journeys_triggers_total',
    help: 'Trigger messages taken in (HTTP and Kafka), by outcome: accepted, duplicate (an id seen before) or refused.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly segmentChanges = new Counter({
    name: 'journeys_segment_changes_total',
    help: 'Segment membership changes taken in (HTTP and Kafka), by outcome: accepted, duplicate or refused.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly consent = new Counter({
    name: 'journeys_consent_records_total',
    help: 'Consent records taken in (HTTP and Kafka), by outcome: accepted, duplicate or refused.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly engineBatchDuration = new Histogram({
    name: 'journeys_engine_batch_duration_seconds',
    help: 'Engine input batches, from decision to commit (events stored, state and checkpoint written), in seconds.',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly instancesEntered = new Counter({
    name: 'journeys_instances_entered_total',
    help: 'Customers who entered a journey version (CustomerEntered events stored by the engine).',
    registers: [this.registry],
  });
  readonly instancesCompleted = new Counter({
    name: 'journeys_instances_completed_total',
    help: 'Journey instances that reached a last step (CustomerCompleted).',
    registers: [this.registry],
  });
  readonly instancesExited = new Counter({
    name: 'journeys_instances_exited_total',
    help: 'Journey instances that ended early, by reason (CustomerExited reasons; versionStopped for CustomerRemoved).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly entriesBlocked = new Counter({
    name: 'journeys_entries_blocked_total',
    help: 'Entries refused by the entry rules, by reason (CustomerEntryBlocked).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly actionsRequested = new Counter({
    name: 'journeys_actions_requested_total',
    help: 'Action requests made by send steps, by channel (ActionRequested).',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly actionsCancelled = new Counter({
    name: 'journeys_actions_cancelled_total',
    help: 'Action requests withdrawn before any reader had them, by reason (ActionCancelled).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly sendsSkipped = new Counter({
    name: 'journeys_sends_skipped_total',
    help: 'Sends a delivery control stopped, by reason (SendSkipped: NoConsent, FrequencyCapped, QuietHours).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly sendsHeld = new Counter({
    name: 'journeys_sends_held_total',
    help: 'Sends held by quiet hours (SendHeld).',
    registers: [this.registry],
  });
  readonly kafkaMessagesIn = new Counter({
    name: 'journeys_kafka_messages_in_total',
    help: 'Kafka messages consumed and committed, by topic.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });
  readonly kafkaMessagesOut = new Counter({
    name: 'journeys_kafka_messages_out_total',
    help: 'Kafka messages acknowledged by the broker, by topic.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });
  readonly kafkaDeadLetters = new Counter({
    name: 'journeys_kafka_dead_letters_total',
    help: 'Consumed Kafka messages sent to the dead-letter topic, by source topic and reason.',
    labelNames: ['topic', 'reason'] as const,
    registers: [this.registry],
  });
  constructor(sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry });
    this.positionGauges(sources);
  }

  /** Registers the Kafka gauges (only when Kafka is configured), read from `sources` at scrape time. */
  observeKafka(sources: KafkaMetricsSources): void {
    new Gauge({
      name: 'journeys_kafka_consumer_lag',
      help: 'Messages not yet consumed on each partition this replica holds, as of its last fetch.',
      labelNames: ['topic', 'group', 'partition'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const p of sources.partitions())
          this.set({ topic: p.topic, group: p.group, partition: String(p.partition) }, p.lag);
      },
    });
    new Gauge({
      name: 'journeys_kafka_forwarder_position',
      help: 'Event store position up to which the broker acknowledged every forwarded event (-1: none yet).',
      registers: [this.registry],
      collect() {
        this.set(Number(sources.forwarderPosition()));
      },
    });
  }

  /** The engine's {@link EngineObserver}: counts the events each unit of its work stored. */
  engineObserver(): EngineObserver {
    return {
      committed: (outputs) => this.countEngineEvents(outputs),
      inputBatchDone: (seconds) => this.engineBatchDuration.observe(seconds),
    };
  }

  /** Prometheus text exposition format (version 0.0.4). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Tallies a batch first: a labelled `inc` costs a label lookup, which the hot path should pay once per label. */
  private countEngineEvents(outputs: ReadonlyMap<string, readonly NewEvent[]>): void {
    const tally = new Map<string, number>();
    const add = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
    for (const events of outputs.values()) {
      for (const event of events) {
        const data = event.data as { reason?: string; channel?: string };
        switch (event.type) {
          case 'CustomerEntered':
          case 'CustomerCompleted':
            add(event.type);
            break;
          case 'CustomerExited':
          case 'CustomerRemoved':
            add(`exited:${data.reason ?? 'unknown'}`);
            break;
          case 'CustomerEntryBlocked':
            add(`blocked:${data.reason ?? 'unknown'}`);
            break;
          case 'ActionRequested':
            add(`requested:${data.channel ?? 'unknown'}`);
            break;
          case 'ActionCancelled':
            add(`cancelled:${data.reason ?? 'unknown'}`);
            break;
          case 'SendSkipped':
            add(`skipped:${data.reason ?? 'unknown'}`);
            break;
          case 'SendHeld':
            add('held');
            break;
          default:
            break;
        }
      }
    }
    for (const [key, count] of tally) {
      const [kind, label] = key.split(':');
      if (kind === 'CustomerEntered') this.instancesEntered.inc(count);
      else if (kind === 'CustomerCompleted') this.instancesCompleted.inc(count);
      else if (kind === 'exited') this.instancesExited.inc({ reason: label }, count);
      else if (kind === 'blocked') this.entriesBlocked.inc({ reason: label }, count);
      else if (kind === 'requested') this.actionsRequested.inc({ channel: label }, count);
      else if (kind === 'skipped') this.sendsSkipped.inc({ reason: label }, count);
      else if (kind === 'held') this.sendsHeld.inc(count);
      else this.actionsCancelled.inc({ reason: label }, count);
    }
  }

  private positionGauges(sources: MetricsSources): void {
    const registers = [this.registry];
    /** The head, or undefined while the store does not answer (the gauges then keep their last value). */
    const head = () => sources.headPosition().catch(() => undefined);
    const lag = (of: bigint, at: bigint) => Number(at > of ? at - of : 0n);
    new Gauge({
      name: 'journeys_event_store_up',
      help: '1 when the event store answered this scrape, else 0.',
      registers,
      async collect() {
        this.set((await head()) === undefined ? 0 : 1);
      },
    });
    new Gauge({
      name: 'journeys_event_store_head_position',
      help: 'Position of the last stored event.',
      registers,
      async collect() {
        const at = await head();
        if (at !== undefined) this.set(Number(at));
      },
    });
    new Gauge({
      name: 'journeys_projection_position',
      help: 'Event store position every read model has applied.',
      registers,
      collect() {
        this.set(Number(sources.projectionPosition()));
      },
    });
    new Gauge({
      name: 'journeys_projection_lag_events',
      help: 'Stored events the read models have not applied yet.',
      registers,
      async collect() {
        const at = await head();
        if (at !== undefined) this.set(lag(sources.projectionPosition(), at));
      },
    });
    new Gauge({
      name: 'journeys_engine_position',
      help: 'Event store position the engine has processed.',
      registers,
      collect() {
        this.set(Number(sources.enginePosition()));
      },
    });
    new Gauge({
      name: 'journeys_engine_lag_events',
      help: 'Stored events the engine has not looked at yet (its own progress events included).',
      registers,
      async collect() {
        const at = await head();
        if (at !== undefined) this.set(lag(sources.enginePosition(), at));
      },
    });
  }
}
