/** The REST API as the console calls it: same origin, `Authorization: Bearer <key>`, JSON both ways. */

/** An error answer in the contract's shape, kept as the API words it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly unknown[] = [],
  ) {
    super(message);
  }
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PUT';
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiAnswer<T> {
  body: T;
  etag: string | null;
}

/** A client bound to one API key; every call answers the parsed body or throws an {@link ApiError}. */
export class Api {
  constructor(private readonly key: string) {}

  async call<T>(path: string, options: ApiOptions = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}`, ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`/${path.replace(/^\//, '')}`, {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch (error) {
      throw new ApiError(0, 'NETWORK', `The service did not answer: ${(error as Error).message}`);
    }
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!response.ok) throw errorOf(response.status, parsed, text);
    return { body: parsed as T, etag: response.headers.get('etag') };
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>(path).then((a) => a.body);
  }

  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    return this.call<T>(path, { method: 'POST', body, headers }).then((a) => a.body);
  }

  put<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T> {
    return this.call<T>(path, { method: 'PUT', body, headers }).then((a) => a.body);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorOf(status: number, body: unknown, text: string): ApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: unknown[] } } | undefined)?.error;
  if (error && typeof error.message === 'string') {
    return new ApiError(status, error.code ?? `HTTP_${status}`, error.message, error.details ?? []);
  }
  return new ApiError(status, `HTTP_${status}`, text || `HTTP ${status}`);
}

/** `encodeURIComponent` for one path segment. */
export const seg = (value: string | number) => encodeURIComponent(String(value));
