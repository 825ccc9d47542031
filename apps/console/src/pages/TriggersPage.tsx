import { useState } from 'preact/hooks';
import { seg, type Api, type ApiError } from '../api/client';
import type { TriggerDefinition } from '../api/types';
import { ErrorNote } from '../components/ErrorNote';
import { TableHead } from '../components/TableHead';
import { asApiError, usePoll } from '../poll';

const ATTRIBUTE_TYPES = ['text', 'number', 'boolean', 'datetime', 'reference'];

/** Trigger definitions: list, create (name, description, typed attributes), mark ready. */
export function TriggersPage({ api, canWrite }: { api: Api; canWrite: boolean }) {
  const list = usePoll(() => api.get<{ triggerDefinitions: TriggerDefinition[] }>('trigger-definitions'), 0, []);
  const [error, setError] = useState<ApiError | undefined>();
  const act = async (call: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await call();
      list.refresh();
      return true;
    } catch (e) {
      setError(asApiError(e));
      return false;
    }
  };
  return (
    <>
      <h1>Trigger definitions</h1>
      <ErrorNote error={list.error ?? error} />
      {canWrite && <CreateTrigger onCreate={(body) => act(() => api.post('trigger-definitions', body))} />}
      {list.data && (
        <table class="triggers">
          <caption class="visually-hidden">Trigger definitions</caption>
          <TableHead columns={['Name', 'Status', 'Attributes', 'Description', ...(canWrite ? ['Action'] : [])]} />
          <tbody>
            {list.data.triggerDefinitions.map((t) => (
              <tr key={t.name} data-trigger={t.name}>
                <th scope="row">{t.name}</th>
                <td>{t.status}</td>
                <td>{t.attributes.map((a) => `${a.name}: ${a.type}`).join(', ')}</td>
                <td>{t.description ?? ''}</td>
                {canWrite && (
                  <td>
                    {t.status === 'Draft' && (
                      <button
                        type="button"
                        onClick={() => act(() => api.post(`trigger-definitions/${seg(t.name)}/ready`))}
                      >
                        Mark {t.name} ready
                      </button>
                    )}
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

interface Attribute {
  name: string;
  type: string;
}

function CreateTrigger({ onCreate }: { onCreate(body: unknown): Promise<boolean> }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [attributes, setAttributes] = useState<Attribute[]>([]);
  const change = (index: number, patch: Partial<Attribute>) =>
    setAttributes(attributes.map((a, i) => (i === index ? { ...a, ...patch } : a)));
  return (
    <form
      class="card"
      aria-label="New trigger definition"
      onSubmit={async (e) => {
        e.preventDefault();
        const body = {
          name: name.trim(),
          ...(description.trim() ? { description: description.trim() } : {}),
          attributes,
        };
        if (await onCreate(body)) {
          setName('');
          setDescription('');
          setAttributes([]);
        }
      }}
    >
      <h2>New trigger definition</h2>
      <label>
        Name
        <input value={name} required onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Description
        <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      {attributes.map((a, i) => (
        <fieldset key={i} class="attribute">
          <legend>Attribute {i + 1}</legend>
          <label>
            Name
            <input value={a.name} required onInput={(e) => change(i, { name: e.currentTarget.value })} />
          </label>
          <label>
            Type
            <select value={a.type} onChange={(e) => change(i, { type: e.currentTarget.value })}>
              {ATTRIBUTE_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => setAttributes(attributes.filter((_, j) => j !== i))}>
            Remove attribute {i + 1}
          </button>
        </fieldset>
      ))}
      <div class="buttons">
        <button type="button" onClick={() => setAttributes([...attributes, { name: '', type: 'text' }])}>
          Add attribute
        </button>
        <button type="submit">Create trigger definition</button>
      </div>
    </form>
  );
}
