import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface ParsedFamily {
  /** Without the `_total` suffix for counters, as the parser names them. */
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';
  samples: { name: string; labels: Record<string, string>; value: number | string }[];
}

/** The Python with prometheus_client: `PROMETHEUS_CLIENT_PYTHON` (CI sets it up) or `python3`. */
const python = () => process.env.PROMETHEUS_CLIENT_PYTHON ?? 'python3';

/** Why the official parser cannot run here, or undefined when it can. */
export function prometheusParserMissing(): string | undefined {
  const probe = spawnSync(python(), ['-c', 'import prometheus_client.parser'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  return `no ${python()} with prometheus_client (pip install prometheus-client, or set PROMETHEUS_CLIENT_PYTHON)`;
}

/**
 * Parses Prometheus text exposition with the official Python client's parser
 * (prometheus_client.parser), independent of prom-client; throws with its message on a bad line.
 */
export function parsePrometheusText(text: string): ParsedFamily[] {
  const run = spawnSync(python(), [join(__dirname, 'prometheus_parse.py')], { input: text, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`prometheus_client refused the text: ${run.stderr}`);
  return JSON.parse(run.stdout) as ParsedFamily[];
}
