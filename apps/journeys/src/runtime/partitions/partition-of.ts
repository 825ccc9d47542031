/**
 * The engine partition of a customer: the partition Kafka's default partitioner picks for the key
 * `customerId` among `count` partitions (murmur2 of the key's UTF-8 bytes, made positive, modulo the
 * count), so the partition of `journeys.triggers` a customer's messages land in is the engine
 * partition that decides for them.
 */
export function partitionOf(customerId: string, count: number): number {
  if (count === 1) return 0;
  return (murmur2(Buffer.from(customerId, 'utf8')) & 0x7fffffff) % count;
}

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's 32-bit murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`), with 32-bit integer arithmetic. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2] << 16;
  if (rest >= 2) h ^= data[whole + 1] << 8;
  if (rest >= 1) h = Math.imul(h ^ data[whole], M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
