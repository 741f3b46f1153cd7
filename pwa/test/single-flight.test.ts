import { describe, expect, it } from 'vitest';
import { entriesFor } from '../src/db/local';
import { createSyncEngine } from '../src/sync/loop';
import { saveObservation } from '../src/sync/outbox';
import { draft, ME, signedIn } from './helpers';

/** A stand-in for navigator.locks shared by several "tabs": one holder at a time, FIFO. */
function sharedLock() {
  let tail: Promise<unknown> = Promise.resolve();
  let holders = 0;
  let maxHolders = 0;
  return {
    maxHolders: () => maxHolders,
    request: ((_name: string, callback: () => Promise<unknown>) => {
      const run = tail.then(async () => {
        holders += 1;
        maxHolders = Math.max(maxHolders, holders);
        try {
          return await callback();
        } finally {
          holders -= 1;
        }
      });
      tail = run.catch(() => undefined);
      return run;
    }) as unknown as LockManager['request'],
  };
}

describe('one sync at a time', () => {
  it('created offline, then back online: exactly one push, and later requests still run', async () => {
    const server = await signedIn();
    let online = false;
    const sync = createSyncEngine({ locks: null, isOnline: () => online, personId: async () => ME.id });
    await saveObservation(ME.id, draft());
    expect(await sync.request()).toBe('offline'); // finishes at once: the guard must still clear
    expect(sync.isRunning()).toBe(false);
    online = true;
    expect(await sync.request()).toBe('ok');
    expect(server.pushes).toHaveLength(1);
    await saveObservation(ME.id, draft());
    await sync.request();
    expect(server.pushes).toHaveLength(2);
  });

  it('requests during a run fold into one more run', async () => {
    const server = await signedIn();
    const sync = createSyncEngine({ locks: null, isOnline: () => true, personId: async () => ME.id });
    await saveObservation(ME.id, draft());
    const first = sync.request();
    const others = [sync.request(), sync.request(), sync.request()];
    expect(others.every((p) => p === first)).toBe(true);
    await Promise.all([first, ...others]);
    expect(server.pulls).toHaveLength(2); // the run plus exactly one rerun
  });

  it('two tabs syncing at once never overlap and send each change once', async () => {
    const server = await signedIn();
    const lock = sharedLock();
    const tabs = [0, 1].map(() => createSyncEngine({ locks: lock, isOnline: () => true, personId: async () => ME.id }));
    await Promise.all([saveObservation(ME.id, draft()), saveObservation(ME.id, draft()), saveObservation(ME.id, draft())]);
    await Promise.all([tabs[0]!.request(), tabs[1]!.request(), tabs[0]!.request()]);
    expect(lock.maxHolders()).toBe(1);
    const sent = server.pushes.flat().map((m) => m.seq);
    expect(sent).toEqual([1, 2, 3]);
    expect(await entriesFor(ME.id)).toHaveLength(0);
    expect(server.rows.size).toBe(3);
  });
});
