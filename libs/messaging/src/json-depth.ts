/**
 * Deeper than any message or request body needs (a journey definition nests about 30 levels).
 * Validators and class-transformer walk bodies recursively, so a far deeper one would overflow the
 * stack: it is refused before parsing, over HTTP (400) and Kafka (dead letter) alike.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests deeper than `max`, counted without parsing (brackets inside strings skipped). */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
