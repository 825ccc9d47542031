import { ConfigurationError } from './config/app-config';
import { main } from './bootstrap';

main().catch((error: unknown) => {
  // A configuration error is the operator's to fix: print it plainly, without a stack trace.
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(1);
});
