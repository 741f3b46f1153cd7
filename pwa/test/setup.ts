import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, vi } from 'vitest';
import { closeDb } from '../src/db';

beforeEach(() => {
  // A fresh, empty IndexedDB for every test.
  closeDb();
  globalThis.indexedDB = new IDBFactory();
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});
