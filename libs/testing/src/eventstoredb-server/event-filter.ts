import { ReadReq } from '@eventstore/db-client/generated/streams_pb';

/** What a filter looks at of a record. */
export interface FilterableRecord {
  streamName: string;
  type: string;
}

/**
 * A server-side `$all` filter: on the event type or the stream name, by prefixes or by a regular
 * expression (a regex wins when both are given, as on the server).
 */
export interface EventFilter {
  on: 'eventType' | 'streamName';
  matches(record: FilterableRecord): boolean;
  /** Considered events (matching or not) between two checkpoints. */
  checkpointInterval: number;
  /** How many events one catch-up page considers. */
  maxSearchWindow: number;
  describe(): string;
}

/** The server's page size for filtered reads when the client asks for none (`count` window). */
export const DEFAULT_SEARCH_WINDOW = 32;

/** The filter a subscription request asks for; undefined for `no_filter`; throws on a malformed one. */
export function filterOf(options: ReadReq.Options): EventFilter | undefined {
  if (options.getFilterOptionCase() !== ReadReq.Options.FilterOptionCase.FILTER) return undefined;
  const filter = options.getFilter();
  if (!filter) throw new FilterError('filter options missing');
  const FilterCase = ReadReq.Options.FilterOptions.FilterCase;
  const on = filter.getFilterCase() === FilterCase.EVENT_TYPE ? 'eventType' : 'streamName';
  const expression = on === 'eventType' ? filter.getEventType() : filter.getStreamIdentifier();
  if (filter.getFilterCase() === FilterCase.FILTER_NOT_SET || !expression) {
    throw new FilterError('a filter needs an event type or a stream name expression');
  }
  const maxSearchWindow =
    filter.getWindowCase() === ReadReq.Options.FilterOptions.WindowCase.MAX ? filter.getMax() : DEFAULT_SEARCH_WINDOW;
  const multiplier = filter.getCheckpointintervalmultiplier();
  if (maxSearchWindow <= 0) throw new FilterError('max search window must be positive');
  if (multiplier <= 0) throw new FilterError('checkpoint interval multiplier must be positive');
  return makeFilter(
    on,
    expression.getRegex(),
    expression.getPrefixList(),
    maxSearchWindow * multiplier,
    maxSearchWindow,
  );
}

export function makeFilter(
  on: EventFilter['on'],
  regex: string,
  prefixes: readonly string[],
  checkpointInterval: number,
  maxSearchWindow = DEFAULT_SEARCH_WINDOW,
): EventFilter {
  const field = (record: FilterableRecord) => (on === 'eventType' ? record.type : record.streamName);
  let test: (value: string) => boolean;
  let description: string;
  if (regex) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(regex);
    } catch (error) {
      throw new FilterError(`invalid regex ${JSON.stringify(regex)}: ${(error as Error).message}`);
    }
    test = (value) => pattern.test(value);
    description = `${on} ~ /${regex}/`;
  } else {
    test = (value) => prefixes.some((prefix) => value.startsWith(prefix));
    description = `${on} prefixes [${prefixes.join(', ')}]`;
  }
  return {
    on,
    matches: (record) => test(field(record)),
    checkpointInterval,
    maxSearchWindow,
    describe: () => description,
  };
}

export class FilterError extends Error {
  constructor(message: string) {
    super(`Invalid filter: ${message}`);
    this.name = 'FilterError';
  }
}
