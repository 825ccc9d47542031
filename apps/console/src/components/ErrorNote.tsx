import type { ApiError } from '../api/client';

/** A refusal or failure as the API words it: message, code and every detail. */
export function ErrorNote({ error, title }: { error?: ApiError; title?: string }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <strong>{title ?? 'The service refused'}</strong>: {error.message} <code>{error.code}</code>
      {error.details.length > 0 && (
        <ul>
          {error.details.map((d, i) => (
            <li key={i}>{detailText(d)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function detailText(detail: unknown): string {
  if (detail && typeof detail === 'object' && 'message' in detail) {
    const { path, message, code } = detail as { path?: string; message: string; code?: string };
    return `${path ? `${path}: ` : ''}${message}${code ? ` (${code})` : ''}`;
  }
  return JSON.stringify(detail);
}
