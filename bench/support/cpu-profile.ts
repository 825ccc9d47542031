import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

/** Where one measured phase spent its time, summarised from a V8 CPU profile. */
export interface HotSpots {
  phase: string;
  /** The .cpuprofile written (open it in Chrome DevTools or speedscope). */
  file?: string;
  /** Share of samples the thread was idle (waiting on timers or I/O). */
  idlePercent: number;
  /** Functions by time spent in them alone, highest first: `name (file:line) n%`. */
  self: string[];
  /** The service's own functions (apps/, libs/) by time spent in them and what they call. */
  inclusive: string[];
  /** Self time by part of the system, native calls counted with the code that made them. */
  areas: string[];
  /** Short text for reports. */
  summary: string[];
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
}

const TOP = 8;
const REPO = process.cwd();

/**
 * Starts the V8 sampling profiler in this process (what `node --cpu-prof` does, but only around the
 * measured phase). `stop` writes `<file>.cpuprofile` when a file is given and returns the hot spots.
 */
export async function startCpuProfile(phase: string, file?: string): Promise<{ stop(): Promise<HotSpots> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
      session.disconnect();
      const written = file ? `${file}.cpuprofile` : undefined;
      if (written) writeFileSync(written, JSON.stringify(profile));
      return { ...hotSpots(phase, profile), file: written ? relative(REPO, written) : undefined };
    },
  };
}

/** Runs `work` under the profiler when `file` is set (undefined skips profiling). */
export async function profiled<T>(
  phase: string,
  file: string | undefined,
  work: () => Promise<T>,
): Promise<{ value: T; hotSpots?: HotSpots }> {
  if (file === undefined) return { value: await work() };
  const profile = await startCpuProfile(phase, file);
  try {
    const value = await work();
    return { value, hotSpots: await profile.stop() };
  } catch (error) {
    await profile.stop();
    throw error;
  }
}

function frameName(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name.startsWith('(') ? name : `${name} (native)`;
  if (frame.url.startsWith('node:')) return `${name} (${frame.url})`;
  const { file, line } = originalPosition(frame);
  return `${name} (${relative(REPO, file).replace(/^node_modules\//, '')}:${line})`;
}

/** The TypeScript file and line of a compiled frame, when its source map is loaded (1-based line). */
function originalPosition(frame: CallFrame): { file: string; line: number } {
  const file = frame.url.replace(/^file:\/\//, '');
  try {
    const entry = findSourceMap(file)?.findEntry(frame.lineNumber, frame.columnNumber) as
      { originalSource?: string; originalLine?: number } | undefined;
    if (entry?.originalSource && entry.originalLine !== undefined) {
      return {
        file: resolve(dirname(file), entry.originalSource.replace(/^file:\/\//, '')),
        line: entry.originalLine + 1,
      };
    }
  } catch {
    // No source map for this file: the compiled position is still a position.
  }
  return { file, line: frame.lineNumber + 1 };
}

/** Parts of the system, by the path of the code (first match wins). */
const AREAS: [string, RegExp][] = [
  ['event store', /\/libs\/event-store\//],
  ['engine', /\/apps\/journeys\/src\/runtime\/(engine|steps)\/|\/runtime\/instance\.decider/],
  ['read models', /\/libs\/read-models\/|\/projections\//],
  ['ingestion', /\/apps\/journeys\/src\/ingestion\//],
  [
    'HTTP and Nest',
    /\/node_modules\/(fastify|@fastify|@nestjs|light-my-request|find-my-way|avvio|secure-json-parse|class-validator|class-transformer|rxjs)\//,
  ],
  ['other service code', /\/(apps|libs)\//],
  ['bench driver', /\/bench\//],
  ['Node internals', /^node:/],
];

function areaOf(url: string): string | undefined {
  return AREAS.find(([, pattern]) => pattern.test(url))?.[0];
}

function isOwnCode(frame: CallFrame): boolean {
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url.startsWith(REPO)) return false;
  const path = relative(REPO, url);
  return /^(dist\/)?(apps|libs)\//.test(path);
}

/** Self and inclusive sample counts per function (a function counts once per stack, recursion or not). */
export function hotSpots(phase: string, profile: CpuProfile): Omit<HotSpots, 'file'> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const childIds = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  const roots = profile.nodes.filter((n) => !childIds.has(n.id));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  const onPath = new Map<string, number>();
  let total = 0;
  let idle = 0;

  /**
   * `caller`: the nearest JavaScript frame above, better-sqlite3's wrappers skipped, so a native
   * function (a SQLite step, JSON.parse) is named with the code that asked for it; `inTransaction`:
   * the parent is better-sqlite3's transaction wrapper, whose own native calls are BEGIN and COMMIT.
   */
  const visit = (node: ProfileNode, caller?: string, inTransaction = false, callerArea = 'other'): void => {
    const name = frameName(node.callFrame);
    const { url } = node.callFrame;
    const special = !url && name.startsWith('(');
    const area = special ? name : url && !url.includes('/better-sqlite3/') ? (areaOf(url) ?? 'other') : callerArea;
    const native = !url && !special;
    const selfName = native && caller ? `${inTransaction ? 'BEGIN/COMMIT (native)' : name} <- ${caller}` : name;
    const wrapper = url.includes('/node_modules/better-sqlite3/');
    const childCaller = url && !wrapper ? name : caller;
    const childInTransaction = wrapper && url.endsWith('/transaction.js');
    const own = isOwnCode(node.callFrame) && !name.startsWith('(anonymous)');
    if (own) onPath.set(name, (onPath.get(name) ?? 0) + 1);
    const hits = node.hitCount ?? 0;
    total += hits;
    if (name === '(idle)') idle += hits;
    else if (hits) {
      self.set(selfName, (self.get(selfName) ?? 0) + hits);
      areas.set(area, (areas.get(area) ?? 0) + hits);
      for (const key of onPath.keys()) inclusive.set(key, (inclusive.get(key) ?? 0) + hits);
    }
    for (const id of node.children ?? []) {
      const child = byId.get(id);
      if (child) visit(child, childCaller, childInTransaction, special ? callerArea : area);
    }
    if (own) {
      const left = onPath.get(name)! - 1;
      if (left) onPath.set(name, left);
      else onPath.delete(name);
    }
  };
  for (const root of roots) visit(root);

  const percent = (n: number) => (total ? (100 * n) / total : 0);
  const top = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([name, n]) => `${name} ${percent(n).toFixed(1)}%`);
  const selfTop = top(self);
  const inclusiveTop = top(inclusive);
  const idlePercent = Number(percent(idle).toFixed(1));
  const areaTop = top(areas).filter((line) => !/ 0\.[0-4]%$/.test(line));
  return {
    phase,
    idlePercent,
    self: selfTop,
    inclusive: inclusiveTop,
    areas: areaTop,
    summary: [
      `Profile of ${phase} (${total} samples of 1 ms, ${idlePercent}% idle).`,
      `By area: ${areaTop.join('; ')}.`,
      `Self time: ${selfTop.join('; ')}.`,
      `Service code incl. callees: ${inclusiveTop.join('; ')}.`,
    ],
  };
}
