import { actionStepsOf, feedbackFor, loadDirectory, observationsOf } from '../../db/local';
import { linkClick } from '../../router';
import type { Me } from '../../types';
import { shortDate } from '../../ui/format';
import { useLive } from '../../ui/hooks';

/** Published feedback for this teacher: not yet acknowledged first, then newest first. */
export function Inbox({ me }: { me: Me }) {
  const data = useLive(async () => {
    const [dir, observations] = await Promise.all([loadDirectory(), observationsOf(me.id)]);
    const published = observations.filter((o) => o.status === 'published' && o.observer_id !== me.id);
    const responses = await feedbackFor(published.map((o) => o.id));
    return { dir, published, responses };
  }, [me.id]);
  if (!data) return <p class="muted">Loading…</p>;
  const { dir, published, responses } = data;
  const unread = (id: string) => !responses.get(id)?.acknowledged_at;
  const rows = [...published].sort(
    (a, b) => Number(unread(b.id)) - Number(unread(a.id)) || b.observed_at.localeCompare(a.observed_at),
  );
  const rubrics = new Map(dir.rubrics.map((r) => [r.id, r]));
  return (
    <section>
      <h1>Feedback</h1>
      {!rows.length && <p class="muted" data-testid="inbox-empty">No feedback yet. It appears here once your coach publishes it.</p>}
      <ul class="cards" data-testid="inbox">
        {rows.map((o) => (
          <li key={o.id} class={unread(o.id) ? 'card unread' : 'card'} data-testid="inbox-item" data-unread={String(unread(o.id))}>
            <a href={`/feedback/${o.id}`} class="card-link" onClick={(e) => linkClick(e, `/feedback/${o.id}`)}>
              <strong>{rubrics.get(o.rubric_id)?.title ?? 'Observation'}</strong>
              <span>{dir.people.get(o.observer_id)?.name ?? 'Your coach'} · {shortDate(o.observed_at)}</span>
              <span class="row-tags">{unread(o.id) ? <span class="tag due-now">New</span> : <span class="tag done">Acknowledged</span>}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The teacher's action steps, open ones first. */
export function ActionSteps({ me }: { me: Me }) {
  const steps = useLive(() => actionStepsOf(me.id), [me.id]);
  if (!steps) return <p class="muted">Loading…</p>;
  const rows = [...steps].sort((a, b) => Number(a.status !== 'open') - Number(b.status !== 'open'));
  return (
    <section>
      <h1>My action steps</h1>
      {!rows.length && <p class="muted">No action steps yet.</p>}
      <ul class="cards" data-testid="action-steps">
        {rows.map((s) => (
          <li key={s.id} class="card" data-testid="action-step">
            <p>{s.text}</p>
            <p class="row-tags">
              <span class={s.status === 'open' ? 'tag due-now' : 'tag done'}>{s.status === 'open' ? 'Open' : 'Mastered'}</span>
              {s.status_at && <span class="muted">{shortDate(s.status_at)}</span>}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
