import { useState } from 'preact/hooks';
import type { OutboxEntry } from '../../db';
import { entriesFor, loadDirectory, observationsBy } from '../../db/local';
import { linkClick } from '../../router';
import type { Me } from '../../types';
import { shortDate } from '../../ui/format';
import { useLive } from '../../ui/hooks';

type SyncState = 'synced' | 'waiting' | 'attention' | 'conflict';

const LABEL: Record<SyncState, string> = {
  synced: 'Synced', waiting: 'Waiting to sync', attention: 'Needs attention', conflict: 'Conflict',
};

export function syncState(entries: OutboxEntry[]): SyncState {
  if (entries.some((e) => e.state === 'conflict')) return 'conflict';
  if (entries.some((e) => e.state === 'rejected')) return 'attention';
  return entries.length ? 'waiting' : 'synced';
}

/** Everything this person recorded, newest first, with where each one stands in the sync. */
export function MyObservations({ me }: { me: Me }) {
  const [shown, setShown] = useState(30);
  const data = useLive(async () => {
    const [dir, observations, entries] = await Promise.all([loadDirectory(), observationsBy(me.id), entriesFor(me.id)]);
    return { dir, observations, entries };
  }, [me.id]);
  if (!data) return <p class="muted">Loading…</p>;
  const { dir, observations, entries } = data;
  const byTarget = new Map<string, OutboxEntry[]>();
  for (const e of entries) byTarget.set(e.target, [...(byTarget.get(e.target) ?? []), e]);
  const rows = observations.map((o) => ({ o, state: syncState(byTarget.get(`observation:${o.id}`) ?? []) }));
  const rank = (s: SyncState) => (s === 'conflict' || s === 'attention' ? 0 : 1);
  rows.sort((a, b) => rank(a.state) - rank(b.state) || b.o.observed_at.localeCompare(a.o.observed_at));
  const rubrics = new Map(dir.rubrics.map((r) => [r.id, r]));
  const otherStuck = entries.filter((e) => e.state !== 'pending' && !e.target.startsWith('observation:'));
  return (
    <section>
      <h1>My observations</h1>
      {otherStuck.map((e) => (
        <p key={e.id} class="attention-box" role="alert" data-testid="other-attention">{e.name}: {e.message}</p>
      ))}
      {!rows.length && <p class="muted">Nothing recorded yet.</p>}
      <ul class="cards" data-testid="my-observations">
        {rows.slice(0, shown).map(({ o, state }) => (
          <li key={o.id} class={`card state-${state}`} data-testid="my-observation" data-state={state} data-id={o.id}>
            <a href={`/observation/${o.id}`} class="card-link" onClick={(e) => linkClick(e, `/observation/${o.id}`)}>
              <strong>{dir.people.get(o.educator_id)?.name ?? 'Educator'}</strong>
              <span>{rubrics.get(o.rubric_id)?.title ?? 'Observation'} · {shortDate(o.observed_at)}</span>
              <span class="row-tags">
                <span class="tag">{o.status === 'published' ? 'Published' : 'Draft'}</span>
                <span class={`tag sync-${state}`} data-testid="sync-state">{LABEL[state]}</span>
              </span>
            </a>
          </li>
        ))}
      </ul>
      {rows.length > shown && (
        <button type="button" class="wide" onClick={() => setShown(shown + 30)}>Show older ({rows.length - shown} more)</button>
      )}
    </section>
  );
}
