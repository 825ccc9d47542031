/** Hash routes of the console: the service serves one page, so every view is a `#/...` address. */
export type Route =
  | { page: 'journeys'; state?: string }
  | { page: 'journey'; id: string; version?: number }
  | { page: 'edit'; id: string }
  | { page: 'new' }
  | { page: 'audit'; id: string; after?: string }
  | { page: 'customer'; customerId?: string }
  | { page: 'triggers' }
  | { page: 'templates' };

/** `#/journeys/abc?version=2` -> `{ page: 'journey', id: 'abc', version: 2 }`; unknown addresses -> the list. */
export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const version = Number(params.get('version'));
  switch (parts[0]) {
    case 'journeys':
      if (parts[1] === undefined)
        return { page: 'journeys', ...(params.get('state') ? { state: params.get('state')! } : {}) };
      if (parts[2] === 'edit') return { page: 'edit', id: parts[1] };
      if (parts[2] === 'audit')
        return { page: 'audit', id: parts[1], ...(params.get('after') ? { after: params.get('after')! } : {}) };
      return { page: 'journey', id: parts[1], ...(Number.isInteger(version) && version > 0 ? { version } : {}) };
    case 'new':
      return { page: 'new' };
    case 'customers':
      return parts[1] === undefined ? { page: 'customer' } : { page: 'customer', customerId: parts[1] };
    case 'triggers':
      return { page: 'triggers' };
    case 'templates':
      return { page: 'templates' };
    default:
      return { page: 'journeys' };
  }
}

/** The address of a route (the inverse of {@link parseRoute}). */
export function href(route: Route): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case 'journeys':
      return route.state ? `#/journeys?state=${e(route.state)}` : '#/journeys';
    case 'journey':
      return `#/journeys/${e(route.id)}${route.version ? `?version=${route.version}` : ''}`;
    case 'edit':
      return `#/journeys/${e(route.id)}/edit`;
    case 'new':
      return '#/new';
    case 'audit':
      return `#/journeys/${e(route.id)}/audit${route.after ? `?after=${e(route.after)}` : ''}`;
    case 'customer':
      return route.customerId ? `#/customers/${e(route.customerId)}` : '#/customers';
    case 'triggers':
      return '#/triggers';
    case 'templates':
      return '#/templates';
    default: {
      const unknownRoute: never = route;
      return unknownRoute;
    }
  }
}
