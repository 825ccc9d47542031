import type { OutboundMessage } from '../outbound-message';
import { fromColumns, toColumns } from './producer-protocol';

describe('message columns (what the producer thread is posted)', () => {
  it('round-trips messages, listing each topic and shared header set once', () => {
    const cloudEvents = { 'content-type': 'application/cloudevents+json; charset=UTF-8' };
    const messages: OutboundMessage[] = [
      { topic: 'events', key: 'c1', value: '{"a":1}', headers: cloudEvents },
      { topic: 'actions', key: 'c1', value: '{"b":2}' },
      { topic: 'events', key: null, value: '"ünïcode ✓"', headers: cloudEvents },
      { topic: 'dead-letter', key: 'k', value: '{}', headers: { 'content-type': 'application/json' } },
    ];
    const columns = toColumns(messages);
    expect(columns.topics).toEqual(['events', 'actions', 'dead-letter']);
    expect(columns.headerSets).toHaveLength(3);
    expect(fromColumns(structuredClone(columns))).toEqual(messages);
  });

  it('posts nothing for no messages', () => {
    expect(fromColumns(toColumns([]))).toEqual([]);
  });
});
