import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { errorBody, NotFound } from '../common/errors';

/** Where the console is served. */
export const CONSOLE_PATH = '/console/';

/**
 * The console's own pages only talk to this origin; styles are inline-injected by the editor, and its
 * syntax highlighter compiles WebAssembly shipped in the bundle.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The package root (the nearest directory with a package.json), from the sources or the build alike. */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return from;
    dir = parent;
  }
  return dir;
}

/** The built console (`npm run build` writes it), or undefined when it has not been built. */
export function consoleBuildDir(root: string = packageRoot()): string | undefined {
  const dir = join(root, 'dist', 'console');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

/**
 * Serves the web console's static files at /console/ (no key needed: the files hold no data; the
 * pages call the API with the key the user signs in with). Hashed assets are cached for good, the
 * page itself is revalidated. Without a build, /console answers 404 saying how to build it.
 */
export async function serveConsole(app: NestFastifyApplication, dir = consoleBuildDir()): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/console', (_request, reply) => reply.redirect(CONSOLE_PATH, 301));
  if (!dir) {
    const missing = new NotFound('CONSOLE_NOT_BUILT', 'The web console has not been built: run npm run build');
    fastify.get(`${CONSOLE_PATH}*`, (_request, reply) => reply.status(404).send(errorBody(missing)));
    return;
  }
  await fastify.register(fastifyStatic, {
    root: dir,
    prefix: CONSOLE_PATH,
    decorateReply: false,
    index: ['index.html'],
    // @fastify/static hands the Fastify reply here (its typings still say ServerResponse).
    setHeaders: (reply: unknown, path: string) => {
      void (reply as FastifyReply).headers({
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': path.includes(join('console', 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    },
  });
}
