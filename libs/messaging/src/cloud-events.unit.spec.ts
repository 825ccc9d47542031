import type { RecordedEvent } from '@journeys/event-store';
import { CloudEvent, Kafka } from 'cloudevents';
import { eventKey, toCloudEvent, toCloudEventMessage } from './cloud-events';

const recorded = (streamName: string, data: unknown, actor?: string): RecordedEvent => ({
  id: 'e-1',
  type: 'StepEntered',
  data,
  streamName,
  revision: 3,
  position: 9_007_199_254_740_993n,
  metadata: { occurredAt: '2026-11-28T10:00:00.000Z', actor, correlationId: 'c', causationId: 'k', schemaVersion: 1 },
});

describe('toCloudEvent', () => {
  it('maps a stored event to a CloudEvents 1.0 envelope without losing the position', () => {
    expect(toCloudEvent(recorded('instance-j1_c1', { customerId: 'c1' }), '/journeys')).toEqual({
      specversion: '1.0',
      id: 'e-1',
      source: '/journeys',
      type: 'journeys.StepEntered',
      subject: 'instance-j1_c1',
      time: '2026-11-28T10:00:00.000Z',
      datacontenttype: 'application/json',
      data: { customerId: 'c1' },
      correlationid: 'c',
      causationid: 'k',
      position: '9007199254740993',
      schemaversion: 1,
      partitionkey: 'c1',
    });
    expect(toCloudEvent(recorded('journey-j1', {}, 'ed'), '/journeys').actor).toBe('ed');
  });
});

describe('toCloudEventMessage', () => {
  it('is a structured-mode Kafka message the SDK reads back as the same, valid event', () => {
    const event = recorded('instance-j1_c1', { customerId: 'c1', journeyId: 'j1' }, 'ed');
    const message = toCloudEventMessage(event, '/journeys', 'journeys.events');
    expect(message).toMatchObject({
      topic: 'journeys.events',
      key: 'c1',
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
    });
    const read = Kafka.toEvent({
      key: message.key,
      value: message.value,
      headers: message.headers ?? {},
      body: message.value,
    } as Parameters<typeof Kafka.toEvent>[0]);
    const received = (Array.isArray(read) ? read[0] : read) as CloudEvent<unknown>;
    // Strict validation against the CloudEvents 1.0 schema (the forwarder skips it for speed).
    expect(received.validate()).toBe(true);
    expect({ ...received }).toEqual(toCloudEvent(event, '/journeys'));
    expect(JSON.parse(message.value)).toEqual(toCloudEvent(event, '/journeys'));
  });

  it('shares one headers object between messages', () => {
    const a = toCloudEventMessage(recorded('journey-j1', { journeyId: 'j1' }), '/journeys', 't');
    const b = toCloudEventMessage(recorded('journey-j2', { journeyId: 'j2' }), '/journeys', 't');
    expect(a.headers).toBe(b.headers);
  });
});

describe('eventKey', () => {
  it('keys progress by customer, life cycle by journey, anything else by stream', () => {
    expect(eventKey(recorded('instance-x', { journeyId: 'j1', customerId: 'c1' }))).toBe('c1');
    expect(eventKey(recorded('journey-j1', { journeyId: 'j1', version: 2 }))).toBe('j1');
    expect(eventKey(recorded('triggerDefinition-signed-up', { name: 'signed-up' }))).toBe(
      'triggerDefinition-signed-up',
    );
    expect(eventKey(recorded('template-t1', null))).toBe('template-t1');
    expect(eventKey(recorded('journey-j1', { journeyId: '' }))).toBe('journey-j1');
  });
});
