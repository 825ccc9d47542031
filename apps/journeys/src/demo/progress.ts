import { Presets, SingleBar } from 'cli-progress';

/** How far a demo phase is: a bar on a terminal, a few plain lines in a log. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** Plain lines at each quarter when the output is not a terminal (CI logs, files). */
const PLAIN_STEPS = 4;

/**
 * A progress display for `total` items: cli-progress's bar when `out` is a terminal, otherwise a
 * line such as `Sign-ups: 2500/5000` at each quarter and at the end.
 */
export function progress(label: string, total: number, out: NodeJS.WriteStream = process.stdout): Progress {
  if (out.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {value}/{total}`, stream: out, hideCursor: true, clearOnComplete: false },
      Presets.legacy,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let printed = 0;
  return {
    update(done) {
      const step = total === 0 ? PLAIN_STEPS : Math.floor((done / total) * PLAIN_STEPS);
      if (step > printed || (done === total && printed < PLAIN_STEPS)) {
        printed = done === total ? PLAIN_STEPS : step;
        out.write(`${label}: ${done}/${total}\n`);
      }
    },
    stop: () => undefined,
  };
}
