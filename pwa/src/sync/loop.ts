// The sync loop: push the outbox in order, then pull pages into the local store.
// One loop at a time across every tab (Web Locks) and at most one queued rerun per tab.
import { api as defaultApi, AuthRequired, HttpError, NetworkError, type Api } from '../api';
import { getMeta, getSession, setMeta, applyChanges } from '../db/local';
import type { Uuid } from '../types';
import { applyResults, takeBatch, toMutation } from './batch';
import { emit } from './events';
import { refreshCounts, setStatus } from './status';

export type SyncOutcome = 'ok' | 'offline' | 'network' | 'auth' | 'error' | 'signed-out';

export interface EngineOptions {
  api?: Pick<Api, 'push' | 'pull'>;
  locks?: Pick<LockManager, 'request'> | null;
  isOnline?: () => boolean;
  personId?: () => Promise<Uuid | null>;
  batchSize?: number;
}

const MAX_PUSH_ROUNDS = 50;
const MAX_PULL_PAGES = 200;

export function createSyncEngine(options: EngineOptions = {}) {
  const api = options.api ?? defaultApi;
  const locks = options.locks !== undefined ? options.locks : (globalThis.navigator?.locks ?? null);
  const isOnline = options.isOnline ?? (() => globalThis.navigator?.onLine ?? true);
  const personId = options.personId ?? (async () => (await getSession())?.id ?? null);
  const batchSize = options.batchSize ?? 50;

  async function push(pid: Uuid): Promise<void> {
    for (let round = 0; round < MAX_PUSH_ROUNDS; round++) {
      const batch = await takeBatch(pid, batchSize);
      if (!batch) return;
      const response = await api.push(batch.client_id, batch.entries.map(toMutation));
      const outcome = await applyResults(pid, batch, response);
      emit({ type: 'data-change' });
      // An answer that handled nothing would make us spin: leave the rest for the next run.
      if (outcome.resendFrom === null && outcome.done + outcome.attention === 0) return;
    }
  }

  async function pull(): Promise<void> {
    let cursor = (await getMeta<number>('cursor')) ?? 0;
    for (let page = 0; page < MAX_PULL_PAGES; page++) {
      const answer = await api.pull(cursor);
      await applyChanges(answer.changes, answer.cursor);
      cursor = answer.cursor;
      if (answer.changes.length) emit({ type: 'data-change' });
      if (!answer.has_more) return;
    }
  }

  /** One full run. Network trouble leaves every entry where it is and stops; nothing is dropped. */
  async function run(): Promise<SyncOutcome> {
    const pid = await personId();
    if (!pid) return 'signed-out';
    if (!isOnline()) {
      setStatus({ online: false });
      return 'offline';
    }
    setStatus({ syncing: true, online: true });
    try {
      await push(pid);
      await pull();
      const now = new Date().toISOString();
      await setMeta('last_sync_at', now);
      setStatus({ lastSyncAt: now, error: null, authRequired: false });
      return 'ok';
    } catch (error) {
      if (error instanceof AuthRequired) {
        setStatus({ authRequired: true });
        return 'auth';
      }
      if (error instanceof NetworkError) {
        setStatus({ error: 'The server could not be reached; changes are kept on this device.' });
        return 'network';
      }
      setStatus({ error: error instanceof HttpError ? error.message : 'Sync failed; it will try again.' });
      return 'error';
    } finally {
      setStatus({ syncing: false });
      await refreshCounts();
    }
  }

  const locked = (): Promise<SyncOutcome> =>
    locks ? (locks.request('cadence-sync', run) as Promise<SyncOutcome>) : run();

  let running: Promise<SyncOutcome> | null = null;
  let again = false;

  /**
   * Ask for a sync. A call during a run queues exactly one more run. `running` is cleared in a
   * callback, never inside the job itself, so a job that finishes at once cannot leave it set.
   */
  function request(): Promise<SyncOutcome> {
    if (running) {
      again = true;
      return running;
    }
    const job = (async () => {
      let outcome: SyncOutcome;
      do {
        again = false;
        outcome = await locked();
      } while (again && outcome === 'ok');
      return outcome;
    })();
    running = job;
    const clear = () => {
      if (running === job) running = null;
    };
    job.then(clear, clear);
    return job;
  }

  return { run, request, isRunning: () => running !== null };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;

let shared: SyncEngine | null = null;

/** The engine of this page (or of the service worker), made on first use. */
export function engine(): SyncEngine {
  shared ??= createSyncEngine();
  return shared;
}
