// The outbox: every local change is written together with its mutation in one IndexedDB transaction.
// Entries leave only when the server answers `applied` or `duplicate` (see applyResults in replay.ts).
import type { IDBPTransaction } from 'idb';
import { getDb, uuid, type CadenceDB, type ClientRecord, type LocalObservation, type OutboxEntry } from '../db';
import type { FeedbackResponse, MutationName, ObservationContent, ServerObservation, Uuid } from '../types';
import { emit } from './events';

type Tx = IDBPTransaction<CadenceDB, ('outbox' | 'meta' | 'observations' | 'feedback' | 'action_steps')[], 'readwrite'>;

const CONTENT_KEYS: (keyof ObservationContent)[] = [
  'educator_id', 'rubric_id', 'observed_at', 'duration_minutes', 'context', 'scores', 'evidence',
  'glow', 'grow', 'action_step', 'follows_up',
];

export function contentOf(obs: ObservationContent): ObservationContent {
  const out: Record<string, unknown> = {};
  for (const key of CONTENT_KEYS) out[key] = obs[key];
  return out as unknown as ObservationContent;
}

/** This person's installation id and next seq; made on first use. Seqs are per client, never reused. */
async function allocateSeq(tx: Tx, personId: Uuid): Promise<{ client_id: Uuid; seq: number }> {
  const meta = tx.objectStore('meta');
  const key = `client:${personId}`;
  const client = ((await meta.get(key)) as ClientRecord | undefined) ?? { client_id: uuid(), next_seq: 1 };
  await meta.put({ ...client, next_seq: client.next_seq + 1 }, key);
  return { client_id: client.client_id, seq: client.next_seq };
}

async function enqueue(
  tx: Tx, personId: Uuid, name: MutationName, target: string, args: Record<string, unknown>,
): Promise<OutboxEntry> {
  const { client_id, seq } = await allocateSeq(tx, personId);
  const entry: OutboxEntry = {
    id: uuid(), person_id: personId, client_id, seq, name, args, target,
    created_at: new Date().toISOString(), sent: false, state: 'pending',
  };
  entry.key = await tx.objectStore('outbox').add(entry);
  return entry;
}

async function entriesOf(tx: Tx, target: string): Promise<OutboxEntry[]> {
  const rows = await tx.objectStore('outbox').index('by_target').getAll(target);
  return rows.sort((a, b) => a.seq - b.seq);
}

const needsAttention = (entries: OutboxEntry[]) => entries.some((e) => e.state !== 'pending');

type StoreName = 'outbox' | 'meta' | 'observations' | 'feedback' | 'action_steps';

/** Run `work` in one readwrite transaction; any error aborts all of it (no row without its entry). */
async function write(stores: StoreName[], urgent: boolean, work: (tx: Tx) => Promise<void>): Promise<void> {
  const tx = (await getDb()).transaction(stores, 'readwrite') as unknown as Tx;
  try {
    await work(tx);
  } catch (error) {
    tx.done.catch(() => undefined);
    try {
      tx.abort();
    } catch {
      // already finished or aborted by the failed request itself
    }
    throw error;
  }
  await tx.done;
  emit({ type: 'local-change', urgent });
}

/**
 * Stage the full content as an `observation.save`: fold it into a queued save that has never left the
 * device (so typing makes one mutation, not hundreds), or queue a new one based on the predicted version.
 * While the row needs attention its edits are only stored; the person resends them explicitly.
 */
