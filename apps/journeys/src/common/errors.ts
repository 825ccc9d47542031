/**
 * The one error vocabulary. Each class has a stable `code`; the HTTP filter maps the kind to a status
 * once, and the Kafka consumers map it to "dead-letter" (never succeeds) or "retry".
 */
export type ErrorKind =
  'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'stale' | 'too_large' | 'unavailable';

export interface ProblemDetail {
  code: string;
  path?: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(
    readonly code: string,
    message: string,
    readonly details: readonly unknown[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: every problem is listed in `details`. */
export class ValidationFailed extends AppError {
  readonly kind = 'invalid';
  constructor(problems: readonly ProblemDetail[], message = `${problems.length} problem(s) in the request`) {
    super('VALIDATION_FAILED', message, problems);
  }
}

export class Unauthenticated extends AppError {
  readonly kind = 'unauthenticated';
  constructor(message = 'A valid API key is required: Authorization: Bearer <key>') {
    super('UNAUTHENTICATED', message);
  }
}

export class Forbidden extends AppError {
  readonly kind = 'forbidden';
  constructor(role: string, allowed: readonly string[]) {
    super('FORBIDDEN', `Role ${role} may not do this; allowed roles: ${allowed.join(', ')}`);
  }
}

export class NotFound extends AppError {
  readonly kind = 'not_found';
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** The action is not allowed in the current state; `details` name the allowed actions. */
export class ActionNotAllowed extends AppError {
  readonly kind = 'conflict';
  constructor(code: string, message: string, details: readonly unknown[] = []) {
    super(code, message, details);
  }
}

/**
 * Other writers kept changing the stream while the command was decided again on each new revision;
 * nothing was written. Retrying the request may succeed.
 */
export class ConcurrentModification extends AppError {
  readonly kind = 'conflict';
  constructor(streamName: string) {
    super(
      'CONCURRENT_MODIFICATION',
      `${streamName} was changed by concurrent requests each time this one was decided; nothing was written, retry it`,
      [{ stream: streamName }],
    );
  }
}

/** The caller's revision (If-Match) is not the current one. */
export class StaleRevision extends AppError {
  readonly kind = 'stale';
  constructor(expected: number, actual: number) {
    super('STALE_REVISION', `Expected revision ${expected} but the current revision is ${actual}`, [
      { expected, actual },
    ]);
  }
}

export class PayloadTooLarge extends AppError {
  readonly kind = 'too_large';
  constructor(message: string) {
    super('PAYLOAD_TOO_LARGE', message);
  }
}

/** A dependency (store, broker) cannot take work now; retrying later may succeed. */
export class ServiceUnavailable extends AppError {
  readonly kind = 'unavailable';
  constructor(message: string, details: readonly unknown[] = []) {
    super('SERVICE_UNAVAILABLE', message, details);
  }
}

export const HTTP_STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  stale: 412,
  too_large: 413,
  unavailable: 503,
};

/** The body every error response carries (CONTRACT section 3). */
export interface ErrorBody {
  error: { code: string; message: string; details: readonly unknown[] };
}

export function errorBody(error: AppError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details } };
}
