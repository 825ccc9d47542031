#!/usr/bin/env node
// Builds the web console (apps/console -> dist/console) when the build is missing or older than its
// sources: type-check with tsc, bundle with Vite. `npm start` and the browser tests use it; run
// directly, `node scripts/console-build.js` builds only if needed (`--force`: always).
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const built = join(root, 'dist/console/index.html');
const SOURCE = /\.(ts|tsx|css|html|json)$/;

/** Newest modification time (ms) of the files under `dir` that `accept` takes; 0 when none. */
function newestFile(dir, accept) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestFile(path, accept));
    else if (accept(item.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function consoleNeedsBuild() {
  if (!existsSync(built)) return true;
  const sources = (name) => SOURCE.test(name) && !name.endsWith('.spec.ts');
  const newest = Math.max(
    newestFile(join(root, 'apps/console'), sources),
    newestFile(join(root, 'libs/definition/src'), sources),
    statSync(join(root, 'package-lock.json')).mtimeMs,
  );
  return newest > statSync(built).mtimeMs;
}

function buildConsole() {
  const run = (script, args) =>
    execFileSync(process.execPath, [join(root, script), ...args], { cwd: root, stdio: 'inherit' });
  run('node_modules/typescript/bin/tsc', ['-p', 'apps/console/tsconfig.json']);
  run('node_modules/vite/bin/vite.js', ['build', '--config', 'apps/console/vite.config.ts', '--logLevel', 'warn']);
}

module.exports = { newestFile, consoleNeedsBuild, buildConsole };

if (require.main === module) {
  if (process.argv.includes('--force') || consoleNeedsBuild()) {
    console.log('Building the web console (apps/console -> dist/console)...');
    buildConsole();
  }
}
