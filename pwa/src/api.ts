// The only module that calls fetch. Every answer is either typed data or one of three errors.
import type { ErrorEnvelope, Me, Mutation, PullPage, PushResponse, Uuid } from './types';

/** The request never got an answer (offline, DNS, timeout, connection dropped). */
export class NetworkError extends Error {}
/** 401: the session is gone; the caller keeps everything and asks the person to sign in again. */
export class AuthRequired extends Error {}
/** Any other non-2xx answer, with the server's error envelope when it sent one. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly body: ErrorEnvelope | null, readonly retryAfter: number | null) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

const TIMEOUT_MS = 20_000;

type CsrfSource = () => string | Promise<string>;

function cookieCsrf(): string {
  // Typed loosely: this module is also part of the service worker, which has no document.
  const doc = (globalThis as { document?: { cookie: string } }).document;
  if (!doc) return '';
  const hit = doc.cookie.split('; ').find((c: string) => c.startsWith('csrf_token='));
  return hit ? decodeURIComponent(hit.slice('csrf_token='.length)) : '';
}

let csrfSource: CsrfSource = cookieCsrf;

/** The service worker cannot read document.cookie; it passes its own way of finding the token. */
export function setCsrfSource(source: CsrfSource): void {
  csrfSource = source;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && path !== '/api/auth/login') headers['X-CSRF-Token'] = await csrfSource();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(path, {
      method, headers, credentials: 'same-origin', signal: abort.signal, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new NetworkError(error instanceof Error ? error.message : 'network error');
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 401 && path !== '/api/auth/login') throw new AuthRequired('Sign in again to continue.');
  if (!response.ok) {
    let envelope: ErrorEnvelope | null = null;
    try {
      envelope = (await response.json()) as ErrorEnvelope;
    } catch {
      envelope = null;
    }
    const retry = Number(response.headers.get('Retry-After'));
    throw new HttpError(response.status, envelope, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch (error) {
    // A captive portal or a proxy answered with something that is not ours.
    throw new NetworkError(error instanceof Error ? error.message : 'unreadable answer');
  }
}

export interface RosterPerson { id: Uuid; name: string; email: string; role: string; career_stage: string | null; teams: unknown }
export interface Roster { school: { id: Uuid; name: string }; people: RosterPerson[] }

export const api = {
  login: (email: string, password: string) => call<Me>('POST', '/api/auth/login', { email, password }),
  logout: () => call<void>('POST', '/api/auth/logout'),
  me: () => call<Me>('GET', '/api/auth/me'),
  push: (clientId: Uuid, mutations: Mutation[]) =>
    call<PushResponse>('POST', '/api/sync/push', { client_id: clientId, mutations }),
  pull: (cursor: number, limit = 500) => call<PullPage>('GET', `/api/sync/pull?cursor=${cursor}&limit=${limit}`),
  roster: (schoolId: Uuid) => call<Roster>('GET', `/api/schools/${schoolId}/roster`),
};

export type Api = typeof api;
