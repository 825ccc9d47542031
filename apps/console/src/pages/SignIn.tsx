import { useState } from 'preact/hooks';
import { Api, ApiError } from '../api/client';
import type { Me } from '../api/types';
import { ErrorNote } from '../components/ErrorNote';
import { abilitiesOf } from '../session';
import { asApiError } from '../poll';

/** Asks for an API key and checks it with `GET /me`; a key whose role cannot read is refused here. */
export function SignIn({ onSignedIn, notice }: { onSignedIn(key: string, me: Me): void; notice?: ApiError }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <main id="main" class="sign-in">
      <h1>Journeys console</h1>
      <ErrorNote error={notice} title="Signed out" />
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            const me = await new Api(key.trim()).get<Me>('me');
            if (!abilitiesOf(me.role).read) {
              setError(
                new ApiError(
                  403,
                  'ROLE_CANNOT_READ',
                  `The key ${me.name} has role ${me.role}, which only feeds triggers and segments; the console needs a viewer, editor or admin key`,
                ),
              );
            } else onSignedIn(key.trim(), me);
          } catch (caught) {
            setError(asApiError(caught));
          } finally {
            setBusy(false);
          }
        }}
      >
        <label>
          API key
          <input
            type="password"
            autoComplete="off"
            required
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
        </label>
        <p class="muted">Kept for this browser tab only (session storage).</p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <ErrorNote error={error} title="Cannot sign in" />
    </main>
  );
}
