import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The web console: built into dist/console and served by the service at /console (no CDN, no
 * second server). Preact's JSX is compiled by Vite's own esbuild step, so no framework plugin.
 */
export default defineConfig({
  root: here('.'),
  base: '/console/',
  publicDir: false,
  resolve: {
    alias: { '@journeys/definition': here('../../libs/definition/src') },
  },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: here('../../dist/console'),
    emptyOutDir: true,
    target: 'es2022',
    // The JSON editor (CodeMirror and the schema support) is loaded only when a draft is edited.
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
});
