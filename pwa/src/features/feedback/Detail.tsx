import { useRef, useState } from 'preact/hooks';
import { entriesFor, feedbackFor, getObservation, loadDirectory } from '../../db/local';
import { acknowledge, reflect } from '../../sync/outbox';
import type { Me } from '../../types';
import { shortDate, time } from '../../ui/format';
import { useLive } from '../../ui/hooks';
import { Attention } from '../record/Attention';

/** One piece of feedback: the scores with their level descriptors, then acknowledge and reflect. */
export default function Detail({ me, id }: { me: Me; id: string }) {
  const data = useLive(async () => {
    const [dir, obs, responses, entries] = await Promise.all([
      loadDirectory(), getObservation(id), feedbackFor([id]), entriesFor(me.id),
    ]);
    return { dir, obs, response: responses.get(id), entries: entries.filter((e) => e.target === `feedback:${id}`) };
  }, [id]);
  const [reflection, setReflection] = useState<string | null>(null);
  const chain = useRef<Promise<void>>(Promise.resolve());
  if (!data) return <p class="muted">Loading…</p>;
  const { dir, obs, response, entries } = data;
  if (!obs) return <p class="muted">This feedback is not on this device.</p>;
  const rubric = dir.rubrics.find((r) => r.id === obs.rubric_id);
  const acknowledged = !!response?.acknowledged_at;
  const text = reflection ?? response?.reflection ?? '';
  const write = (value: string) => {
    setReflection(value);
    chain.current = chain.current.then(() => reflect(me.id, id, value)).catch(() => undefined);
  };
  return (
    <article class="feedback" aria-labelledby="fb-title">
      <h1 id="fb-title">{rubric?.title ?? 'Observation'}</h1>
      <p class="muted">{dir.people.get(obs.observer_id)?.name ?? 'Your coach'} · {shortDate(obs.observed_at)}</p>
      <Attention personId={me.id} target={`feedback:${id}`} entries={entries} />
      {rubric?.domains.map((d) => (
        <section key={d.key} aria-labelledby={`fd-${d.key}`}>
          <h2 id={`fd-${d.key}`}>{d.title}</h2>
          <dl class="scores">
            {d.indicators.map((i) => {
              const level = obs.scores[i.key];
              const label = rubric.scale.find((s) => s.level === level)?.label;
              return (
                <div key={i.key} class="score">
                  <dt>{i.title}</dt>
                  <dd>
                    <strong>{level ?? '–'} {label ?? ''}</strong>
                    {level !== undefined && <p class="descriptor">{i.descriptors[String(level)]}</p>}
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
      ))}
      {obs.evidence.length > 0 && (
        <section aria-labelledby="fb-evidence">
          <h2 id="fb-evidence">Evidence</h2>
          <ol class="notes">{obs.evidence.map((n, k) => <li key={k}><time dateTime={n.at}>{time(n.at)}</time> {n.text}</li>)}</ol>
        </section>
      )}
      {obs.glow && <><h2>Glow</h2><p data-testid="glow">{obs.glow}</p></>}
      {obs.grow && <><h2>Grow</h2><p>{obs.grow}</p></>}
      {obs.action_step && <><h2>Action step</h2><p data-testid="action-step-text">{obs.action_step}</p></>}
      <label for="reflection">My reflection</label>
      <textarea id="reflection" rows={3} value={text} onInput={(e) => write((e.target as HTMLTextAreaElement).value)} />
      <p class="muted">Saved on this device as you type; it reaches your coach with the next sync.</p>
      <div class="bottom-bar">
        {acknowledged
          ? <p class="done-text" data-testid="acknowledged">Acknowledged {shortDate(response!.acknowledged_at)}</p>
          : <button type="button" class="primary" onClick={() => void acknowledge(me.id, id)}>Acknowledge</button>}
      </div>
    </article>
  );
}
