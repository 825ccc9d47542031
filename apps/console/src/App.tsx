import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api/client';
import type { Me } from './api/types';
import { AuditPage } from './pages/AuditPage';
import { CustomerPage } from './pages/CustomerPage';
import { EditorPage } from './pages/EditorPage';
import { JourneyPage } from './pages/JourneyPage';
import { JourneysPage } from './pages/JourneysPage';
import { SignIn } from './pages/SignIn';
import { TemplatesPage } from './pages/TemplatesPage';
import { TriggersPage } from './pages/TriggersPage';
import { asApiError } from './poll';
import { href, parseRoute, type Route } from './router';
import { abilitiesOf, forgetKey, storedKey, storeKey } from './session';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** The console: sign in, then the page the address names; only what the role may do is offered. */
export function App() {
  const route = useRoute();
  const [session, setSession] = useState<{ key: string; me?: Me } | undefined>(() => {
    const key = storedKey();
    return key ? { key } : undefined;
  });
  const [problem, setProblem] = useState<ReturnType<typeof asApiError> | undefined>();
  const api = useMemo(() => (session ? new Api(session.key) : undefined), [session?.key]);

  // A key kept from earlier in this tab is checked again (it may have been revoked).
  useEffect(() => {
    if (!api || session?.me) return;
    api.get<Me>('me').then(
      (me) => setSession((s) => s && { ...s, me }),
      (e) => {
        forgetKey();
        setSession(undefined);
        setProblem(asApiError(e));
      },
    );
  }, [api]);

  if (!session || !api) {
    return (
      <SignIn
        notice={problem}
        onSignedIn={(key, me) => {
          storeKey(key);
          setProblem(undefined);
          setSession({ key, me });
        }}
      />
    );
  }
  if (!session.me) return <p aria-busy="true">Signing in…</p>;
  const can = abilitiesOf(session.me.role);
  return (
    <>
      <header class="top">
        <a class="skip" href="#main">
          Skip to content
        </a>
        <nav aria-label="Console">
          <a href={href({ page: 'journeys' })} aria-current={route.page === 'journeys' ? 'page' : undefined}>
            Journeys
          </a>
          <a href={href({ page: 'customer' })} aria-current={route.page === 'customer' ? 'page' : undefined}>
            Customers
          </a>
          <a href={href({ page: 'triggers' })} aria-current={route.page === 'triggers' ? 'page' : undefined}>
            Trigger definitions
          </a>
          <a href={href({ page: 'templates' })} aria-current={route.page === 'templates' ? 'page' : undefined}>
            Templates
          </a>
        </nav>
        <span class="who">
          {session.me.name} ({session.me.role})
        </span>
        <button
          type="button"
          onClick={() => {
            forgetKey();
            setSession(undefined);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">
        <Page route={route} api={api} canWrite={can.write} />
      </main>
    </>
  );
}

function Page({ route, api, canWrite }: { route: Route; api: Api; canWrite: boolean }) {
  switch (route.page) {
    case 'journeys':
      return <JourneysPage api={api} state={route.state} canWrite={canWrite} />;
    case 'journey':
      return <JourneyPage key={route.id} api={api} id={route.id} version={route.version} canWrite={canWrite} />;
    case 'edit':
      return canWrite ? (
        <EditorPage api={api} id={route.id} />
      ) : (
        <JourneyPage api={api} id={route.id} canWrite={false} />
      );
    case 'new':
      return canWrite ? <EditorPage api={api} /> : <JourneysPage api={api} canWrite={false} />;
    case 'audit':
      // Keyed by page: the next page never shows the rows of the one before while it loads.
      return <AuditPage key={`${route.id}|${route.after ?? ''}`} api={api} id={route.id} after={route.after} />;
    case 'customer':
      return <CustomerPage key={route.customerId ?? ''} api={api} customerId={route.customerId} />;
    case 'triggers':
      return <TriggersPage api={api} canWrite={canWrite} />;
    case 'templates':
      return <TemplatesPage api={api} canWrite={canWrite} />;
    default: {
      const unknownRoute: never = route;
      return unknownRoute;
    }
  }
}
