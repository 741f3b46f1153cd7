// The local store's narrow API: session and cursor, pulled pages, and the reads the views need.
import { getDb } from './index';
import type { LocalObservation, OutboxEntry } from './schema';
import type {
  ActionStep, Change, FeedbackResponse, Me, Person, Rubric, School, ServerObservation, Team, Uuid,
} from '../types';

export async function getMeta<T>(key: string): Promise<T | undefined> {
  return (await (await getDb()).get('meta', key)) as T | undefined;
}

export async function setMeta(key: string, value: unknown): Promise<void> {
  await (await getDb()).put('meta', value, key);
}

export const getSession = () => getMeta<Me>('session');

/** Remember who is signed in; when the person changes, drop what was pulled for the previous one. */
export async function claimStore(me: Me): Promise<void> {
  const db = await getDb();
  const tx = db.transaction(
    ['meta', 'outbox', 'observations', 'people', 'teams', 'schools', 'rubrics', 'action_steps', 'feedback', 'cache'],
    'readwrite',
  );
  const owner = (await tx.objectStore('meta').get('data_owner')) as Uuid | undefined;
  if (owner !== undefined && owner !== me.id) {
    for (const name of ['people', 'teams', 'schools', 'rubrics', 'action_steps', 'feedback', 'cache'] as const) {
      await tx.objectStore(name).clear();
    }
    // Observations with queued changes belong to the outbox of the person who made them: keep those.
    const targets = new Set((await tx.objectStore('outbox').getAll()).map((e) => e.target));
    let cursor = await tx.objectStore('observations').openCursor();
    while (cursor) {
      if (!targets.has(`observation:${cursor.key}`)) await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.objectStore('meta').put(0, 'cursor');
    await tx.objectStore('meta').delete('last_sync_at');
  }
  await tx.objectStore('meta').put(me.id, 'data_owner');
  await tx.objectStore('meta').put(me, 'session');
  await tx.done;
}

export async function clearSession(): Promise<void> {
  await (await getDb()).delete('meta', 'session');
}

/** Store one pulled page and its cursor in one transaction; rows with queued local changes keep them. */
export async function applyChanges(changes: Change[], cursor: number): Promise<void> {
  const db = await getDb();
  const tx = db.transaction(
    ['meta', 'outbox', 'observations', 'people', 'teams', 'schools', 'rubrics', 'action_steps', 'feedback'],
    'readwrite',
  );
  const queued = new Set((await tx.objectStore('outbox').getAll()).map((e) => e.target));
  for (const change of changes) {
    const data = change.data;
    switch (change.type) {
      case 'observation': {
        if (queued.has(`observation:${change.id}`)) break;
        const store = tx.objectStore('observations');
        if (change.deleted || !data) await store.delete(change.id);
        else {
          const row = data as unknown as ServerObservation;
          await store.put({ ...row, version: change.version, server_version: change.version });
        }
        break;
      }
      case 'feedback_response': {
        const store = tx.objectStore('feedback');
        if (change.deleted || !data) {
          const key = await store.index('by_id').getKey(change.id);
          if (key !== undefined && !queued.has(`feedback:${key}`)) await store.delete(key);
          break;
        }
        const row = data as unknown as FeedbackResponse;
        const mine = await store.get(row.observation_id);
        if (mine && queued.has(`feedback:${row.observation_id}`)) {
          await store.put({
            ...row,
            acknowledged_at: mine.acknowledged_at ?? row.acknowledged_at,
            reflection: mine.reflection || row.reflection,
          });
        } else await store.put(row);
        break;
      }
      case 'action_step':
        if (queued.has(`action_step:${change.id}`)) break;
        await putOrDelete(tx.objectStore('action_steps'), change);
        break;
      case 'person': await putOrDelete(tx.objectStore('people'), change); break;
      case 'team': await putOrDelete(tx.objectStore('teams'), change); break;
      case 'school': await putOrDelete(tx.objectStore('schools'), change); break;
      case 'rubric': await putOrDelete(tx.objectStore('rubrics'), change); break;
      default: break; // a type this version does not know yet: skip it, a later version will pull again
    }
  }
  await tx.objectStore('meta').put(cursor, 'cursor');
  await tx.done;
}

interface PutStore {
  put(value: never): Promise<unknown>;
  delete(key: string): Promise<void>;
}

async function putOrDelete(store: PutStore, change: Change): Promise<void> {
  if (change.deleted || !change.data) await store.delete(change.id);
  else await store.put({ ...change.data, id: change.id, version: change.version } as never);
}

// ---- reads for the views ----------------------------------------------------------------------

export interface LocalData {
  people: Map<Uuid, Person>;
  teams: Team[];
  schools: School[];
  rubrics: Rubric[];
}

export async function loadDirectory(): Promise<LocalData> {
  const db = await getDb();
  const [people, teams, schools, rubrics] = await Promise.all([
    db.getAll('people'), db.getAll('teams'), db.getAll('schools'), db.getAll('rubrics'),
  ]);
  return { people: new Map(people.map((p) => [p.id, p])), teams, schools, rubrics };
}

export async function observationsBy(observerId: Uuid): Promise<LocalObservation[]> {
  return (await getDb()).getAllFromIndex('observations', 'by_observer', observerId);
}

export async function observationsOf(educatorId: Uuid): Promise<LocalObservation[]> {
  return (await getDb()).getAllFromIndex('observations', 'by_educator', educatorId);
}

export async function getObservation(id: Uuid): Promise<LocalObservation | undefined> {
  return (await getDb()).get('observations', id);
}

export async function getRubric(id: Uuid): Promise<Rubric | undefined> {
  return (await getDb()).get('rubrics', id);
}

export async function feedbackFor(observationIds: Uuid[]): Promise<Map<Uuid, FeedbackResponse>> {
  const db = await getDb();
  const rows = await Promise.all(observationIds.map((id) => db.get('feedback', id)));
  return new Map(rows.filter((r): r is FeedbackResponse => !!r).map((r) => [r.observation_id, r]));
}

export async function actionStepsOf(educatorId: Uuid): Promise<ActionStep[]> {
  return (await getDb()).getAllFromIndex('action_steps', 'by_educator', educatorId);
}

export async function entriesFor(personId: Uuid): Promise<OutboxEntry[]> {
  const rows = await (await getDb()).getAllFromIndex('outbox', 'by_person', personId);
  return rows.sort((a, b) => a.seq - b.seq);
}

export async function getCached<T>(key: string): Promise<{ fetched_at: string; value: T } | undefined> {
  const row = await (await getDb()).get('cache', key);
  return row ? { fetched_at: row.fetched_at, value: row.value as T } : undefined;
}

export async function putCached(key: string, value: unknown): Promise<void> {
  await (await getDb()).put('cache', { key, value, fetched_at: new Date().toISOString() });
}
