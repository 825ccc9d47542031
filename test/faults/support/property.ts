import fc from 'fast-check';

/**
 * `fc.assert` with a readable failure: generated bodies can be megabytes, so the counterexample and
 * its cause are cut short; the seed and path replay the full case (`{ seed, path, endOnFailure: true }`).
 */
export async function assertProperty<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncPropertyWithHooks<Ts>,
  parameters: fc.Parameters<Ts>,
): Promise<void> {
  const details = await fc.check(property, parameters);
  if (!details.failed) return;
  const cut = (text: string, max: number) =>
    text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
  const counterexample = cut(fc.stringify(details.counterexample), 1_500);
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `Property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}")\n` +
      `Counterexample: ${counterexample}\nCause: ${cut(cause, 1_500)}`,
  );
}
