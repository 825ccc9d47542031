/** What every answer of the service must look like, whatever was sent. */
export interface Answer {
  status: number;
  body: unknown;
}

interface ErrorBody {
  error: { code: string; message: string; details: unknown[] };
}

/** The contract's error body: `{ error: { code, message, details } }` with a non-empty code and message. */
export function isErrorBody(body: unknown): body is ErrorBody {
  const error = (body as { error?: unknown } | null)?.error as Partial<ErrorBody['error']> | undefined;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof error.code === 'string' &&
    error.code.length > 0 &&
    typeof error.message === 'string' &&
    error.message.length > 0 &&
    Array.isArray(error.details)
  );
}

/**
 * Never a 5xx; every 4xx carries the error body. Throws with the request and the answer so a
 * fast-check counterexample says what broke.
 */
export function expectClearAnswer(answer: Answer, request: string): void {
  const shown = () => `${request} -> ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 600)}`;
  if (answer.status >= 500) throw new Error(`server error: ${shown()}`);
  if (answer.status >= 400 && !isErrorBody(answer.body)) throw new Error(`4xx without the error body: ${shown()}`);
  if (answer.status < 200) throw new Error(`unexpected status: ${shown()}`);
}

/**
 * A 202 from `POST /triggers` or `/segments/{id}/membership`: every message is counted once, as
 * accepted, a duplicate, or a refusal listing its index and errors.
 */
export function expectIntakeCounts(answer: Answer, messages: number, request: string): void {
  const body = answer.body as { accepted?: unknown; duplicates?: unknown; refused?: unknown };
  const refused = Array.isArray(body?.refused) ? (body.refused as { index?: unknown; errors?: unknown }[]) : undefined;
  const ok =
    typeof body?.accepted === 'number' &&
    typeof body.duplicates === 'number' &&
    refused !== undefined &&
    refused.every((r) => typeof r.index === 'number' && Array.isArray(r.errors) && r.errors.length > 0) &&
    body.accepted + body.duplicates + refused.length === messages;
  if (!ok) throw new Error(`intake counts do not add up to ${messages}: ${request} -> ${JSON.stringify(body)}`);
}
