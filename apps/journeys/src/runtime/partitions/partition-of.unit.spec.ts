import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { partitionOf } from './partition-of';

/** kafkajs' default partitioner for `count` partitions, as a producer would pick for the key. */
function kafkaPartition(key: string, count: number): number {
  const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return Partitioners.DefaultPartitioner()({ topic: 't', partitionMetadata, message: { key, value: null } });
}

describe('partitionOf: the engine partition of a customer', () => {
  it('is the partition Kafka’s default partitioner picks for the customer id, for any id and count', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 1, max: 64 }), (key, count) => {
        expect(partitionOf(key, count)).toBe(kafkaPartition(key, count));
      }),
      { numRuns: 2_000 },
    );
  });

  it('spreads customers evenly', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[partitionOf(`customer-${i}`, 16)]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1_200);
  });
});
