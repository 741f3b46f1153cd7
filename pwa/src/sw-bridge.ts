// All talk between the page and the service worker: registration, the update prompt, Background Sync.

type UpdateListener = (ready: boolean) => void;

let waiting: ServiceWorker | null = null;
let accepted = false;
const listeners = new Set<UpdateListener>();

function announce(worker: ServiceWorker | null): void {
  waiting = worker;
  for (const listener of listeners) listener(!!worker);
}

export function onUpdateReady(listener: UpdateListener): () => void {
  listeners.add(listener);
  if (waiting) listener(true);
  return () => listeners.delete(listener);
}

export async function registerWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  // A worker only waits when it is an update of one that already controls this page.
  const watch = (worker: ServiceWorker) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) announce(worker);
    });
  };
  if (registration.waiting && navigator.serviceWorker.controller) announce(registration.waiting);
  if (registration.installing) watch(registration.installing);
  registration.addEventListener('updatefound', () => {
    if (registration.installing) watch(registration.installing);
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Reload only the page whose person asked for the update; other tabs keep what is on screen.
    if (accepted) window.location.reload();
  });
  const check = () => {
    if (document.visibilityState === 'visible') void registration.update().catch(() => undefined);
  };
  document.addEventListener('visibilitychange', check);
  setInterval(check, 30 * 60 * 1000);
}

/** Switch to the waiting version; the caller has made sure no sync is running and nothing is typed unsaved. */
export function applyUpdate(): void {
  if (!waiting) return;
  accepted = true;
  waiting.postMessage({ type: 'SKIP_WAITING' });
}

/** Ask the worker to sync when the connection returns, where the browser supports it (not iOS). */
export async function requestBackgroundSync(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & {
      sync?: { register(tag: string): Promise<void> };
    };
    await registration.sync?.register('cadence-sync');
  } catch {
    // Not allowed here (permissions, private mode): the page's own triggers still sync.
  }
}
