import type Database from 'better-sqlite3';
import type { JourneyState } from '../../../journeys/journey.decider';
import type { InstanceState } from '../../instance.decider';
import type { Stamp } from '../../rules/event-time';
import type { EngineChanges, EngineJob } from '../engine-store.port';

/**
 * Everything one partition holds in the read-model file, as the changes that rebuild it from
 * nothing (a snapshot of the partition log, or the first unit of a partition log started from a
 * state file).
 */
export function snapshotOf(db: Database.Database, partition: number): EngineChanges {
  const rows = <T>(sql: string) => db.prepare(sql).all(partition) as T[];
  const actions = rows<{
    action_id: string;
    instance_id: string;
    journey_id: string;
    version: number;
    customer_id: string;
    status: string;
    expires_at: number | null;
    payload: string;
  }>(
    'SELECT action_id, instance_id, journey_id, version, customer_id, status, expires_at, payload FROM rt_actions WHERE partition = ? ORDER BY seq',
  );
  return {
    journeys: rows<{ state: string }>('SELECT state FROM rt_journeys WHERE partition = ?').map(
      (r) => JSON.parse(r.state) as Extract<JourneyState, { status: 'present' }>,
    ),
    instances: rows<{ state: string }>('SELECT state FROM rt_instances WHERE partition = ?').map(
      (r) => JSON.parse(r.state) as InstanceState,
    ),
    entries: rows<{ journey_id: string; customer_id: string; entries: number; last_entry_at: number }>(
      'SELECT journey_id, customer_id, entries, last_entry_at FROM rt_entries WHERE partition = ?',
    ).map((r) => ({
      journeyId: r.journey_id,
      customerId: r.customer_id,
      count: { entries: r.entries, lastEntryAt: r.last_entry_at },
    })),
    memberships: rows<{
      segment_id: string;
      customer_id: string;
      member: number;
      changed_at: number;
      change_id: string;
    }>('SELECT segment_id, customer_id, member, changed_at, change_id FROM rt_segments WHERE partition = ?').map(
      (r) => ({
        segmentId: r.segment_id,
        customerId: r.customer_id,
        member: r.member === 1,
        stamp: [r.changed_at, r.change_id] as Stamp,
      }),
    ),
    profiles: rows<{ customer_id: string; attributes: string; stamps: string | null }>(
      'SELECT customer_id, attributes, stamps FROM rt_profiles WHERE partition = ?',
    ).map((r) => ({
      customerId: r.customer_id,
      profile: {
        values: JSON.parse(r.attributes) as Record<string, unknown>,
        stamps: r.stamps === null ? {} : (JSON.parse(r.stamps) as Record<string, Stamp>),
      },
    })),
    timersRemoved: [],
    timersAdded: rows<{ timer_id: string; instance_id: string; due_at: number }>(
      'SELECT timer_id, instance_id, due_at FROM rt_timers WHERE partition = ?',
    ).map((r) => ({ timerId: r.timer_id, instanceId: r.instance_id, dueAt: r.due_at })),
    actionsAdded: actions.map((r) => ({
      actionId: r.action_id,
      instanceId: r.instance_id,
      journeyId: r.journey_id,
      version: r.version,
      customerId: r.customer_id,
      payload: r.payload,
      ...(r.expires_at !== null && { expiresAt: r.expires_at }),
    })),
    actionsCancelled: actions
      .filter((r) => r.status === 'cancelled' || r.status === 'cancelling')
      .map((r) => r.action_id),
    actionsHanded: actions.filter((r) => r.status === 'handed').map((r) => r.action_id),
    jobsSaved: rows<{ job: string }>('SELECT job FROM rt_jobs WHERE partition = ?').map(
      (r) => JSON.parse(r.job) as EngineJob,
    ),
    jobsRemoved: [],
    // The delivery and control state are SqliteDelivery's and SqliteControls' (their snapshot()).
    deliveries: [],
    settings: [],
    pauseHolds: [],
    pauseHoldsRemoved: [],
    entrySlots: [],
    experimentCounts: [],
  };
}
