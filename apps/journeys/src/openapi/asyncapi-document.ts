import { asyncApiDocument as build } from '@journeys/contract';
import { DEFAULT_TOPICS, type TopicNames } from '@journeys/messaging/topics';
import { packageInfo } from './package-info';

/** The AsyncAPI document of the service's topics (the configured names; the defaults when none). */
export function asyncApiDocument(topics: TopicNames = DEFAULT_TOPICS) {
  return build(topics, packageInfo().version);
}
