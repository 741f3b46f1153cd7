// A tiny event hub, mirrored to the other tabs of this app through a BroadcastChannel.

export type AppEvent =
  | { type: 'local-change'; urgent: boolean }  // the outbox or a local row changed on this device
  | { type: 'data-change' }                    // pulled rows or sync results were stored
  | { type: 'session-change' };

type Listener = (event: AppEvent) => void;

const listeners = new Set<Listener>();
const channel: BroadcastChannel | null =
  typeof BroadcastChannel === 'function' ? new BroadcastChannel('cadence') : null;

// Node (the unit tests) would otherwise keep running for the channel's sake.
(channel as { unref?: () => void } | null)?.unref?.();

channel?.addEventListener('message', (message: MessageEvent<AppEvent>) => {
  // Another tab changed the shared store: refresh what we show, but let that tab schedule its own sync.
  const event = message.data;
  const local: AppEvent = event.type === 'local-change' ? { type: 'data-change' } : event;
  for (const listener of listeners) listener(local);
});

export function emit(event: AppEvent): void {
  for (const listener of listeners) listener(event);
  channel?.postMessage(event);
}

export function on(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
