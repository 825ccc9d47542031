import { resolve } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The repository's TypeScript loader, the one jest, the benches and forked test children use. */
const TS_REGISTER = resolve(__dirname, '../../testing/src/ts-register.js');

/**
 * Starts a worker thread running the module `<dir>/<name>` (and then its exported `entry`
 * function, when given). Under jest and `node -r ts-register.js` the sources are TypeScript, which a
 * worker thread cannot load by itself, so the thread registers the same loader first; the compiled
 * build (dist) loads the sibling .js. This file's own extension tells which of the two is running.
 */
export function startModuleWorker(dir: string, name: string, options: WorkerOptions, entry?: string): Worker {
  const typescript = __filename.endsWith('.ts');
  const script = resolve(dir, `${name}${typescript ? '.ts' : '.js'}`);
  const loader = typescript ? `require(${JSON.stringify(TS_REGISTER)});` : '';
  const call = entry ? `.${entry}()` : '';
  return new Worker(`${loader} require(${JSON.stringify(script)})${call};`, { ...options, eval: true });
}
