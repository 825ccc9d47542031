/** What publishing needs to know beyond the definition itself. */

export type TriggerAttributeType = 'text' | 'number' | 'boolean' | 'datetime' | 'reference';

export interface TriggerAttributeInfo {
  name: string;
  type: TriggerAttributeType;
}

export interface TriggerDefinitionInfo {
  state: 'Draft' | 'Ready';
  attributes: ReadonlyArray<TriggerAttributeInfo>;
}

export interface PublishContext {
  /** The moment of the publish request; waits and ends are checked against it. */
  now: Date;
  /** Every trigger definition by name. */
  triggers: ReadonlyMap<string, TriggerDefinitionInfo>;
  /** Whether another journey already has the definition's name. */
  journeyNameTaken: boolean;
}
