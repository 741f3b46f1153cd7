// When the page syncs: on start, on `online`, when it becomes visible, after a local change, and
// every half minute while visible. Typing is batched: a save syncs after a short quiet spell.
import { requestBackgroundSync } from '../sw-bridge';
import { on } from './events';
import { engine } from './loop';
import { setStatus } from './status';

const QUIET_MS = 1500;
const PERIOD_MS = 30_000;

let timer: ReturnType<typeof setTimeout> | null = null;

export function syncSoon(delay = 0): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    void engine().request();
  }, delay);
}

export function startTriggers(): void {
  syncSoon();
  window.addEventListener('online', () => {
    setStatus({ online: true });
    syncSoon();
  });
  window.addEventListener('offline', () => setStatus({ online: false }));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') syncSoon();
  });
  on((event) => {
    if (event.type !== 'local-change') return;
    if (!navigator.onLine) void requestBackgroundSync();
    syncSoon(event.urgent ? 0 : QUIET_MS);
  });
  setInterval(() => {
    if (document.visibilityState === 'visible' && navigator.onLine) void engine().request();
  }, PERIOD_MS);
}
