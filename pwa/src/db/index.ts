// The one owner of the IndexedDB connection.
import { openDB, type IDBPDatabase } from 'idb';
import { DB_NAME, DB_VERSION, upgrade, type CadenceDB } from './schema';

export type DB = IDBPDatabase<CadenceDB>;

let opening: Promise<DB> | null = null;

export function getDb(): Promise<DB> {
  if (!opening) {
    opening = openDB<CadenceDB>(DB_NAME, DB_VERSION, {
      upgrade: (db, oldVersion, _newVersion, tx) => upgrade(db, oldVersion, tx),
      // Another tab opened a newer schema: let it upgrade, and reconnect on next use.
      blocking: () => closeDb(),
      terminated: () => { opening = null; },
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

export function closeDb(): void {
  const current = opening;
  opening = null;
  void current?.then((db) => db.close()).catch(() => undefined);
}

export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Plain http on a LAN address is not a secure context; keep working there too.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export * from './schema';
