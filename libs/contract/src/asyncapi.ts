/**
 * The AsyncAPI 3 document of the Kafka topics (docs/kafka.md): which the service receives and which
 * it sends, each message's key and payload schema (the contract schemas, bundled), and every stored
 * event type as its own CloudEvents message on the events topic.
 */
import type { TopicNames } from '@journeys/messaging/topics';
import { bundleSchemas } from './bundle';
import { EVENT_DATA } from './schemas';
import type { JsonSchema } from './schemas/common';

/** Topic names by role; the service's configuration decides them (defaults `journeys.*`). */
export type AsyncApiTopics = TopicNames;

interface Channel {
  role: keyof AsyncApiTopics;
  action: 'send' | 'receive';
  description: string;
  key: string;
  messages: Record<string, JsonSchema>;
}

const KAFKA_BINDING_VERSION = '0.5.0';
const CLOUD_EVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

const message = (schema: string, title: string, summary: string): JsonSchema => ({
  name: schema,
  title,
  summary,
  contentType: 'application/json',
  payload: { $ref: `#/components/schemas/${schema}` },
});

function eventMessages(): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(EVENT_DATA).map(([type, data]) => [
      type,
      {
        name: type,
        title: type,
        summary: String(data.description ?? type),
        contentType: CLOUD_EVENTS_CONTENT_TYPE,
        headers: { type: 'object', properties: { 'content-type': { const: CLOUD_EVENTS_CONTENT_TYPE } } },
        payload: {
          allOf: [
            { $ref: '#/components/schemas/JourneysCloudEvent' },
            {
              type: 'object',
              properties: { type: { const: `journeys.${type}` }, data: { $ref: `#/components/schemas/${type}Data` } },
            },
          ],
        },
      },
    ]),
  );
}

function channels(): Channel[] {
  return [
    {
      role: 'triggers',
      action: 'receive',
      description: 'Triggers: something a customer did. Refused messages go to the dead-letter topic.',
      key: 'customerId',
      messages: { TriggerMessage: message('TriggerMessage', 'Trigger', 'A trigger for one customer') },
    },
    {
      role: 'segments',
      action: 'receive',
      description: 'Segment membership changes. Refused messages go to the dead-letter topic.',
      key: 'customerId',
      messages: { SegmentChange: message('SegmentChange', 'Segment change', 'A customer joined or left a segment') },
    },
    {
      role: 'consent',
      action: 'receive',
      description:
        "Consent records: a customer opted in to or out of a channel or a topic on it; each channel's and topic's latest by occurredAt wins. Refused messages go to the dead-letter topic.",
      key: 'customerId',
      messages: {
        ConsentMessage: message('ConsentMessage', 'Consent record', "A customer's consent for a channel or topic"),
      },
    },
    {
      role: 'commands',
      action: 'receive',
      description: 'Commands mirroring the REST actions; each is answered on the command-results topic.',
      key: 'journeyId or commandId',
      messages: { Command: message('Command', 'Command', 'A management command') },
    },
    {
      role: 'commandResults',
      action: 'send',
      description: 'One result per command: what the REST call returns, or its status and error body.',
      key: 'commandId',
      messages: { CommandResult: message('CommandResult', 'Command result', 'The outcome of a command') },
    },
    {
      role: 'events',
      action: 'send',
      description:
        'Every stored event as a CloudEvents 1.0 structured JSON envelope, at least once: drop duplicates by id.',
      key: 'customerId (progress events), journeyId (life-cycle events), else the stream name',
      messages: eventMessages(),
    },
    {
      role: 'actions',
      action: 'send',
      description: 'Action requests to deliver, at least once: drop duplicates by actionId.',
      key: 'customerId',
      messages: { Action: message('Action', 'Action request', 'A message to deliver to a customer') },
    },
    {
      role: 'deadLetter',
      action: 'send',
      description: 'Messages that can never be processed, with their origin and the reason.',
      key: 'the original message key',
      messages: { DeadLetter: message('DeadLetter', 'Dead letter', 'A refused message') },
    },
  ];
}

const capitalized = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** The AsyncAPI 3.0 document for these topic names, the service version and a broker address. */
export function asyncApiDocument(topics: AsyncApiTopics, version: string, host = 'localhost:9092'): JsonSchema {
  const componentMessages: Record<string, JsonSchema> = {};
  const channelObjects: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  for (const channel of channels()) {
    const refs: Record<string, JsonSchema> = {};
    for (const [name, definition] of Object.entries(channel.messages)) {
      componentMessages[name] = {
        ...definition,
        bindings: {
          kafka: { key: { type: 'string', description: channel.key }, bindingVersion: KAFKA_BINDING_VERSION },
        },
      };
      refs[name] = { $ref: `#/components/messages/${name}` };
    }
    channelObjects[channel.role] = { address: topics[channel.role], description: channel.description, messages: refs };
    operations[`${channel.action}${capitalized(channel.role)}`] = {
      action: channel.action,
      summary: `${channel.action === 'receive' ? 'The service reads' : 'The service writes'} ${topics[channel.role]}`,
      channel: { $ref: `#/channels/${channel.role}` },
      messages: Object.keys(refs).map((name) => ({ $ref: `#/channels/${channel.role}/messages/${name}` })),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Journeys',
      version,
      description:
        'The Kafka topics of the Journeys service. Keys and values are UTF-8 JSON; delivery is at least once on every output and every message carries a stable id.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: { kafka: { host, protocol: 'kafka', description: 'The brokers of KAFKA_BROKERS' } },
    channels: channelObjects,
    operations,
    components: { messages: componentMessages, schemas: bundleSchemas({ flavour: 'asyncapi' }) },
  };
}
