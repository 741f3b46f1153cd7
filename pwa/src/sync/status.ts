// What the status bar shows: connectivity, waiting and stuck changes, and the last finished sync.
import { getMeta } from '../db/local';
import type { Uuid } from '../types';
import { on } from './events';
import { counts } from './outbox';

export interface SyncStatus {
  online: boolean;
  syncing: boolean;
  pending: number;
  attention: number;
  lastSyncAt: string | null;
  authRequired: boolean;
  error: string | null;
}

let personId: Uuid | null = null;
let state: SyncStatus = {
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  syncing: false, pending: 0, attention: 0, lastSyncAt: null, authRequired: false, error: null,
};
const listeners = new Set<(s: SyncStatus) => void>();

export const getStatus = (): SyncStatus => state;

export function setStatus(change: Partial<SyncStatus>): void {
  const next = { ...state, ...change };
  if (Object.keys(change).every((k) => next[k as keyof SyncStatus] === state[k as keyof SyncStatus])) return;
  state = next;
  for (const listener of listeners) listener(state);
}

export function subscribe(listener: (s: SyncStatus) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setStatusPerson(id: Uuid | null): void {
  personId = id;
  void refreshCounts();
}

/** Re-read the counts and the last sync time from the shared store (another tab may have changed them). */
export async function refreshCounts(): Promise<void> {
  const id = personId;
  const [c, last] = await Promise.all([
    id ? counts(id) : Promise.resolve({ pending: 0, attention: 0 }),
    getMeta<string>('last_sync_at'),
  ]);
  if (id === personId) setStatus({ ...c, lastSyncAt: last ?? null });
}

on(() => void refreshCounts());
