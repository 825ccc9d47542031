'use strict';
/**
 * Runs TypeScript files in a plain Node process, for child processes that tests spawn (jest's
 * transform only exists inside jest) and for running a bench file directly:
 *
 *   node -r ./libs/testing/src/ts-register.js path/to/file.ts
 *
 * Each `.ts` file is compiled on require with @swc/core using the same options as jest.config.js
 * (legacy decorators with metadata, CommonJS). The `@journeys/*` path aliases of tsconfig.json are
 * resolved too. No type checking: run `tsc --noEmit` for that.
 */
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const repoRoot = path.resolve(__dirname, '../../..');

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

process.setSourceMapsEnabled(true);

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, { ...swcOptions, filename });
  module._compile(code, filename);
};

/** `[prefix, target]` pairs from tsconfig paths: `@journeys/x` and `@journeys/x/*`. */
const aliases = Object.entries(readTsconfigPaths()).map(([pattern, [target]]) => ({
  wildcard: pattern.endsWith('/*'),
  prefix: pattern.replace(/\/\*$/, ''),
  target: path.join(repoRoot, target.replace(/\/\*$/, '')),
}));

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveAlias(request, ...rest) {
  for (const alias of aliases) {
    if (!alias.wildcard && request === alias.prefix) return resolveFilename.call(this, alias.target, ...rest);
    if (alias.wildcard && request.startsWith(`${alias.prefix}/`)) {
      return resolveFilename.call(this, path.join(alias.target, request.slice(alias.prefix.length + 1)), ...rest);
    }
  }
  return resolveFilename.call(this, request, ...rest);
};

function readTsconfigPaths() {
  try {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tsconfig.json'), 'utf8'));
    return (tsconfig.compilerOptions && tsconfig.compilerOptions.paths) || {};
  } catch {
    // A tsconfig with comments is not JSON; relative imports still work without the aliases.
    return {};
  }
}
