import type { FastifyInstance } from 'fastify';

/**
 * The methods each registered path answers, so that a request whose path exists but whose method
 * does not is a 405 with `Allow` (RFC 9110), not a 404. Fed by Fastify's `onRoute` hook.
 */
export class RouteMethods {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];

  /** Registers the hook; call before the routes are (before `app.init()`). */
  static watch(fastify: FastifyInstance): RouteMethods {
    const registry = new RouteMethods();
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      registry.add(route.url, methods);
    });
    return registry;
  }

  add(url: string, methods: readonly string[]): void {
    const source = url
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escape(segment)))
      .join('/');
    const pattern = new RegExp(`^${source}/?$`);
    const known = this.routes.find((route) => route.pattern.source === pattern.source);
    const target = known ?? { pattern, methods: new Set<string>() };
    methods.forEach((method) => target.methods.add(method.toUpperCase()));
    if (!known) this.routes.push(target);
  }

  /** The methods the path of `url` answers; empty when no route has that path. */
  allowed(url: string): string[] {
    const path = url.split('?')[0];
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) route.methods.forEach((m) => methods.add(m));
    return [...methods].sort();
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
