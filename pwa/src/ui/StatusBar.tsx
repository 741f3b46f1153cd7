import { useEffect, useState } from 'preact/hooks';
import { linkClick } from '../router';
import { ago, plural } from './format';
import { useStatus } from './hooks';

/** Always on screen: connection, waiting changes, changes needing attention, last finished sync. */
export function StatusBar() {
  const s = useStatus();
  const [, tick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(id);
  }, []);
  return (
    <div class="status" role="status" aria-live="polite" data-testid="status">
      <span class={s.online ? 'dot on' : 'dot off'} aria-hidden="true" />
      <span data-testid="status-online">{s.online ? 'Online' : 'Offline'}</span>
      <span data-testid="status-pending">{s.syncing ? 'Syncing…' : `${plural(s.pending, 'change')} waiting`}</span>
      {s.attention > 0 && (
        <a href="/mine" class="attention" data-testid="status-attention" onClick={(e) => linkClick(e, '/mine')}>
          {s.attention} need{s.attention === 1 ? 's' : ''} attention
        </a>
      )}
      <span class="last" data-testid="status-last">Synced {ago(s.lastSyncAt)}</span>
    </div>
  );
}