async function stageSave(tx: Tx, personId: Uuid, draft: ServerObservation, force = false): Promise<LocalObservation> {
  const store = tx.objectStore('observations');
  const stored = await store.get(draft.id);
  const record: LocalObservation = {
    ...draft,
    status: stored?.status === 'published' ? 'published' : draft.status,
    version: stored?.version ?? null,
    server_version: stored?.server_version ?? null,
  };
  const target = `observation:${draft.id}`;
  const entries = await entriesOf(tx, target);
  const unchanged = !force && stored && JSON.stringify(contentOf(stored)) === JSON.stringify(contentOf(draft));
  if (!needsAttention(entries) && !unchanged) {
    const last = entries[entries.length - 1];
    const args = { id: draft.id, ...contentOf(draft) };
    if (last && last.name === 'observation.save' && !last.sent && last.state === 'pending') {
      last.args = { ...args, base_version: last.args['base_version'] ?? null };
      await tx.objectStore('outbox').put(last);
    } else {
      await enqueue(tx, personId, 'observation.save', target, { ...args, base_version: record.version });
      record.version = (record.version ?? 0) + 1;
    }
  }
  await store.put(record);
  return record;
}

async function stagePublish(tx: Tx, personId: Uuid, record: LocalObservation): Promise<void> {
  const target = `observation:${record.id}`;
  if (!needsAttention(await entriesOf(tx, target))) {
    await enqueue(tx, personId, 'observation.publish', target, { id: record.id, base_version: record.version });
    record.version = (record.version ?? 0) + 1;
  }
  record.status = 'published';
  record.published_at = record.published_at ?? new Date().toISOString();
  await tx.objectStore('observations').put(record);
}

export function saveObservation(personId: Uuid, draft: ServerObservation): Promise<void> {
  return write(['observations', 'outbox', 'meta'], false, async (tx) => {
    await stageSave(tx, personId, draft);
  });
}

export function publishObservation(personId: Uuid, draft: ServerObservation): Promise<void> {
  return write(['observations', 'outbox', 'meta'], true, async (tx) => {
    const before = await tx.objectStore('observations').get(draft.id);
    const record = await stageSave(tx, personId, { ...draft, status: before?.status ?? 'draft' });
    if (before?.status !== 'published') await stagePublish(tx, personId, record);
  });
}

function blankResponse(observationId: Uuid, educatorId: Uuid): FeedbackResponse {
  return { id: null, observation_id: observationId, educator_id: educatorId, seen_at: null, acknowledged_at: null, reflection: '' };
}

export function acknowledge(personId: Uuid, observationId: Uuid): Promise<void> {
  return write(['feedback', 'outbox', 'meta'], true, async (tx) => {
    const row = (await tx.objectStore('feedback').get(observationId)) ?? blankResponse(observationId, personId);
    if (!row.acknowledged_at) {
      const now = new Date().toISOString();
      await tx.objectStore('feedback').put({ ...row, acknowledged_at: now, seen_at: row.seen_at ?? now });
      await enqueue(tx, personId, 'feedback.acknowledge', `feedback:${observationId}`, { observation_id: observationId });
    }
  });
}

export function reflect(personId: Uuid, observationId: Uuid, text: string): Promise<void> {
  return write(['feedback', 'outbox', 'meta'], false, async (tx) => {
    const row = (await tx.objectStore('feedback').get(observationId)) ?? blankResponse(observationId, personId);
    await tx.objectStore('feedback').put({ ...row, reflection: text });
    const target = `feedback:${observationId}`;
    const entries = await entriesOf(tx, target);
    const queued = entries.find((e) => e.name === 'feedback.reflect' && !e.sent && e.state === 'pending');
    // The server wants some text: an emptied box stays on the device until there are words again.
    if (!text.trim()) return;
    if (queued) await tx.objectStore('outbox').put({ ...queued, args: { observation_id: observationId, text } });
    else if (!needsAttention(entries)) {
      await enqueue(tx, personId, 'feedback.reflect', target, { observation_id: observationId, text });
    }
  });
}

export function updateActionStep(
  personId: Uuid, stepId: Uuid, status: 'open' | 'mastered', note: string,
): Promise<void> {
  return write(['action_steps', 'outbox', 'meta'], true, async (tx) => {
    const step = await tx.objectStore('action_steps').get(stepId);
    if (step) {
      const target = `action_step:${stepId}`;
      const base = step.version ?? null;
      await enqueue(tx, personId, 'action_step.update', target, { id: stepId, base_version: base, status, note });
      await tx.objectStore('action_steps').put({
        ...step, status, note, status_at: new Date().toISOString(), version: (base ?? 0) + 1,
      });
    }
  });
}

