/// <reference lib="webworker" />
// The service worker: the precached app shell, every navigation answered with index.html, and
// Background Sync where the browser has it. Updates wait for the person (see sw-bridge.ts).
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { setCsrfSource } from './api';
import { engine } from './sync/loop';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
  cookieStore?: { get(name: string): Promise<{ value: string } | null> };
};

interface SyncEvent extends ExtendableEvent { readonly tag: string }

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }));

// The first install takes over at once, or the first visit would never be served offline. A later
// version waits until the page asks, which it does only after the person accepts the update.
self.addEventListener('install', () => {
  if (!self.registration.active) void self.skipWaiting();
});
clientsClaim();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

setCsrfSource(async () => (await self.cookieStore?.get('csrf_token'))?.value ?? '');

self.addEventListener('sync', (event: Event) => {
  const sync = event as SyncEvent;
  if (sync.tag !== 'cadence-sync') return;
  // Web Locks are shared with the pages, so this never runs alongside a page's own sync.
  sync.waitUntil(
    engine().request().then((outcome) => {
      if (outcome === 'network' || outcome === 'error') throw new Error('sync failed; the browser will retry');
    }),
  );
});
