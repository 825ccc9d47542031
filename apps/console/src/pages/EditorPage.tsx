import type { DefinitionProblem } from '@journeys/definition';
import { welcomeJourneyExample } from '@journeys/definition/examples';
import { useEffect, useRef, useState } from 'preact/hooks';
import { seg, type Api, type ApiError } from '../api/client';
import type { JourneyDetail, JourneyVersionDetail } from '../api/types';
import { ErrorNote } from '../components/ErrorNote';
import type { JsonEditor } from '../editor/json-editor';
import { asApiError } from '../poll';
import { href } from '../router';
import { stepIndexOf } from '../validation';

interface Loaded {
  text: string;
  /** The journey's revision the draft was read at (sent as If-Match). */
  revision?: number;
  version?: number;
}

/**
 * A draft as JSON, checked against the definition's JSON Schema while typing; saving sends it to the
 * API (If-Match: the revision it was read at), whose problems are listed with the step they concern.
 */
export function EditorPage({ api, id }: { api: Api; id?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<JsonEditor | undefined>(undefined);
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setLoaded(undefined);
    setError(undefined);
    loadDraft(api, id).then(setLoaded, (e) => setError(asApiError(e)));
  }, [api, id]);

  useEffect(() => {
    if (!loaded || !host.current) return;
    let alive = true;
    void import('../editor/json-editor').then(async ({ mountJsonEditor }) => {
      const mounted = await mountJsonEditor(host.current!, loaded.text, 'Journey definition (JSON)');
      if (alive) editor.current = mounted;
      else mounted.destroy();
    });
    return () => {
      alive = false;
      editor.current?.destroy();
      editor.current = undefined;
    };
  }, [loaded]);

  async function save(publish: boolean) {
    if (!editor.current) return;
    setError(undefined);
    setNotice(undefined);
    let definition: unknown;
    try {
      definition = JSON.parse(editor.current.text());
    } catch (e) {
      setError(asApiError(new Error(`The text is not JSON: ${(e as Error).message}`)));
      return;
    }
    setBusy(true);
    try {
      const saved = id
        ? await api.call<JourneyDetail>(`journeys/${seg(id)}/draft`, {
            method: 'PUT',
            body: definition,
            headers: loaded?.revision === undefined ? {} : { 'if-match': `"${loaded.revision}"` },
          })
        : await api.call<JourneyDetail>('journeys', { method: 'POST', body: definition });
      const journeyId = saved.body.id;
      setLoaded((l) => l && { ...l, revision: saved.body.revision });
      if (publish) await api.post(`journeys/${seg(journeyId)}/publish`);
      location.hash = href({ page: 'journey', id: journeyId, version: newest(saved.body) });
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>{id ? `Edit draft version ${loaded?.version ?? ''}` : 'New journey'}</h1>
      <p class="muted">
        The editor completes fields from the definition's JSON Schema (Ctrl+Space) and underlines what does not fit it;
        the service checks the rest when you save and publish.
      </p>
      <ErrorNote error={error} title={id ? 'Cannot save the draft' : 'Cannot create the journey'} />
      <StepProblems error={error} text={editor.current?.text()} />
      {notice && <p role="status">{notice}</p>}
      <div class="editor" ref={host} />
      <div class="buttons">
        <button type="button" disabled={busy || !loaded} onClick={() => save(false)}>
          {id ? 'Save draft' : 'Create journey'}
        </button>
        <button type="button" disabled={busy || !loaded} onClick={() => save(true)}>
          {id ? 'Save and publish' : 'Create and publish'}
        </button>
        {id && <a href={href({ page: 'journey', id })}>Cancel</a>}
      </div>
    </>
  );
}

const newest = (journey: JourneyDetail) => journey.versions[journey.versions.length - 1]?.version;

async function loadDraft(api: Api, id: string | undefined): Promise<Loaded> {
  if (!id) return { text: JSON.stringify({ ...welcomeJourneyExample, name: 'New journey' }, null, 2) };
  const { body: journey } = await api.call<JourneyDetail>(`journeys/${seg(id)}`);
  const draft = journey.versions[journey.versions.length - 1];
  if (draft.state !== 'Draft') {
    throw new Error(
      `Version ${draft.version} is ${draft.state}: only a Draft can be edited (Edit makes a new draft version)`,
    );
  }
  const detail = await api.get<JourneyVersionDetail>(`journeys/${seg(id)}/versions/${draft.version}`);
  return { text: JSON.stringify(detail.definition, null, 2), revision: journey.revision, version: draft.version };
}

/** The save's problems that point into a step, named by that step's id. */
function StepProblems({ error, text }: { error?: ApiError; text?: string }) {
  if (!error || !text) return null;
  let steps: { id?: unknown }[] = [];
  try {
    steps = (JSON.parse(text) as { steps?: { id?: unknown }[] }).steps ?? [];
  } catch {
    return null;
  }
  const onSteps = (error.details as DefinitionProblem[])
    .map((p) => ({ p, index: typeof p?.path === 'string' ? stepIndexOf(p.path) : undefined }))
    .filter((x) => x.index !== undefined && steps[x.index] !== undefined);
  if (onSteps.length === 0) return null;
  return (
    <ul class="step-problems" aria-label="Problems by step">
      {onSteps.map(({ p, index }, i) => (
        <li key={i}>
          Step <strong>{String(steps[index!].id)}</strong>: {p.message} ({p.code})
        </li>
      ))}
    </ul>
  );
}