// ---- needing attention: resend a fix, take a side in a conflict, or discard ------------------

/** Replace a row's rejected or conflicting entries with new mutations carrying what the device holds. */
export function resend(personId: Uuid, target: string, choice: 'mine' | 'theirs' = 'mine'): Promise<void> {
  return write(['observations', 'feedback', 'action_steps', 'outbox', 'meta'], true, async (tx) => {
    const entries = await entriesOf(tx, target);
    const stuck = entries.filter((e) => e.state !== 'pending');
    for (const e of stuck) await tx.objectStore('outbox').delete(e.key!);
    const [kind, id] = splitTarget(target);
    const conflictRows = stuck.map((e) => e.current).filter((c) => !!c);
    const current = conflictRows[conflictRows.length - 1];
    if (kind === 'observation') {
      const store = tx.objectStore('observations');
      const record = await store.get(id);
      if (record && current?.deleted) {
        await store.delete(id);
        if (choice === 'mine') {
          // The row is gone on the server: keep the person's work as a new observation.
          const copy: LocalObservation = { ...record, id: uuid(), status: 'draft', version: null, server_version: null };
          const saved = await stageSave(tx, personId, copy);
          if (record.status === 'published') await stagePublish(tx, personId, saved);
        }
      } else if (record && choice === 'theirs' && current?.data) {
        const theirs = current.data as unknown as ServerObservation;
        await store.put({ ...theirs, version: current.version, server_version: current.version });
        await stageSave(tx, personId, theirs, true);
      } else if (record) {
        const base = current ? current.version : record.server_version;
        await store.put({ ...record, version: base, server_version: base });
        const saved = await stageSave(tx, personId, record, true);
        if (record.status === 'published') await stagePublish(tx, personId, saved);
      }
    } else if (kind === 'feedback') {
      const row = await tx.objectStore('feedback').get(id);
      if (row?.acknowledged_at) await enqueue(tx, personId, 'feedback.acknowledge', target, { observation_id: id });
      if (row?.reflection) await enqueue(tx, personId, 'feedback.reflect', target, { observation_id: id, text: row.reflection });
    } else if (kind === 'action_step') {
      const step = await tx.objectStore('action_steps').get(id);
      const base = current ? current.version : Math.max((step?.version ?? 1) - 1, 1);
      if (step) await enqueue(tx, personId, 'action_step.update', target, { id, base_version: base, status: step.status, note: step.note });
    }
  });
}

/** Drop a row's stuck entries; the next full pull brings back the server's state of the row. */
export function discard(target: string): Promise<void> {
  return write(['observations', 'outbox', 'meta'], true, async (tx) => {
    for (const e of await entriesOf(tx, target)) {
      if (e.state !== 'pending') await tx.objectStore('outbox').delete(e.key!);
    }
    const [kind, id] = splitTarget(target);
    if (kind === 'observation') {
      const record = await tx.objectStore('observations').get(id);
      if (record && record.server_version === null) await tx.objectStore('observations').delete(id);
    }
    await tx.objectStore('meta').put(0, 'cursor');
  });
}

export function splitTarget(target: string): [string, Uuid] {
  const at = target.indexOf(':');
  return [target.slice(0, at), target.slice(at + 1)];
}

export interface OutboxCounts { pending: number; attention: number }

export async function counts(personId: Uuid): Promise<OutboxCounts> {
  const rows = await (await getDb()).getAllFromIndex('outbox', 'by_person', personId);
  const attention = new Set(rows.filter((e) => e.state !== 'pending').map((e) => e.target)).size;
  return { pending: rows.filter((e) => e.state === 'pending').length, attention };
}
