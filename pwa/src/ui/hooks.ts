// Small hooks that connect views to the stores without a framework.
import { useEffect, useState } from 'preact/hooks';
import { currentMe, onMe } from '../session';
import { on } from '../sync/events';
import { getStatus, subscribe, type SyncStatus } from '../sync/status';
import type { Me } from '../types';

export function useMe(): Me | null {
  const [me, setMe] = useState(currentMe());
  useEffect(() => onMe(setMe), []);
  return me;
}

export function useStatus(): SyncStatus {
  const [status, setStatus] = useState(getStatus());
  useEffect(() => subscribe(setStatus), []);
  return status;
}

/** Run a local query now and again whenever stored data changes (here or in another tab). */
export function useLive<T>(query: () => Promise<T>, deps: unknown[]): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    let again = false;
    let busy = false;
    const load = async () => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      do {
        again = false;
        const next = await query();
        if (alive) setValue(() => next);
      } while (again && alive);
      busy = false;
    };
    void load();
    const off = on(() => void load());
    return () => {
      alive = false;
      off();
    };
  }, deps);
  return value;
}
