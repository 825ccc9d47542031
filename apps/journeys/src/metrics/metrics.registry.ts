/** Label names and values of one series, e.g. `{ topic: 'journeys.triggers' }`. */
export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels?: Labels;
  value: number;
}

/** Reads a gauge's current samples when `/metrics` is scraped; throwing drops the gauge from that scrape. */
export type GaugeCollector = () => number | readonly Sample[] | Promise<number | readonly Sample[]>;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

interface CounterFamily {
  kind: 'counter';
  help: string;
  series: Map<string, { labels: Labels; value: number }>;
}

interface GaugeFamily {
  kind: 'gauge';
  help: string;
  collect: GaugeCollector;
}

/**
 * A small in-process registry rendered in the Prometheus text format (version 0.0.4): counters
 * that code increments and gauges read at scrape time. Enough for a service with a dozen series;
 * no dependency.
 */
export class MetricsRegistry {
  private readonly families = new Map<string, CounterFamily | GaugeFamily>();

  /** The counter named `name`, created on first use (the same object on every call). */
  counter(name: string, help: string): Counter {
    let family = this.families.get(name);
    if (!family) {
      assertName(name);
      family = { kind: 'counter', help, series: new Map() };
      this.families.set(name, family);
    }
    if (family.kind !== 'counter') throw new Error(`Metric ${name} is a ${family.kind}, not a counter`);
    const series = family.series;
    return {
      inc(labels: Labels = {}, by = 1) {
        const key = seriesKey(labels);
        const current = series.get(key);
        if (current) current.value += by;
        else series.set(key, { labels: { ...labels }, value: by });
      },
    };
  }

  /** Registers (or replaces) a gauge read at scrape time. */
  gauge(name: string, help: string, collect: GaugeCollector): void {
    assertName(name);
    const existing = this.families.get(name);
    if (existing && existing.kind !== 'gauge') throw new Error(`Metric ${name} is a ${existing.kind}, not a gauge`);
    this.families.set(name, { kind: 'gauge', help, collect });
  }

  async render(): Promise<string> {
    const lines: string[] = [];
    for (const [name, family] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      let samples: readonly Sample[];
      if (family.kind === 'counter') {
        samples = [...family.series.values()];
      } else {
        try {
          const collected = await family.collect();
          samples = typeof collected === 'number' ? [{ value: collected }] : collected;
        } catch {
          continue;
        }
      }
      lines.push(`# HELP ${name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
      lines.push(`# TYPE ${name} ${family.kind}`);
      for (const sample of samples)
        lines.push(`${name}${renderLabels(sample.labels ?? {})} ${renderValue(sample.value)}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function assertName(name: string): void {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`Bad metric name: ${name}`);
}

function seriesKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function renderLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (!entries.length) return '';
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `{${entries.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
}

function renderValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
