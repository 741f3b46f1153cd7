// Shapes shared by the API, the local store and the views (DESIGN §5).

export type Uuid = string;

export interface School { id: Uuid; name: string; district_id: Uuid }
export interface Person { id: Uuid; name: string; email: string; career_stage: string | null }
export interface Team { id: Uuid; school_id: Uuid; name: string; leader_ids: Uuid[]; member_ids: Uuid[] }

export interface Me extends Person {
  roles: string[];
  schools: (School & { role: string })[];
  teams: Team[];
}

export interface ScaleLevel { level: number; label: string }
export interface Indicator { key: string; title: string; descriptors: Record<string, string> }
export interface Domain { key: string; title: string; indicators: Indicator[] }
export interface Rubric {
  id: Uuid; key: string; version: number; title: string; cadence: 'daily' | 'weekly';
  applies_to: string[]; scale: ScaleLevel[]; domains: Domain[];
}

export type Grouping = 'whole_class' | 'small_group' | 'one_on_one';
export interface ObservationContext { subject: string; grade: string; grouping: Grouping }
export interface EvidenceNote { at: string; text: string }

/** The content a person edits; exactly the fields `observation.save` carries besides id and base_version. */
export interface ObservationContent {
  educator_id: Uuid;
  rubric_id: Uuid;
  observed_at: string;
  duration_minutes: number | null;
  context: ObservationContext;
  scores: Record<string, number>;
  evidence: EvidenceNote[];
  glow: string;
  grow: string;
  action_step: string | null;
  follows_up: Uuid | null;
}

export interface ServerObservation extends ObservationContent {
  id: Uuid;
  school_id: Uuid;
  observer_id: Uuid;
  action_step_id: Uuid | null;
  status: 'draft' | 'published';
  published_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ActionStep {
  id: Uuid; observation_id: Uuid; educator_id: Uuid; text: string;
  status: 'open' | 'mastered'; note: string; status_at: string | null; version?: number;
}

export interface FeedbackResponse {
  id: Uuid | null; observation_id: Uuid; educator_id: Uuid;
  seen_at: string | null; acknowledged_at: string | null; reflection: string;
}

export type ChangeType =
  | 'school' | 'person' | 'team' | 'rubric' | 'observation' | 'action_step' | 'feedback_response';

export interface Change {
  type: ChangeType;
  id: Uuid;
  version: number;
  deleted: boolean;
  data?: Record<string, unknown>;
}

export interface PullPage { changes: Change[]; cursor: number; has_more: boolean }

export type MutationName =
  | 'observation.save' | 'observation.publish' | 'observation.delete'
  | 'feedback.acknowledge' | 'feedback.reflect' | 'action_step.update';

export interface Mutation { id: Uuid; seq: number; name: MutationName; args: Record<string, unknown> }

export type MutationResult =
  | { id: Uuid; status: 'applied' | 'duplicate'; version?: number | null }
  | { id: Uuid; status: 'conflict'; current?: Change | null; message?: string }
  | { id: Uuid; status: 'rejected'; message?: string; errors?: Record<string, unknown> }
  | { id: Uuid; status: 'gap'; resend_from: number };

export interface PushResponse { results: MutationResult[]; resend_from?: number }

export interface ErrorEnvelope { code: string; status: number; message: string; errors?: Record<string, unknown> }
