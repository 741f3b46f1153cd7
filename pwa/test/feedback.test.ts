import { describe, expect, it } from 'vitest';
import { getDb } from '../src/db';
import { applyChanges, claimStore, entriesFor, getObservation } from '../src/db/local';
import { createSyncEngine } from '../src/sync/loop';
import { acknowledge, counts, resend, saveObservation } from '../src/sync/outbox';
import { draft, ME, signedIn } from './helpers';

const TEACHER = { ...ME, id: 'teacher-1', name: 'Sam Rivera', email: 'teacher@cadence.test' };
const sync = () => createSyncEngine({ locks: null, isOnline: () => true, personId: async () => TEACHER.id }).run();

describe('teacher feedback and the local store', () => {
  it('a pull does not undo an acknowledgement that is still waiting to be sent', async () => {
    await claimStore(TEACHER);
    await acknowledge(TEACHER.id, 'obs-1');
    await applyChanges([{
      type: 'feedback_response', id: 'fr-1', version: 1, deleted: false,
      data: { id: 'fr-1', observation_id: 'obs-1', educator_id: TEACHER.id, seen_at: null, acknowledged_at: null, reflection: '' },
    }], 5);
    const row = await (await getDb()).get('feedback', 'obs-1');
    expect(row?.acknowledged_at).toBeTruthy();
    expect(row?.id).toBe('fr-1');
  });

  it('a rejected acknowledgement is kept, and sending it again makes a new mutation', async () => {
    const server = await signedIn();
    server.person = TEACHER.id;
    await claimStore(TEACHER);
    server.rejectWhen = () => 'There is no published feedback for you with this id.';
    await acknowledge(TEACHER.id, 'obs-1');
    await sync();
    expect(await counts(TEACHER.id)).toEqual({ pending: 0, attention: 1 });
    const [stuck] = await entriesFor(TEACHER.id);
    server.rejectWhen = () => null;
    await resend(TEACHER.id, 'feedback:obs-1');
    const [again] = await entriesFor(TEACHER.id);
    expect(again).toMatchObject({ name: 'feedback.acknowledge', seq: 2, state: 'pending' });
    expect(again!.id).not.toBe(stuck!.id);
    await sync();
    expect(await counts(TEACHER.id)).toEqual({ pending: 0, attention: 0 });
  });

  it('storing a draft whose content did not change queues nothing (a note still being typed)', async () => {
    await claimStore(ME);
    const obs = draft();
    await saveObservation(ME.id, obs);
    const db = await getDb();
    const [entry] = await entriesFor(ME.id);
    await db.put('outbox', { ...entry!, sent: true });
    await saveObservation(ME.id, { ...obs, note_draft: 'Students explain' } as typeof obs);
    expect(await entriesFor(ME.id)).toHaveLength(1);
    expect(await getObservation(obs.id)).toMatchObject({ note_draft: 'Students explain' });
  });

  it('signing in as someone else clears what was pulled but keeps the other person\'s queued work', async () => {
    await claimStore(ME);
    const queued = draft();
    await saveObservation(ME.id, queued);
    await applyChanges([
      { type: 'person', id: 'p-1', version: 1, deleted: false, data: { id: 'p-1', name: 'A', email: 'a@x', career_stage: null } },
      { type: 'observation', id: 'synced-1', version: 1, deleted: false, data: { ...draft(), id: 'synced-1' } },
    ], 9);
    await claimStore(TEACHER);
    const db = await getDb();
    expect(await db.getAll('people')).toHaveLength(0);
    expect(await getObservation('synced-1')).toBeUndefined();
    expect(await getObservation(queued.id)).toBeDefined();
    expect(await entriesFor(ME.id)).toHaveLength(1);
    expect(await db.get('meta', 'cursor')).toBe(0);
  });
});
