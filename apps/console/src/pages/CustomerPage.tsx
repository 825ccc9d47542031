import type { JourneyDefinition } from '@journeys/definition/journey-definition';
import { useEffect, useState } from 'preact/hooks';
import { seg, type Api } from '../api/client';
import type { CustomerEverywhere, CustomerInstance, JourneyVersionDetail } from '../api/types';
import { ErrorNote } from '../components/ErrorNote';
import { TableHead } from '../components/TableHead';
import { blockedReason, decisionText } from '../decisions';
import { usePoll } from '../poll';
import { href } from '../router';

/** A customer: their instances in every journey, the current step, and each decision with its reason. */
export function CustomerPage({ api, customerId }: { api: Api; customerId?: string }) {
  // The page is keyed by the customer id (App), so a new address starts with its own id typed in.
  const [typed, setTyped] = useState(customerId ?? '');
  const found = usePoll(
    () => (customerId ? api.get<CustomerEverywhere>(`customers/${seg(customerId)}`) : Promise.resolve(undefined)),
    0,
    [customerId],
  );
  const definitions = useDefinitions(api, found.data);
  return (
    <>
      <h1>Customer{customerId ? ` ${customerId}` : 's'}</h1>
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim()) location.hash = href({ page: 'customer', customerId: typed.trim() });
        }}
      >
        <label>
          Customer id
          <input value={typed} required onInput={(e) => setTyped(e.currentTarget.value)} />
        </label>
        <button type="submit">Look up</button>
      </form>
      <ErrorNote error={found.error} title="Not found" />
      {found.data?.journeys.map((journey) => (
        <section key={journey.journeyId} class="customer-journey" aria-labelledby={`j-${journey.journeyId}`}>
          <h2 id={`j-${journey.journeyId}`}>
            <a href={href({ page: 'journey', id: journey.journeyId })}>{journey.name ?? journey.journeyId}</a>
          </h2>
          {journey.blocked.length > 0 && (
            <ul class="blocked" aria-label="Blocked entries">
              {journey.blocked.map((b, i) => (
                <li key={i}>
                  <time dateTime={b.at}>{b.at}</time>: entry into version {b.version} blocked: {blockedReason(b)}
                </li>
              ))}
            </ul>
          )}
          {journey.instances.map((instance) => (
            <Instance
              key={`${instance.version}-${instance.entry}`}
              instance={instance}
              definition={definitions.get(`${journey.journeyId}#${instance.version}`)}
            />
          ))}
        </section>
      ))}
    </>
  );
}

function Instance({ instance, definition }: { instance: CustomerInstance; definition?: JourneyDefinition }) {
  return (
    <table class="history">
      <caption>
        Version {instance.version}, entry {instance.entry}: {instance.status}
        {instance.currentStep ? `, now at ${instance.currentStep}` : ''}
      </caption>
      <TableHead columns={['When', 'Step', 'Event', 'Decision and reason']} />
      <tbody>
        {instance.history.map((line, i) => (
          <tr key={i}>
            <td>
              <time dateTime={line.at}>{line.at}</time>
            </td>
            <td>{line.stepId ?? ''}</td>
            <td>{line.event}</td>
            <td>{decisionText(line, definition)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The definitions of the versions the customer is in (branch conditions and split weights live there). */
function useDefinitions(api: Api, found: CustomerEverywhere | undefined): Map<string, JourneyDefinition> {
  const [definitions, setDefinitions] = useState(new Map<string, JourneyDefinition>());
  useEffect(() => {
    if (!found) return;
    let alive = true;
    const wanted = new Set(found.journeys.flatMap((j) => j.instances.map((i) => `${j.journeyId}#${i.version}`)));
    void Promise.all(
      [...wanted].map(async (key) => {
        const [journeyId, version] = key.split('#');
        try {
          const detail = await api.get<JourneyVersionDetail>(`journeys/${seg(journeyId)}/versions/${version}`);
          return [key, detail.definition] as const;
        } catch {
          return undefined; // The reasons then name branches by number only.
        }
      }),
    ).then((pairs) => {
      if (alive) setDefinitions(new Map(pairs.filter((p) => p !== undefined)));
    });
    return () => {
      alive = false;
    };
  }, [found, api]);
  return definitions;
}
