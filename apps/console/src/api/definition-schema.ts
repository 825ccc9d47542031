/**
 * The JSON Schema of a journey definition that the draft editor completes and checks against: the
 * document the service serves from its contract (`GET /schemas/journey-definition.json`, public),
 * fetched once per page. The server stays the judge: publish validation decides, the schema helps typing.
 */
let schema: Promise<Record<string, unknown>> | undefined;

export function definitionSchema(): Promise<Record<string, unknown>> {
  schema ??= fetch('/schemas/journey-definition.json').then(async (response) => {
    if (!response.ok) throw new Error(`GET /schemas/journey-definition.json: ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  });
  // A failed fetch is not kept: the next editor tries again.
  schema.catch(() => (schema = undefined));
  return schema;
}
