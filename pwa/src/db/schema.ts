// The typed IndexedDB schema and its upgrade ladder. A past step is never edited: a change is a new step.
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type {
  ActionStep, Change, FeedbackResponse, MutationName, Person, Rubric, School, ServerObservation, Team, Uuid,
} from '../types';

export const DB_NAME = 'cadence';
export const DB_VERSION = 2;

/** An observation as this device knows it: the server's shape plus what the outbox predicts. */
export interface LocalObservation extends ServerObservation {
  /** The version the server will hold once every queued mutation of this row is applied (null: none yet). */
  version: number | null;
  /** The last version the server confirmed (pull or an applied result); null if it never had the row. */
  server_version: number | null;
  /** An evidence note still being typed: kept on the device only, never sent. */
  note_draft?: string;
}

export type EntryState = 'pending' | 'rejected' | 'conflict';

export interface OutboxEntry {
  key?: number;
  id: Uuid;
  person_id: Uuid;
  client_id: Uuid;
  seq: number;
  name: MutationName;
  args: Record<string, unknown>;
  /** What the mutation writes, e.g. `observation:<id>`; used to coalesce and to show sync state per row. */
  target: string;
  created_at: string;
  /** True once the entry may have reached the server; from then on its args are never edited. */
  sent: boolean;
  state: EntryState;
  message?: string;
  errors?: Record<string, unknown>;
  current?: Change | null;
}

export interface ClientRecord { client_id: Uuid; next_seq: number }

export interface CachedAnswer { key: string; fetched_at: string; value: unknown }

export interface CadenceDB extends DBSchema {
  meta: { key: string; value: unknown };
  outbox: {
    key: number;
    value: OutboxEntry;
    indexes: { by_person: Uuid; by_client: Uuid; by_target: string };
  };
  observations: {
    key: Uuid;
    value: LocalObservation;
    indexes: { by_educator: Uuid; by_observer: Uuid };
  };
  people: { key: Uuid; value: Person };
  teams: { key: Uuid; value: Team };
  schools: { key: Uuid; value: School };
  rubrics: { key: Uuid; value: Rubric };
  action_steps: { key: Uuid; value: ActionStep; indexes: { by_educator: Uuid } };
  /** Keyed by observation: the device writes a response before the server has given it an id. */
  feedback: { key: Uuid; value: FeedbackResponse; indexes: { by_id: Uuid } };
  cache: { key: string; value: CachedAnswer };
}

type UpgradeTx = IDBPTransaction<CadenceDB, StoreNames<CadenceDB>[], 'versionchange'>;

/** Bring a database from `oldVersion` to `target` (the latest unless a test builds an old one), rung by rung. */
export function upgrade(db: IDBPDatabase<CadenceDB>, oldVersion: number, tx: UpgradeTx, target = DB_VERSION): void {
  const rung = (n: number) => oldVersion < n && target >= n;
  if (rung(1)) {
    db.createObjectStore('meta');
    const outbox = db.createObjectStore('outbox', { keyPath: 'key', autoIncrement: true });
    outbox.createIndex('by_person', 'person_id');
    outbox.createIndex('by_client', 'client_id');
    const observations = db.createObjectStore('observations', { keyPath: 'id' });
    observations.createIndex('by_educator', 'educator_id');
    db.createObjectStore('people', { keyPath: 'id' });
    db.createObjectStore('teams', { keyPath: 'id' });
    db.createObjectStore('schools', { keyPath: 'id' });
    db.createObjectStore('rubrics', { keyPath: 'id' });
    const steps = db.createObjectStore('action_steps', { keyPath: 'id' });
    steps.createIndex('by_educator', 'educator_id');
    const feedback = db.createObjectStore('feedback', { keyPath: 'observation_id' });
    feedback.createIndex('by_id', 'id');
  }
  if (rung(2)) {
    // Sync state per row and "my observations" needed lookups the first version scanned for.
    tx.objectStore('outbox').createIndex('by_target', 'target');
    tx.objectStore('observations').createIndex('by_observer', 'observer_id');
    // Online-only answers (the admin roster) kept with their age for offline use.
    db.createObjectStore('cache', { keyPath: 'key' });
  }
}
