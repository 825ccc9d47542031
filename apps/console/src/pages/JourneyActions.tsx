import { useState } from 'preact/hooks';
import { seg, type Api, type ApiError } from '../api/client';
import type { JourneyDetail, VersionState } from '../api/types';
import { ConfirmDialog } from '../components/Dialog';
import { ErrorNote } from '../components/ErrorNote';
import { asApiError } from '../poll';
import { href } from '../router';

type Form = 'copy' | 'template' | 'stop' | 'discard' | undefined;

/**
 * The life-cycle actions the journey's state allows (the API's `allowedActions`), for the version on
 * screen; refusals are shown as the API words them.
 */
export function JourneyActions(props: {
  api: Api;
  journey: JourneyDetail;
  version: { version: number; state: VersionState };
  onChanged(message: string): void;
}) {
  const { api, journey, version } = props;
  const allowed = new Set(journey.allowedActions);
  const [form, setForm] = useState<Form>(undefined);
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const base = `journeys/${seg(journey.id)}`;

  async function run(what: string, call: () => Promise<unknown>, after?: (answer: unknown) => void) {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await call();
      setForm(undefined);
      if (after) after(answer);
      else props.onChanged(what);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  const isDraft = version.state === 'Draft';
  const stoppable =
    allowed.has('stop') && (version.state === 'Live' || version.state === 'Paused' || version.state === 'Completing');
  const pausable = allowed.has('pause') && version.state === 'Live';
  const resumable = allowed.has('resume') && version.state === 'Paused';
  const publish = () =>
    run(
      'publish',
      () => api.post<JourneyDetail>(`${base}/publish`),
      (answer) => {
        const published = answer as JourneyDetail;
        const draft = published.versions.find((v) => v.version === version.version);
        if (draft?.state === 'Draft' && draft.validationErrors.length > 0) {
          props.onChanged(
            `Publishing was refused: ${draft.validationErrors.length} validation error(s), shown on the steps`,
          );
        } else props.onChanged(`Version ${version.version} published`);
      },
    );

  return (
    <section class="actions" aria-label="Actions">
      {allowed.has('update') && isDraft && (
        <a class="button" href={href({ page: 'edit', id: journey.id })}>
          Edit draft
        </a>
      )}
      {allowed.has('publish') && isDraft && (
        <button type="button" disabled={busy} onClick={publish}>
          Publish
        </button>
      )}
      {allowed.has('edit') && (
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            run(
              'edit',
              () => api.post<JourneyDetail>(`${base}/edit`),
              (answer) => {
                const versions = (answer as JourneyDetail).versions;
                location.hash = href({
                  page: 'journey',
                  id: journey.id,
                  version: versions[versions.length - 1].version,
                });
              },
            )
          }
        >
          Edit (new version)
        </button>
      )}
      {allowed.has('discard') && isDraft && (
        <button type="button" class="danger" disabled={busy} onClick={() => setForm('discard')}>
          Discard draft
        </button>
      )}
      {pausable && (
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            run(
              'pause',
              () => api.post(`${base}/versions/${version.version}/pause`),
              () => props.onChanged(`Version ${version.version} is paused: nobody enters and no step runs`),
            )
          }
        >
          Pause version {version.version}
        </button>
      )}
      {resumable && (
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            run(
              'resume',
              () => api.post(`${base}/versions/${version.version}/resume`),
              () => props.onChanged(`Version ${version.version} is Live again`),
            )
          }
        >
          Resume version {version.version}
        </button>
      )}
      {stoppable && (
        <button type="button" class="danger" disabled={busy} onClick={() => setForm('stop')}>
          Stop version {version.version}
        </button>
      )}
      {allowed.has('copy') && (
        <button type="button" disabled={busy} onClick={() => setForm(form === 'copy' ? undefined : 'copy')}>
          Copy
        </button>
      )}
      {allowed.has('saveAsTemplate') && (
        <button type="button" disabled={busy} onClick={() => setForm(form === 'template' ? undefined : 'template')}>
          Save as template
        </button>
      )}
      {form === 'copy' && (
        <NameForm
          label="Name of the copy"
          submit="Create copy"
          initial={`${journey.name} (copy)`}
          onSubmit={(name) =>
            run(
              'copy',
              () => api.post<JourneyDetail>(`${base}/copy`, { name, version: version.version }),
              (answer) => {
                location.hash = href({ page: 'journey', id: (answer as JourneyDetail).id });
              },
            )
          }
        />
      )}
      {form === 'template' && (
        <NameForm
          label="Template name"
          submit="Save template"
          initial={`${journey.name} template`}
          withDescription
          onSubmit={(name, description) =>
            run(
              'template',
              () =>
                api.post(`${base}/save-as-template`, {
                  name,
                  ...(description ? { description } : {}),
                  version: version.version,
                }),
              () => props.onChanged(`Saved version ${version.version} as template ${name}`),
            )
          }
        />
      )}
      <ConfirmDialog
        open={form === 'stop'}
        title={`Stop version ${version.version}?`}
        confirmLabel={`Stop version ${version.version}`}
        onCancel={() => setForm(undefined)}
        onConfirm={() =>
          run(
            'stop',
            () => api.post(`${base}/versions/${version.version}/stop`),
            () => props.onChanged(`Version ${version.version} is stopping`),
          )
        }
      >
        <p>
          No one enters any more, every customer inside is removed and every message not yet handed out is cancelled. A
          stopped version cannot be restarted.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={form === 'discard'}
        title={`Discard draft version ${version.version}?`}
        confirmLabel="Discard draft"
        onCancel={() => setForm(undefined)}
        onConfirm={() =>
          run(
            'discard',
            () => api.post(`${base}/discard`),
            () => props.onChanged('The draft was discarded'),
          )
        }
      >
        <p>The draft's changes are dropped; the Live version stays as it is.</p>
      </ConfirmDialog>
      <ErrorNote error={error} />
    </section>
  );
}

function NameForm(props: {
  label: string;
  submit: string;
  initial: string;
  withDescription?: boolean;
  onSubmit(name: string, description: string): void;
}) {
  const [name, setName] = useState(props.initial);
  const [description, setDescription] = useState('');
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(name.trim(), description.trim());
      }}
    >
      <label>
        {props.label}
        <input value={name} required maxLength={150} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      {props.withDescription && (
        <label>
          Description
          <input value={description} maxLength={2000} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
      )}
      <button type="submit">{props.submit}</button>
    </form>
  );
}
