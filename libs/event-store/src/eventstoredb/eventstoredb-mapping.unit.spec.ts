import fc from 'fast-check';
import type { JSONEventData } from '@eventstore/db-client';
import type { EventMetadata, NewEvent } from '../event-store.port';
import {
  comparePositions,
  decodePosition,
  encodePosition,
  EsdbRecordedEvent,
  fromEsdbRevision,
  isSystemEvent,
  toEsdbExpectedRevision,
  toEventData,
  toRecordedEvent,
} from './eventstoredb-mapping';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const logPosition = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });

describe('EventStoreDB mapping', () => {
  describe('positions', () => {
    it('round-trips the position of any event written through gRPC (commit = prepare)', () => {
      fc.assert(
        fc.property(logPosition, (at) => {
          const position = { commit: at, prepare: at };
          expect(decodePosition(encodePosition(position))).toEqual(position);
        }),
      );
    });

    it('keeps the order of $all', () => {
      fc.assert(
        fc.property(logPosition, logPosition, (a, b) => {
          const [pa, pb] = [
            { commit: a, prepare: a },
            { commit: b, prepare: b },
          ];
          expect(Math.sign(comparePositions(pa, pb))).toBe(a === b ? 0 : a < b ? -1 : 1);
          expect(encodePosition(pa) < encodePosition(pb)).toBe(comparePositions(pa, pb) < 0);
        }),
      );
    });

    it('reads from the start when there is no position or the empty-store head', () => {
      expect(decodePosition(undefined)).toBe('start');
      expect(decodePosition(-1n)).toBe('start');
      expect(decodePosition(0n)).toEqual({ commit: 0n, prepare: 0n });
    });

    it('orders by prepare position when commit positions are equal', () => {
      expect(comparePositions({ commit: 10n, prepare: 4n }, { commit: 10n, prepare: 7n })).toBe(-1);
      expect(comparePositions({ commit: 11n, prepare: 0n }, { commit: 10n, prepare: 10n })).toBe(1);
    });
  });

  describe('revisions', () => {
    it('maps expected revisions to the client constants and bigints', () => {
      expect(toEsdbExpectedRevision('any')).toBe('any');
      expect(toEsdbExpectedRevision('no_stream')).toBe('no_stream');
      expect(toEsdbExpectedRevision(0)).toBe(0n);
      expect(toEsdbExpectedRevision(41)).toBe(41n);
    });

    it('rejects revisions that are not non-negative integers', () => {
      for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
        expect(() => toEsdbExpectedRevision(bad)).toThrow(RangeError);
      }
    });

    it('maps the current revision a conflict reports', () => {
      expect(fromEsdbRevision('no_stream')).toBe('no_stream');
      expect(fromEsdbRevision(7n)).toBe(7);
    });
  });

  describe('events', () => {
    it('gives every write a fresh UUID and keeps the port id in the metadata', () => {
      const event = newEvent('order-1:created');
      const [first, second] = [toEventData(event), toEventData(event)];

      expect(first.id).toMatch(UUID);
      expect(second.id).toMatch(UUID);
      expect(first.id).not.toBe(second.id);
      expect(first.contentType).toBe('application/json');
      expect(first.metadata).toEqual({
        eventId: 'order-1:created',
        occurredAt: event.metadata.occurredAt,
        correlationId: 'corr-1',
        causationId: 'cause-1',
        schemaVersion: 2,
        $correlationId: 'corr-1',
        $causationId: 'cause-1',
      });
    });

    it('stores undefined data as null, which JSON can carry', () => {
      expect(toEventData({ ...newEvent('a'), data: undefined }).data).toBeNull();
    });

    it('reads back exactly what was appended, with and without an actor', () => {
      const metadata = fc.record(
        {
          occurredAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          correlationId: fc.string(),
          causationId: fc.string(),
          actor: fc.string(),
          schemaVersion: fc.integer({ min: 1, max: 20 }),
        },
        { requiredKeys: ['occurredAt', 'correlationId', 'causationId', 'schemaVersion'] },
      );
      const data = fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value ?? null)) as unknown);
      fc.assert(
        fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), data, metadata, (id, type, d, m) => {
          const event: NewEvent = { id, type, data: d, metadata: m as EventMetadata };
          const stored = storedAs(toEventData(event), { streamId: 'journey-1', revision: 3n, at: 99n });

          expect(toRecordedEvent(stored)).toEqual({ ...event, streamName: 'journey-1', revision: 3, position: 99n });
        }),
      );
    });

    it('fills the metadata of events written by other tools from their own fields', () => {
      const created = new Date('2026-01-02T03:04:05.000Z');
      const stored: EsdbRecordedEvent = {
        streamId: 'legacy-1',
        id: '5b0f1f9e-9b8e-4c1e-9d51-1c2b3a4d5e6f',
        revision: 0n,
        type: 'Imported',
        data: { a: 1 },
        metadata: { $correlationId: 'c', $causationId: 'k' },
        created,
        position: { commit: 5n, prepare: 5n },
      };

      expect(toRecordedEvent(stored)).toEqual({
        id: stored.id,
        type: 'Imported',
        data: { a: 1 },
        metadata: { occurredAt: created.toISOString(), correlationId: 'c', causationId: 'k', schemaVersion: 1 },
        streamName: 'legacy-1',
        revision: 0,
        position: 5n,
      });
    });

    it('refuses events without a position (servers before 22.6)', () => {
      const stored = storedAs(toEventData(newEvent('a')), { streamId: 's-1', revision: 0n, at: 1n });
      expect(() => toRecordedEvent({ ...stored, position: undefined })).toThrow(/22\.6/);
      expect(() =>
        toRecordedEvent({ ...stored, position: { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n } }),
      ).toThrow(/22\.6/);
    });

    it('tells system events from ours by stream or type', () => {
      expect(isSystemEvent({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(true);
      expect(isSystemEvent({ streamId: '$$journey-1', type: '$metadata' })).toBe(true);
      expect(isSystemEvent({ streamId: '$ce-journey', type: 'JourneyCreated' })).toBe(true);
      expect(isSystemEvent({ streamId: 'journey-1', type: '$>' })).toBe(true);
      expect(isSystemEvent({ streamId: 'journey-1', type: 'JourneyCreated' })).toBe(false);
    });
  });
});

function newEvent(id: string): NewEvent {
  return {
    id,
    type: 'OrderCreated',
    data: { total: 12.5, lines: ['a', 'ü€'] },
    metadata: {
      occurredAt: '2026-03-01T10:00:00.000Z',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      schemaVersion: 2,
    },
  };
}

/** What reading it back from EventStoreDB yields: JSON data and metadata parsed, a position assigned. */
function storedAs(
  written: ReturnType<typeof toEventData>,
  at: { streamId: string; revision: bigint; at: bigint },
): EsdbRecordedEvent {
  const json = written as JSONEventData;
  return {
    streamId: at.streamId,
    id: json.id,
    revision: at.revision,
    type: json.type,
    data: JSON.parse(JSON.stringify(json.data)),
    metadata: JSON.parse(JSON.stringify(json.metadata)),
    created: new Date(),
    position: { commit: at.at, prepare: at.at },
  };
}
