// Who is signed in on this device. The person is kept in IndexedDB so the app starts offline.
import { api, AuthRequired, HttpError, NetworkError } from './api';
import { claimStore, clearSession, getSession } from './db/local';
import { emit, on } from './sync/events';
import { engine } from './sync/loop';
import { counts } from './sync/outbox';
import { setStatus, setStatusPerson } from './sync/status';
import type { Me } from './types';

let me: Me | null = null;
const listeners = new Set<(me: Me | null) => void>();

export const currentMe = (): Me | null => me;

export function onMe(listener: (me: Me | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setMe(next: Me | null): void {
  me = next;
  setStatusPerson(next?.id ?? null);
  for (const listener of listeners) listener(me);
}

export async function loadSession(): Promise<Me | null> {
  setMe((await getSession()) ?? null);
  return me;
}

// Another tab signed in or out: follow it.
on((event) => {
  if (event.type === 'session-change') void loadSession();
});

/** Turn a failed sign-in into words for the person. */
export function signInError(error: unknown): string {
  if (error instanceof NetworkError) return 'You are offline. Signing in needs a connection; nothing on this device is lost.';
  if (error instanceof HttpError && error.status === 429) {
    const minutes = Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60));
    return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  }
  if (error instanceof HttpError && error.status === 401) return 'That email and password do not match.';
  if (error instanceof HttpError && error.body?.message) return error.body.message;
  return 'Signing in failed. Try again.';
}

export async function signIn(email: string, password: string): Promise<Me> {
  const person = await api.login(email.trim(), password);
  await claimStore(person);
  setMe(person);
  setStatus({ authRequired: false, error: null });
  emit({ type: 'session-change' });
  void engine().request();
  return person;
}

/** Changes this person has not synced yet (they stay on the device through a sign-out). */
export async function unsyncedCount(): Promise<number> {
  if (!me) return 0;
  const c = await counts(me.id);
  return c.pending + c.attention;
}

export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } catch (error) {
    // Offline or already expired: the local sign-out still happens; the cookie dies with its session.
    if (!(error instanceof NetworkError || error instanceof AuthRequired || error instanceof HttpError)) throw error;
  }
  await clearSession();
  setMe(null);
  setStatus({ authRequired: false });
  emit({ type: 'session-change' });
}

/** Refresh roles and teams when online; a 401 here only marks that signing in again is needed. */
export async function refreshMe(): Promise<void> {
  if (!me) return;
  try {
    const fresh = await api.me();
    if (fresh.id === me.id) {
      await claimStore(fresh);
      setMe(fresh);
    }
  } catch (error) {
    if (error instanceof AuthRequired) setStatus({ authRequired: true });
  }
}
