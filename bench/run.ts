/**
 * `npm run bench [-- --quick] [-- --kafka]`: runs the benchmark scenarios, prints their figures with
 * the machine they ran on, and writes `bench/results/<timestamp>.json` and `.md` plus `latest.*`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchAppends, type BenchResult } from './event-store-append.bench';
import { benchKafkaRaw } from './kafka-raw.bench';

function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function markdown(results: BenchResult[], meta: ReturnType<typeof machine> & { quick: boolean; at: string }): string {
  const lines = [
    `# Benchmark report ${meta.at}${meta.quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${meta.cpu}, ${meta.cores} cores, ${meta.memoryGiB} GiB, Node ${meta.node}, ${meta.platform}`,
    '',
  ];
  for (const r of results) {
    lines.push(`## ${r.name}`, '', '| figure | value |', '|---|---|');
    for (const [k, v] of Object.entries(r.figures)) lines.push(`| ${k} | ${Number.isInteger(v) ? v : v.toFixed(2)} |`);
    lines.push('', r.notes, '');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const kafka = process.argv.includes('--kafka');
  const meta = { ...machine(), quick, at: new Date().toISOString() };
  console.log(`Machine: ${meta.cpu}, ${meta.cores} cores, ${meta.memoryGiB} GiB, Node ${meta.node}`);
  const results: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-'));
  try {
    results.push(await benchAppends({ quick, dir }));
    if (kafka) {
      const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
      if (!brokers?.length)
        throw new Error('--kafka needs KAFKA_BROKERS (start one: export "$(bash deploy/local/kafka.sh start)")');
      results.push(await benchKafkaRaw({ quick, brokers }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const r of results) {
    console.log(`\n${r.name}`);
    console.table(r.figures);
  }
  const out = join(process.cwd(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const stamp = meta.at.replace(/[:.]/g, '-');
  const json = JSON.stringify({ machine: meta, results }, null, 2);
  const md = markdown(results, meta);
  for (const name of [stamp, quick ? 'latest-quick' : 'latest']) {
    writeFileSync(join(out, `${name}.json`), json);
    writeFileSync(join(out, `${name}.md`), md);
  }
  console.log(`\nReports: bench/results/${stamp}.{json,md}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
