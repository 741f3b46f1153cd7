import { describe, expect, it } from 'vitest';
import { getDb } from '../src/db';
import { entriesFor, getMeta, getObservation } from '../src/db/local';
import { createSyncEngine } from '../src/sync/loop';
import { counts, publishObservation, resend, saveObservation } from '../src/sync/outbox';
import { getStatus } from '../src/sync/status';
import { draft, ME, signedIn } from './helpers';

const engine = (online = () => true) => createSyncEngine({ locks: null, isOnline: online, personId: async () => ME.id });

describe('sync loop', () => {
  it('applied: the outbox empties, the row comes back from the pull with its version', async () => {
    const server = await signedIn();
    const obs = draft({ scores: { a: 3 } });
    await publishObservation(ME.id, obs);
    expect(await engine().run()).toBe('ok');
    expect(await entriesFor(ME.id)).toHaveLength(0);
    expect(server.observation(obs.id)).toMatchObject({ version: 2, data: { status: 'published', scores: { a: 3 } } });
    expect(await getObservation(obs.id)).toMatchObject({ version: 2, server_version: 2, status: 'published' });
    expect(await getMeta('last_sync_at')).toBeTruthy();
  });

  it('a lost answer is sent again and answered duplicate: stored once, outbox empty', async () => {
    const server = await signedIn();
    const obs = draft();
    await saveObservation(ME.id, obs);
    server.faults.push('lose-answer');
    expect(await engine().run()).toBe('network');
    expect(await entriesFor(ME.id)).toHaveLength(1);
    await saveObservation(ME.id, { ...obs, glow: 'typed after the lost answer' });
    expect(await engine().run()).toBe('ok');
    expect(await entriesFor(ME.id)).toHaveLength(0);
    expect(server.pushes[1]!.map((m) => m.seq)).toEqual([1, 2]);
    expect(server.observation(obs.id)).toMatchObject({ version: 2, data: { glow: 'typed after the lost answer' } });
  });

  it('network failure puts the batch back untouched and stops before pulling', async () => {
    const server = await signedIn();
    await saveObservation(ME.id, draft());
    server.faults.push('network');
    expect(await engine().run()).toBe('network');
    const [entry] = await entriesFor(ME.id);
    expect(entry).toMatchObject({ state: 'pending', seq: 1 });
    expect(server.pulls).toHaveLength(0);
    expect(getStatus().error).toMatch(/kept on this device/);
  });

  it('offline: nothing is sent at all', async () => {
    const server = await signedIn();
    await saveObservation(ME.id, draft());
    expect(await engine(() => false).run()).toBe('offline');
    expect(server.pushes).toHaveLength(0);
    expect(getStatus().online).toBe(false);
  });

  it('401 keeps the outbox, asks to sign in, and the next run after signing in sends it', async () => {
    const server = await signedIn();
    const obs = draft();
    await saveObservation(ME.id, obs);
    server.faults.push('unauthorized');
    expect(await engine().run()).toBe('auth');
    expect(getStatus().authRequired).toBe(true);
    expect(await entriesFor(ME.id)).toHaveLength(1);
    expect(await engine().run()).toBe('ok');
    expect(getStatus().authRequired).toBe(false);
    expect(server.observation(obs.id)).toBeDefined();
  });

  it('rejected: kept as needing attention with the message, not resent, and a fix goes out as a new mutation', async () => {
    const server = await signedIn();
    server.rejectWhen = (m) => (m.args['educator_id'] === 'stranger' ? 'You may not observe this educator.' : null);
    const obs = draft({ educator_id: 'stranger' });
    await saveObservation(ME.id, obs);
    await engine().run();
    const [stuck] = await entriesFor(ME.id);
    expect(stuck).toMatchObject({ state: 'rejected', message: 'You may not observe this educator.' });
    expect(await counts(ME.id)).toEqual({ pending: 0, attention: 1 });
    const edited = { ...obs, glow: 'edits while it needs attention stay local' };
    await saveObservation(ME.id, edited);
    await engine().run();
    expect(server.pushes).toHaveLength(1);
    await saveObservation(ME.id, { ...edited, educator_id: 'teacher-1' });
    await resend(ME.id, `observation:${obs.id}`);
    const [fix] = await entriesFor(ME.id);
    expect(fix).toMatchObject({ seq: 2, state: 'pending', args: { base_version: null, educator_id: 'teacher-1' } });
    expect(fix!.id).not.toBe(stuck!.id);
    expect(await engine().run()).toBe('ok');
    expect(await entriesFor(ME.id)).toHaveLength(0);
    expect(server.observation(obs.id)?.data).toMatchObject({ educator_id: 'teacher-1', glow: 'edits while it needs attention stay local' });
  });

  it('conflict: both versions are kept; keeping mine sends it on the server\'s current version', async () => {
    const server = await signedIn();
    const obs = draft({ glow: 'v1' });
    await saveObservation(ME.id, obs);
    await engine().run();
    server.write('observation', obs.id, { glow: 'from the other phone' });
    await saveObservation(ME.id, { ...obs, glow: 'from this phone' });
    await engine().run();
    const [stuck] = await entriesFor(ME.id);
    expect(stuck).toMatchObject({ state: 'conflict', current: { version: 2, data: { glow: 'from the other phone' } } });
    expect((await getObservation(obs.id))!.glow).toBe('from this phone'); // the pull did not overwrite mine
    await resend(ME.id, `observation:${obs.id}`, 'mine');
    const [choice] = await entriesFor(ME.id);
    expect(choice!.args).toMatchObject({ base_version: 2, glow: 'from this phone' });
    await engine().run();
    expect(server.observation(obs.id)).toMatchObject({ version: 3, data: { glow: 'from this phone' } });
  });

  it('conflict: keeping theirs adopts the server row', async () => {
    const server = await signedIn();
    const obs = draft({ glow: 'v1' });
    await saveObservation(ME.id, obs);
    await engine().run();
    server.write('observation', obs.id, { glow: 'theirs' });
    await saveObservation(ME.id, { ...obs, glow: 'mine' });
    await engine().run();
    await resend(ME.id, `observation:${obs.id}`, 'theirs');
    expect((await getObservation(obs.id))!.glow).toBe('theirs');
    await engine().run();
    expect(await entriesFor(ME.id)).toHaveLength(0);
    expect(server.observation(obs.id)?.data['glow']).toBe('theirs');
  });

  it('gap: resends from the seq the server names, renumbering what it never recorded', async () => {
    const server = await signedIn();
    await saveObservation(ME.id, draft());
    await saveObservation(ME.id, draft());
    // The server lost the client's history (restored from a backup): it expects seq 1 again.
    const db = await getDb();
    const entries = await entriesFor(ME.id);
    for (const e of entries) await db.put('outbox', { ...e, seq: e.seq + 5 });
    const client = (await getMeta<{ client_id: string; next_seq: number }>(`client:${ME.id}`))!;
    await db.put('meta', { ...client, next_seq: 8 }, `client:${ME.id}`);
    expect(await engine().run()).toBe('ok');
    expect(server.pushes.map((batch) => batch.map((m) => m.seq))).toEqual([[6, 7], [1, 2]]);
    expect(await entriesFor(ME.id)).toHaveLength(0);
    await saveObservation(ME.id, draft());
    expect((await entriesFor(ME.id))[0]!.seq).toBe(3);
  });

  it('pulls every page, applies tombstones, and leaves rows with queued changes alone', async () => {
    const server = await signedIn();
    for (let i = 0; i < 7; i++) server.write('person', `p-${i}`, { name: `Person ${i}`, email: `${i}@x`, career_stage: null });
    server.write('person', 'p-3', {}, true);
    const mine = draft({ glow: 'local words' });
    await saveObservation(ME.id, mine);
    server.faults.push('network'); // the push fails, so the local row still has a queued change
    await engine().run();
    server.write('observation', mine.id, { ...mine, glow: 'server words' });
    const pager = createSyncEngine({
      locks: null, isOnline: () => true, personId: async () => ME.id,
      api: { push: async () => ({ results: [] }), pull: (c: number) => import('../src/api').then((m) => m.api.pull(c, 3)) },
    });
    expect(await pager.run()).toBe('ok');
    expect(server.pulls.length).toBeGreaterThan(2);
    const people = await (await getDb()).getAll('people');
    expect(people.map((p) => p.id).sort()).toEqual(['p-0', 'p-1', 'p-2', 'p-4', 'p-5', 'p-6']);
    expect((await getObservation(mine.id))!.glow).toBe('local words');
  });
});
