import { seg, type Api } from '../api/client';
import type { AuditPage as Page, JourneyDetail } from '../api/types';
import { ErrorNote } from '../components/ErrorNote';
import { TableHead } from '../components/TableHead';
import { usePoll } from '../poll';
import { href } from '../router';

export const AUDIT_PAGE_SIZE = 20;

/** The journey's audit history, a page at a time (the API's cursor), oldest first. */
export function AuditPage({ api, id, after }: { api: Api; id: string; after?: string }) {
  const journey = usePoll(() => api.get<JourneyDetail>(`journeys/${seg(id)}`), 0, [id]);
  const page = usePoll(
    () =>
      api.get<Page>(
        `journeys/${seg(id)}/audit-history?limit=${AUDIT_PAGE_SIZE}${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      ),
    0,
    [id, after],
  );
  return (
    <>
      <h1>Audit history{journey.data ? ` of ${journey.data.name}` : ''}</h1>
      <nav class="pager" aria-label="Pages">
        <a href={href({ page: 'journey', id })}>Back to the journey</a>
        {after && <a href={href({ page: 'audit', id })}>First page</a>}
        {page.data?.next && <a href={href({ page: 'audit', id, after: page.data.next })}>Next page</a>}
      </nav>
      <ErrorNote error={page.error} title="Cannot read the audit history" />
      {page.data && (
        <table class="audit">
          <caption class="visually-hidden">Audit entries</caption>
          <TableHead columns={['When', 'Who', 'Version', 'Action', 'Outcome', 'State after', 'Details']} />
          <tbody>
            {page.data.entries.map((e, i) => (
              <tr key={i} class={`outcome-${e.outcome}`}>
                <td>
                  <time dateTime={e.at}>{e.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}</time>
                </td>
                <td>{e.actor}</td>
                <td>{e.version ?? ''}</td>
                <td>{e.action}</td>
                <td>{e.outcome}</td>
                <td>{e.state}</td>
                <td>
                  <DetailsCell details={e.details} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function DetailsCell({ details }: { details: Record<string, unknown> }) {
  const keys = Object.keys(details);
  if (keys.length === 0) return null;
  const text = JSON.stringify(details);
  if (text.length <= 80) return <code>{text}</code>;
  return (
    <details>
      <summary>{keys.join(', ')}</summary>
      <pre>{JSON.stringify(details, null, 2)}</pre>
    </details>
  );
}
