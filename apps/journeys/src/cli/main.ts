/**
 * `journeys`: journeys as code against a running service (validate offline, apply, diff, export,
 * publish, status) and operator commands on the local stores (rebuild-projections). Every command
 * prints for people, or JSON with `--json`; any problem exits 1, bad usage 2, `--help` 0.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { apply } from './apply';
import { diff, exportDefinition, publish, status } from './commands';
import { jsonFiles, readDefinitionFile } from './definition-files';
import { validateFiles } from './offline-validation';
import { Output, applyLines, diffLines, problemLines, validateLines } from './output';
import type { JourneysClient } from '@journeys/client';
import { CliError, reach, remote, type RemoteOptions } from './remote';

interface GlobalOptions extends RemoteOptions {
  json?: boolean;
}

/** Builds the program; `write` receives what it prints (tests pass their own). */
export function program(write?: (text: string) => void): Command {
  const cli = new Command('journeys')
    .description('Journeys as code: validate, apply, diff, export and publish journey definitions')
    .option('--json', 'print JSON for scripts')
    .addOption(new Option('--url <url>', 'the service (default JOURNEYS_URL or http://localhost:$PORT)'))
    .addOption(new Option('--key <key>', 'an API key (default JOURNEYS_API_KEY or data/admin-api-key)'))
    .showHelpAfterError()
    .exitOverride();
  const out = () => new Output(Boolean(cli.opts<GlobalOptions>().json), write);
  const client = () => remote(cli.opts<GlobalOptions>());
  addFileCommands(cli, out);
  addServiceCommands(cli, out, client, write);
  return cli;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(
  argv: readonly string[],
  write?: (text: string) => void,
  writeError: (text: string) => void = (text) => void process.stderr.write(text),
): Promise<number> {
  const cli = program(write);
  cli.configureOutput({ writeOut: write ?? ((t) => process.stdout.write(t)), writeErr: writeError });
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      if (error.message)
        writeError(`${error.message}${error.details.length ? `\n${problemLines(error.details)}` : ''}\n`);
      return 1;
    }
    writeError(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}

type MakeOutput = () => Output;

/** Commands that need no service: offline validation and the operator's rebuild. */
function addFileCommands(cli: Command, out: MakeOutput): void {
  cli
    .command('validate')
    .description(
      'check definition files offline with the rules publishing applies (trigger files among them are used for trigger checks)',
    )
    .argument('<paths...>', 'files or directories of *.json')
    .action((paths: string[]) => {
      const results = validateFiles(
        jsonFiles(paths).map((file) => readDefinitionFile(file)),
        new Date(),
      );
      out().result(results, () => validateLines(results));
      if (results.some((r) => r.problems.length > 0)) throw new CliError('');
    });

  cli
    .command('rebuild-projections')
    .description('rebuild read models from the event store, on the local data directory (service stopped or running)')
    .argument('[names...]', 'projection names (default: all)')
    .action(async (names: string[]) => {
      const { rebuildProjections } = await import('./rebuild-projections');
      const result = await rebuildProjections(names);
      const rate = result.ms > 0 ? Math.round((result.events / result.ms) * 1000) : result.events;
      out().result(
        result,
        () =>
          `Rebuilt ${result.projections.join(', ') || '(none)'}: ${result.events} events in ${Math.round(result.ms)} ms (${rate} events/s)`,
      );
    });
}

/** Commands against the running service, through the typed client. */
function addServiceCommands(
  cli: Command,
  out: MakeOutput,
  client: () => JourneysClient,
  write?: (text: string) => void,
): void {
  cli
    .command('apply')
    .description(
      'create or update trigger definitions and journey drafts by name so the service holds what the files say',
    )
    .argument('<paths...>', 'files or directories of *.json')
    .action(async (paths: string[]) => {
      const journeys = client();
      const results = await reach(() =>
        apply(
          journeys,
          jsonFiles(paths).map((file) => readDefinitionFile(file)),
        ),
      );
      out().result(results, () => applyLines(results));
      if (results.some((r) => r.outcome === 'refused')) throw new CliError('');
    });

  cli
    .command('diff')
    .description('compare a definition file with the Live version of the journey of the same name')
    .argument('<file>', 'a journey definition file')
    .action(async (file: string) => {
      const journeys = client();
      const result = await reach(() => diff(journeys, JSON.parse(readFileSync(file, 'utf8'))));
      out().result(result, () => diffLines(result));
    });

  cli
    .command('export')
    .description("write a journey version's definition as a file")
    .argument('<id>', 'the journey id or name')
    .option('--version <n>', 'the version (default: the newest)', (v) => Number(v))
    .option('-o, --output <file>', 'write to this file instead of printing')
    .action(async (id: string, options: { version?: number; output?: string }) => {
      const journeys = client();
      const definition = await reach(() => exportDefinition(journeys, id, options.version));
      const text = `${JSON.stringify(definition, null, 2)}\n`;
      if (options.output) writeFileSync(options.output, text);
      else (write ?? ((t: string) => process.stdout.write(t)))(text);
    });

  cli
    .command('publish')
    .description('publish the draft of a journey; every validation error when it stays a Draft')
    .argument('<name>', 'the journey name or id')
    .action(async (name: string) => {
      const journeys = client();
      const journey = await reach(() => publish(journeys, name));
      out().result(journey, () => `${journey.name}: ${journey.state} (revision ${journey.revision})`);
    });

  cli
    .command('status')
    .description('every journey with its state, or one journey with its versions')
    .argument('[name]', 'a journey name or id')
    .action(async (name?: string) => {
      const journeys = client();
      const result = await reach(() => status(journeys, name));
      out().result(result, () =>
        Array.isArray(result)
          ? result.map((j) => `${j.state.padEnd(14)} ${j.name}  ${j.id}`).join('\n') || '(no journeys)'
          : `${result.name}: ${result.state}\n${result.versions.map((v) => `  version ${v.version}: ${v.state}`).join('\n')}`,
      );
    });
}
