import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_NAME, DB_VERSION, getDb, upgrade, type CadenceDB } from '../src/db';

describe('IndexedDB schema', () => {
  it('a fresh install gets every store and index of the latest version', async () => {
    const db = await getDb();
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([
      'action_steps', 'cache', 'feedback', 'meta', 'observations', 'outbox', 'people', 'rubrics', 'schools', 'teams',
    ]);
    const tx = db.transaction(['outbox', 'observations']);
    expect([...tx.objectStore('outbox').indexNames].sort()).toEqual(['by_client', 'by_person', 'by_target']);
    expect([...tx.objectStore('observations').indexNames].sort()).toEqual(['by_educator', 'by_observer']);
  });

  it('upgrading a version-1 database keeps the queued changes and adds the new indexes', async () => {
    // Build a database exactly as version 1 of the app left it, with an unsynced change in it.
    const v1 = await openDB<CadenceDB>(DB_NAME, 1, { upgrade: (db, old, _n, tx) => upgrade(db, old, tx as never, 1) });
    expect([...v1.objectStoreNames]).not.toContain('cache');
    await v1.add('outbox', {
      id: 'm-1', person_id: 'p-1', client_id: 'c-1', seq: 1, name: 'observation.save', args: { id: 'o-1' },
      target: 'observation:o-1', created_at: '2025-09-01T00:00:00Z', sent: false, state: 'pending',
    });
    await v1.put('meta', { client_id: 'c-1', next_seq: 2 }, 'client:p-1');
    v1.close();

    const db = await getDb();
    expect(db.version).toBe(DB_VERSION);
    const byTarget = await db.getAllFromIndex('outbox', 'by_target', 'observation:o-1');
    expect(byTarget.map((e) => e.id)).toEqual(['m-1']);
    expect(await db.get('meta', 'client:p-1')).toEqual({ client_id: 'c-1', next_seq: 2 });
    await db.put('cache', { key: 'roster', fetched_at: 'now', value: [] });
  });
});
