import type { DefinitionProblem, JourneyDefinition } from '@journeys/definition';

/** Response shapes of the endpoints the console reads (CONTRACT section 3, plus the console's reads). */

export type Role = 'admin' | 'editor' | 'viewer' | 'ingest';
export type VersionState =
  'Draft' | 'Publishing' | 'Live' | 'Paused' | 'Completing' | 'Completed' | 'Stopping' | 'Stopped';
export type DisplayState = VersionState | 'Live, editing' | 'Paused, editing';
export type JourneyAction =
  'create' | 'update' | 'publish' | 'edit' | 'discard' | 'stop' | 'copy' | 'saveAsTemplate' | 'pause' | 'resume';

export interface Me {
  name: string;
  role: Role;
}

export interface JourneySummary {
  id: string;
  name: string;
  state: DisplayState;
  revision: number;
  updatedAt: string;
  versions: { version: number; state: VersionState }[];
}

export interface JourneyDetail {
  id: string;
  name: string;
  state: DisplayState;
  revision: number;
  createdAt: string;
  createdBy?: string;
  updatedAt: string;
  allowedActions: JourneyAction[];
  versions: { version: number; state: VersionState; validationErrors: DefinitionProblem[] }[];
}

export interface JourneyVersionDetail {
  version: number;
  state: VersionState;
  definition: JourneyDefinition;
  validationErrors: DefinitionProblem[];
}

export interface StepCounts {
  stepId: string;
  entered: number;
  current: number;
  passed: number;
  exited: number;
}

export interface VersionTotals {
  version: number;
  state: VersionState;
  entered: number;
  active: number;
  completed: number;
  exited: number;
  removed: number;
  exitedBy: Record<string, number>;
  blocked: Record<string, number>;
  goal: { reached: number; target: number };
}

export interface JourneyAnalytics {
  journeyId: string;
  versions: (VersionTotals & { steps: StepCounts[] })[];
}

export interface AllAnalytics {
  journeys: { journeyId: string; versions: VersionTotals[] }[];
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  version?: number;
  outcome: 'accepted' | 'rejected' | 'refused' | 'pending';
  state: string;
  details: Record<string, unknown>;
}

export interface AuditPage {
  entries: AuditEntry[];
  next?: string;
}

export interface HistoryLine {
  stepId?: string;
  at: string;
  event: string;
  details?: Record<string, unknown>;
}

export interface CustomerInstance {
  version: number;
  entry: number;
  status: 'active' | 'completed' | 'exited' | 'removed';
  currentStep?: string;
  history: HistoryLine[];
}

export interface BlockedEntry {
  version: number;
  at: string;
  reason: string;
  triggerId?: string;
}

export interface CustomerEverywhere {
  customerId: string;
  journeys: { journeyId: string; name: string | null; instances: CustomerInstance[]; blocked: BlockedEntry[] }[];
}

export interface TriggerDefinition {
  name: string;
  description?: string;
  status: 'Draft' | 'Ready';
  attributes: { name: string; type: string }[];
  createdAt: string;
  createdBy?: string;
}

export interface Template {
  id: string;
  name: string;
  description?: string;
  source: { journeyId: string; version: number };
  createdAt: string;
}
