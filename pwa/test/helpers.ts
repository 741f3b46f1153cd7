import { vi } from 'vitest';
import { claimStore } from '../src/db/local';
import type { Me, ServerObservation } from '../src/types';
import { FakeServer } from './fake-server';

export const ME: Me = {
  id: 'mcl-1', name: 'Mia Leader', email: 'mcl@cadence.test', career_stage: 'multi_classroom_leader',
  roles: ['mcl', 'staff'], schools: [], teams: [],
};

let counter = 0;

export function draft(overrides: Partial<ServerObservation> = {}): ServerObservation {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    school_id: 'school-1', observer_id: ME.id, educator_id: 'teacher-1', rubric_id: 'rubric-daily-1',
    observed_at: '2025-09-01T09:00:00+00:00', duration_minutes: 10,
    context: { subject: 'Math', grade: '4', grouping: 'whole_class' },
    scores: {}, evidence: [], glow: '', grow: '', action_step: null, follows_up: null,
    action_step_id: null, status: 'draft', published_at: null,
    created_at: '2025-09-01T09:00:00+00:00', updated_at: '2025-09-01T09:00:00+00:00',
    ...overrides,
  };
}

/** A signed-in device talking to a fresh fake server through a fake fetch. */
export async function signedIn(): Promise<FakeServer> {
  const server = new FakeServer();
  vi.stubGlobal('fetch', vi.fn(server.fetch));
  await claimStore(ME);
  return server;
}
