/**
 * Sticky split assignment: the same key always lands in the same branch, on any machine and in any
 * version of the service. The hash is part of the contract: changing it would move customers
 * between branches of running journeys.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_POW_32 = 0x1_0000_0000;

/**
 * FNV-1a (32 bit) over the UTF-8 bytes of `text`, finished with MurmurHash3's fmix32 so that keys
 * differing only in their last characters still spread over the whole range. Unsigned result.
 */
export function stableHash32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  const mix = (byte: number): void => {
    hash = Math.imul(hash ^ byte, FNV_PRIME);
  };
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const low = text.charCodeAt(index + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        index++;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd; // a lone surrogate encodes as U+FFFD
    if (code < 0x80) {
      mix(code);
    } else if (code < 0x800) {
      mix(0xc0 | (code >> 6));
      mix(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      mix(0xe0 | (code >> 12));
      mix(0x80 | ((code >> 6) & 0x3f));
      mix(0x80 | (code & 0x3f));
    } else {
      mix(0xf0 | (code >> 18));
      mix(0x80 | ((code >> 12) & 0x3f));
      mix(0x80 | ((code >> 6) & 0x3f));
      mix(0x80 | (code & 0x3f));
    }
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** The key a split step hashes: one customer in one step of one journey (across its versions). */
export function splitKey(journeyId: string, stepId: string, customerId: string): string {
  return `${journeyId}|${stepId}|${customerId}`;
}

/**
 * The index of the branch `key` falls in, with chances proportional to `weights`. Branches with a
 * weight that is not a positive number are never picked. Throws a RangeError when no weight is
 * positive (publish refuses such splits).
 */
export function pickSplitBranch(weights: readonly number[], key: string): number {
  const usable = weights.map((weight) => (Number.isFinite(weight) && weight > 0 ? weight : 0));
  const total = usable.reduce((sum, weight) => sum + weight, 0);
  if (!(total > 0) || !Number.isFinite(total)) throw new RangeError('A split needs at least one positive weight');
  const point = (stableHash32(key) / TWO_POW_32) * total;
  let upper = 0;
  let last = -1;
  for (let index = 0; index < usable.length; index++) {
    if (usable[index] === 0) continue;
    upper += usable[index];
    last = index;
    if (point < upper) return index;
  }
  return last; // only reached through floating-point rounding at the very top of the range
}
