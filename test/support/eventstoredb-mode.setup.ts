import { useEventStoreDb } from './store-mode';

/** Setup of the jest project `eventstoredb`: the suites' services run on EventStoreDB protocol test servers. */
useEventStoreDb();
