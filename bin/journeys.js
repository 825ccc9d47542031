#!/usr/bin/env node
// The `journeys` command (package.json "bin"; `npx journeys --help`). In a checkout it runs the
// TypeScript sources (compiled on load, like the tests' child processes); in an image built without
// them, the compiled service in dist/.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const register = join(root, 'libs/testing/src/ts-register.js');
let entry = join(root, 'dist/apps/journeys/src/cli/main.js');
if (existsSync(register) && existsSync(join(root, 'node_modules/@swc/core'))) {
  require(register);
  entry = join(root, 'apps/journeys/src/cli/main.ts');
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
