// The outbox as the sync loop sees it: take a batch to send, then record what the server answered.
import type { IDBPTransaction } from 'idb';
import { getDb, type CadenceDB, type ClientRecord, type OutboxEntry } from '../db';
import type { Mutation, MutationResult, PushResponse, Uuid } from '../types';
import { splitTarget } from './outbox';

export interface Batch { client_id: Uuid; entries: OutboxEntry[] }

/** The oldest pending entries of this person, marked as sent before they leave (never edited after). */
export async function takeBatch(personId: Uuid, limit: number): Promise<Batch | null> {
  const db = await getDb();
  const tx = db.transaction(['outbox', 'meta'], 'readwrite');
  const client = (await tx.objectStore('meta').get(`client:${personId}`)) as ClientRecord | undefined;
  if (!client) {
    await tx.done;
    return null;
  }
  const all = await tx.objectStore('outbox').index('by_client').getAll(client.client_id);
  const entries = all.filter((e) => e.state === 'pending').sort((a, b) => a.seq - b.seq).slice(0, limit);
  for (const entry of entries) {
    if (!entry.sent) await tx.objectStore('outbox').put({ ...entry, sent: true });
    entry.sent = true;
  }
  await tx.done;
  return entries.length ? { client_id: client.client_id, entries } : null;
}

export const toMutation = (e: OutboxEntry): Mutation => ({ id: e.id, seq: e.seq, name: e.name, args: e.args });

export interface Outcome { done: number; attention: number; resendFrom: number | null }

/** Apply the server's answers in one transaction: drop what it has, keep what needs the person. */
export async function applyResults(personId: Uuid, batch: Batch, response: PushResponse): Promise<Outcome> {
  const db = await getDb();
  const tx = db.transaction(['outbox', 'observations', 'action_steps', 'meta'], 'readwrite');
  const outbox = tx.objectStore('outbox');
  const byId = new Map<Uuid, MutationResult>(response.results.map((r) => [r.id, r]));
  const outcome: Outcome = { done: 0, attention: 0, resendFrom: null };
  for (const entry of batch.entries) {
    const result = byId.get(entry.id);
    if (!result) continue; // no answer for it: it stays and goes again
    if (result.status === 'applied' || result.status === 'duplicate') {
      await outbox.delete(entry.key!);
      outcome.done += 1;
      if (typeof result.version === 'number') await confirmVersion(tx, entry, result.version);
    } else if (result.status === 'conflict') {
      await outbox.put({ ...entry, state: 'conflict', current: result.current ?? null, message: result.message ?? 'Changed elsewhere' });
      outcome.attention += 1;
    } else if (result.status === 'rejected') {
      await outbox.put({ ...entry, state: 'rejected', message: result.message ?? 'Rejected by the server', errors: result.errors ?? {} });
      outcome.attention += 1;
    } else if (result.status === 'gap') {
      const from = result.resend_from ?? response.resend_from ?? entry.seq;
      outcome.resendFrom = outcome.resendFrom === null ? from : Math.min(outcome.resendFrom, from);
    }
  }
  if (outcome.resendFrom !== null) await renumber(tx, personId, batch.client_id, outcome.resendFrom);
  await tx.done;
  return outcome;
}

type ResultTx = IDBPTransaction<CadenceDB, ('outbox' | 'observations' | 'action_steps' | 'meta')[], 'readwrite'>;

async function confirmVersion(tx: ResultTx, entry: OutboxEntry, version: number): Promise<void> {
  const [kind, id] = splitTarget(entry.target);
  if (kind === 'observation') {
    const store = tx.objectStore('observations');
    const row = await store.get(id);
    if (row) await store.put({ ...row, server_version: Math.max(row.server_version ?? 0, version) });
  }
}

/**
 * The server is missing seqs from `from`: the pending entries from there on were not recorded, so they
 * are renumbered to follow on without a hole (their ids stay; the server has never seen them).
 */
async function renumber(tx: ResultTx, personId: Uuid, clientId: Uuid, from: number): Promise<void> {
  const outbox = tx.objectStore('outbox');
  const waiting = (await outbox.index('by_client').getAll(clientId))
    .filter((e) => e.state === 'pending' && e.seq >= from)
    .sort((a, b) => a.seq - b.seq);
  let seq = from;
  for (const entry of waiting) {
    if (entry.seq !== seq) await outbox.put({ ...entry, seq });
    seq += 1;
  }
  const meta = tx.objectStore('meta');
  const key = `client:${personId}`;
  const client = (await meta.get(key)) as ClientRecord;
  if (waiting.length && client.next_seq !== seq) await meta.put({ ...client, next_seq: seq }, key);
}
