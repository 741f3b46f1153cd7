import { render } from 'preact';
import { App } from './app';
import { loadSession, refreshMe } from './session';
import { registerWorker } from './sw-bridge';
import { startTriggers } from './sync/triggers';
import './styles.css';

async function start(): Promise<void> {
  await loadSession(); // from IndexedDB: works offline
  render(<App />, document.getElementById('app')!);
  startTriggers();
  void registerWorker().catch(() => undefined);
  // Ask the browser not to evict the outbox under storage pressure.
  void navigator.storage?.persist?.().catch(() => false);
  if (navigator.onLine) void refreshMe();
}

void start();
