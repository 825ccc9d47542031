/**
 * A balanced, sticky assignment of `partitions` partitions to group members: every member keeps the
 * partitions it holds as long as it holds no more than its share, and the rest go, lowest first, to
 * the members with the fewest. Shares differ by at most one; members sorted by id take the larger
 * shares, so every member computes the same answer.
 */
export function stickyAssignment(
  members: readonly { id: string; owned: readonly number[] }[],
  partitions: number,
): Map<string, number[]> {
  const sorted = [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const result = new Map<string, number[]>(sorted.map((m) => [m.id, []]));
  if (!sorted.length) return result;
  const base = Math.floor(partitions / sorted.length);
  const extra = partitions % sorted.length;
  const share = new Map(sorted.map((m, i) => [m.id, base + (i < extra ? 1 : 0)]));
  const taken = new Set<number>();
  for (const member of sorted) {
    const mine = result.get(member.id)!;
    for (const p of [...member.owned].sort((a, b) => a - b)) {
      if (p < 0 || p >= partitions || taken.has(p) || mine.length >= share.get(member.id)!) continue;
      mine.push(p);
      taken.add(p);
    }
  }
  for (let p = 0; p < partitions; p++) {
    if (taken.has(p)) continue;
    const member = sorted.find((m) => result.get(m.id)!.length < share.get(m.id)!)!;
    result.get(member.id)!.push(p);
  }
  for (const list of result.values()) list.sort((a, b) => a - b);
  return result;
}
