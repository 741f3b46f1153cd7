import { describe, expect, it } from 'vitest';
import { getDb } from '../src/db';
import { entriesFor, getObservation } from '../src/db/local';
import { takeBatch } from '../src/sync/batch';
import {
  acknowledge, counts, publishObservation, reflect, saveObservation,
} from '../src/sync/outbox';
import { draft, ME } from './helpers';

describe('outbox', () => {
  it('writes the observation and its save mutation together, with a client id and seq 1', async () => {
    const obs = draft({ glow: 'Clear launch' });
    await saveObservation(ME.id, obs);
    const [entry, ...rest] = await entriesFor(ME.id);
    expect(rest).toHaveLength(0);
    expect(entry).toMatchObject({ name: 'observation.save', seq: 1, state: 'pending', sent: false });
    expect(entry!.args).toMatchObject({ id: obs.id, base_version: null, glow: 'Clear launch', educator_id: 'teacher-1' });
    expect(entry!.client_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await getObservation(obs.id)).toMatchObject({ glow: 'Clear launch', version: 1, server_version: null });
  });

  it('folds keystrokes into the one save that has not left the device', async () => {
    const obs = draft();
    for (const glow of ['C', 'Cl', 'Cle', 'Clea', 'Clear']) await saveObservation(ME.id, { ...obs, glow });
    const entries = await entriesFor(ME.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.args['glow']).toBe('Clear');
    expect(await counts(ME.id)).toEqual({ pending: 1, attention: 0 });
  });

  it('never edits a sent entry: later edits queue a new save based on the predicted version', async () => {
    const obs = draft();
    await saveObservation(ME.id, { ...obs, glow: 'first' });
    await takeBatch(ME.id, 50); // it may now have reached the server
    await saveObservation(ME.id, { ...obs, glow: 'second' });
    await saveObservation(ME.id, { ...obs, glow: 'third' });
    const entries = await entriesFor(ME.id);
    expect(entries.map((e) => [e.seq, e.args['base_version'], e.args['glow']])).toEqual([
      [1, null, 'first'],
      [2, 1, 'third'],
    ]);
    expect((await getObservation(obs.id))!.version).toBe(2);
  });

  it('publishing queues the latest content and then the publish, each on the version before it', async () => {
    const obs = draft({ scores: { engagement: 3 } });
    await saveObservation(ME.id, obs);
    await takeBatch(ME.id, 50);
    await publishObservation(ME.id, { ...obs, glow: 'Great pacing' });
    const entries = await entriesFor(ME.id);
    expect(entries.map((e) => [e.name, e.args['base_version']])).toEqual([
      ['observation.save', null],
      ['observation.save', 1],
      ['observation.publish', 2],
    ]);
    expect(await getObservation(obs.id)).toMatchObject({ status: 'published', version: 3 });
  });

  it('publishing twice queues one publish', async () => {
    const obs = draft();
    await publishObservation(ME.id, obs);
    await publishObservation(ME.id, obs);
    const names = (await entriesFor(ME.id)).map((e) => e.name);
    expect(names.filter((n) => n === 'observation.publish')).toHaveLength(1);
  });

  it('gives distinct consecutive seqs to changes made at the same moment (two tabs)', async () => {
    await Promise.all([1, 2, 3, 4].map(() => saveObservation(ME.id, draft())));
    expect((await entriesFor(ME.id)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps one client id per person, so another person on the device never reuses it', async () => {
    await saveObservation(ME.id, draft());
    await saveObservation('teacher-1', draft({ observer_id: 'teacher-1' }));
    const mine = await entriesFor(ME.id);
    const theirs = await entriesFor('teacher-1');
    expect(mine[0]!.client_id).not.toBe(theirs[0]!.client_id);
    expect(theirs[0]!.seq).toBe(1);
  });

  it('acknowledging stores the response locally and queues it once', async () => {
    await acknowledge('teacher-1', 'obs-9');
    await acknowledge('teacher-1', 'obs-9');
    const entries = await entriesFor('teacher-1');
    expect(entries.map((e) => e.name)).toEqual(['feedback.acknowledge']);
    const row = await (await getDb()).get('feedback', 'obs-9');
    expect(row?.acknowledged_at).toBeTruthy();
  });

  it('a reflection being typed is one mutation carrying the last text', async () => {
    for (const text of ['I', 'I will', 'I will try it']) await reflect('teacher-1', 'obs-9', text);
    const entries = await entriesFor('teacher-1');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.args).toEqual({ observation_id: 'obs-9', text: 'I will try it' });
  });

  it('an observation write that fails leaves no entry behind', async () => {
    const bad = draft() as unknown as Record<string, unknown>;
    bad['scores'] = { oops: () => 1 }; // not cloneable: the transaction must abort as a whole
    await expect(saveObservation(ME.id, bad as never)).rejects.toThrow();
    expect(await entriesFor(ME.id)).toHaveLength(0);
    expect(await getObservation(String(bad['id']))).toBeUndefined();
    await saveObservation(ME.id, draft());
    expect((await entriesFor(ME.id)).map((e) => e.seq)).toEqual([1]); // the failed write used no seq
  });
});
