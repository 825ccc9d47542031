import { useState } from 'preact/hooks';
import { seg, type Api, type ApiError } from '../api/client';
import type { JourneyDetail, Template } from '../api/types';
import { ErrorNote } from '../components/ErrorNote';
import { TableHead } from '../components/TableHead';
import { asApiError, usePoll } from '../poll';
import { href } from '../router';

/** Templates (saved from a journey's page): list, and create a journey from one. */
export function TemplatesPage({ api, canWrite }: { api: Api; canWrite: boolean }) {
  const list = usePoll(() => api.get<{ templates: Template[] }>('templates'), 0, []);
  const [error, setError] = useState<ApiError | undefined>();
  const create = async (template: Template, name: string) => {
    setError(undefined);
    try {
      const journey = await api.post<JourneyDetail>(`templates/${seg(template.id)}/journeys`, { name });
      location.hash = href({ page: 'journey', id: journey.id });
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <>
      <h1>Templates</h1>
      <p class="muted">A journey's page saves any of its versions as a template.</p>
      <ErrorNote error={list.error ?? error} />
      {list.data && list.data.templates.length === 0 && <p>No templates yet.</p>}
      {list.data && list.data.templates.length > 0 && (
        <table class="templates">
          <caption class="visually-hidden">Templates</caption>
          <TableHead columns={['Name', 'Description', 'Saved from', 'Saved', ...(canWrite ? ['New journey'] : [])]} />
          <tbody>
            {list.data.templates.map((t) => (
              <tr key={t.id} data-template={t.name}>
                <th scope="row">{t.name}</th>
                <td>{t.description ?? ''}</td>
                <td>
                  <a href={href({ page: 'journey', id: t.source.journeyId, version: t.source.version })}>
                    version {t.source.version}
                  </a>
                </td>
                <td>
                  <time dateTime={t.createdAt}>{t.createdAt}</time>
                </td>
                {canWrite && (
                  <td>
                    <FromTemplate template={t} onCreate={(name) => create(t, name)} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function FromTemplate({ template, onCreate }: { template: Template; onCreate(name: string): void }) {
  const [name, setName] = useState('');
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onCreate(name.trim());
      }}
    >
      <label>
        Journey name
        <input value={name} required maxLength={150} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <button type="submit" aria-label={`Create a journey from ${template.name}`}>
        Create
      </button>
    </form>
  );
}
