#!/usr/bin/env node
// `npm start`: builds when the compiled service is missing or older than its sources, then runs it
// in this process (so SIGTERM/SIGINT reach the service's own shutdown hooks directly).
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { buildConsole, consoleNeedsBuild, newestFile } = require('./console-build');

const root = join(__dirname, '..');
const main = join(root, 'dist/apps/journeys/src/main.js');
// `node scripts/start.js demo` runs the demo (npm run demo) on the same build-if-needed path.
const entry = process.argv[2] === 'demo' ? join(root, 'dist/apps/journeys/src/demo/demo.js') : main;

const newestSource = (dir) => newestFile(dir, (name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'));

function needsBuild() {
  if (!existsSync(entry)) return true;
  const built = statSync(main).mtimeMs;
  const configs = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map(
    (f) => statSync(join(root, f)).mtimeMs,
  );
  return Math.max(newestSource(join(root, 'apps/journeys')), newestSource(join(root, 'libs')), ...configs) > built;
}

if (needsBuild()) {
  console.log('Building the service (npm run build)...');
  // The typed client's types are generated from the OpenAPI document, not kept in git: the CLI
  // compiles against them.
  execFileSync(
    process.execPath,
    ['-r', './libs/testing/src/ts-register.js', join(root, 'scripts/generate-client.ts')],
    { cwd: root, stdio: 'inherit' },
  );
  execFileSync(process.execPath, [join(root, 'node_modules/@nestjs/cli/bin/nest.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
}
// After the service: `nest build` empties dist/, the console's build included.
if (consoleNeedsBuild()) {
  console.log('Building the web console...');
  buildConsole();
}
require(entry);
