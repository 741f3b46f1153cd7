import { useEffect, useRef, useState } from 'preact/hooks';
import { uuid, type LocalObservation, type OutboxEntry } from '../../db';
import { actionStepsOf, entriesFor, getObservation, loadDirectory } from '../../db/local';
import { navigate } from '../../router';
import { contentOf, publishObservation, saveObservation } from '../../sync/outbox';
import type { ActionStep, Me, Person, Rubric } from '../../types';
import { shortDate } from '../../ui/format';
import { useLive } from '../../ui/hooks';
import { pickRubric } from '../roster/due';
import { Attention } from './Attention';
import { FullParts } from './FullParts';
import { ScoreRow } from './ScoreRow';

interface Props { me: Me; id?: string; educatorId?: string; cadence?: 'daily' | 'weekly' }

interface Loaded { draft: LocalObservation; rubric: Rubric | null; educator: Person | null; steps: ActionStep[] }

async function load(me: Me, props: Props): Promise<Loaded | null> {
  const dir = await loadDirectory();
  if (props.id) {
    const draft = await getObservation(props.id);
    if (!draft) return null;
    const rubric = dir.rubrics.find((r) => r.id === draft.rubric_id) ?? null;
    return { draft, rubric, educator: dir.people.get(draft.educator_id) ?? null, steps: await actionStepsOf(draft.educator_id) };
  }
  const educator = dir.people.get(props.educatorId!) ?? null;
  const rubric = pickRubric(dir.rubrics, props.cadence!, educator?.career_stage ?? null);
  const team = dir.teams.find((t) => t.leader_ids.includes(me.id) && t.member_ids.includes(props.educatorId!));
  const now = new Date().toISOString();
  const draft: LocalObservation = {
    id: uuid(), school_id: team?.school_id ?? me.schools[0]?.id ?? '', observer_id: me.id,
    educator_id: props.educatorId!, rubric_id: rubric?.id ?? '', observed_at: now, duration_minutes: null,
    context: { subject: '', grade: '', grouping: 'whole_class' }, scores: {}, evidence: [], glow: '', grow: '',
    action_step: null, follows_up: null, action_step_id: null, status: 'draft', published_at: null,
    created_at: now, updated_at: now, version: null, server_version: null, note_draft: '',
  };
  return { draft, rubric, educator, steps: await actionStepsOf(props.educatorId!) };
}

/** Record a quick look or a full observation. Every change is stored on the device as it happens. */
export default function Record(props: Props) {
  const { me } = props;
  const [loaded, setLoaded] = useState<Loaded | null | undefined>(undefined);
  const [draft, setDraft] = useState<LocalObservation | null>(null);
  const latest = useRef<LocalObservation | null>(null);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const [error, setError] = useState<string | null>(null);
  const key = props.id ?? `${props.educatorId}/${props.cadence}`;

  useEffect(() => {
    // The first save moves a new observation to its own address: same row, nothing to reload.
    if (props.id && latest.current?.id === props.id) return;
    let alive = true;
    void load(me, props).then((result) => {
      if (!alive) return;
      setLoaded(result);
      latest.current = result?.draft ?? null;
      setDraft(result?.draft ?? null);
    });
    return () => { alive = false; };
  }, [key]);

  const target = draft ? `observation:${draft.id}` : '';
  const entries = useLive<OutboxEntry[]>(
    async () => (target ? (await entriesFor(me.id)).filter((e) => e.target === target) : []), [target],
  );
  // The stored row can change under the view: a pull brings another device's edit, or a resend or a
  // conflict choice rewrites it. With nothing of ours in flight or queued, show what is stored.
  const inFlight = useRef(0);
  const stored = useLive(async () => (draft ? getObservation(draft.id) : undefined), [draft?.id]);
  useEffect(() => {
    if (!stored || !entries || inFlight.current > 0) return;
    if (entries.some((e) => e.state === 'pending' && !e.sent)) return;
    if (entries.some((e) => e.state !== 'pending')) return;
    const mine = latest.current;
    if (mine && JSON.stringify(contentOf(stored)) !== JSON.stringify(contentOf(mine))) {
      const next = { ...stored, note_draft: mine.note_draft ?? stored.note_draft };
      latest.current = next;
      setDraft(next);
    }
  }, [stored, entries]);

  if (loaded === undefined) return <p class="muted">Loading…</p>;
  if (loaded === null || !draft) return <p class="muted">This observation is not on this device.</p>;
  const { rubric, educator, steps } = loaded;
  const editable = draft.observer_id === me.id;

  const update = (patch: Partial<LocalObservation>) => {
    const next = { ...latest.current!, ...patch, updated_at: new Date().toISOString() };
    latest.current = next;
    setDraft(next);
    const first = !props.id;
    inFlight.current += 1;
    chain.current = chain.current
      .then(() => saveObservation(me.id, next))
      .finally(() => { inFlight.current -= 1; })
      .then(() => {
        if (first && location.pathname !== `/observation/${next.id}`) navigate(`/observation/${next.id}`, true);
      })
      .catch(() => setError('This change could not be stored on the device. Check the free space and try again.'));
  };

  if (!rubric) {
    return (
      <section>
        <h1>Observe {educator?.name ?? ''}</h1>
        <p class="error" role="alert">No {props.cadence ?? ''} rubric for this career stage is on the device yet. Sync, then try again.</p>
      </section>
    );
  }
  const indicators = rubric.domains.flatMap((d) => d.indicators);
  const unscored = indicators.filter((i) => draft.scores[i.key] === undefined).length;
  const published = draft.status === 'published';
  const pick = editable ? (key: string) => (level: number) => update({ scores: { ...latest.current!.scores, [key]: level } }) : () => undefined;

  const publish = () => {
    const current = latest.current!;
    chain.current = chain.current
      .then(() => publishObservation(me.id, current))
      .then(() => navigate('/mine'))
      .catch(() => setError('Publishing could not be stored on the device. Try again.'));
  };

  return (
    <form class="record" onSubmit={(e) => e.preventDefault()} aria-labelledby="record-title">
      <h1 id="record-title">{rubric.title}: {educator?.name ?? 'educator'}</h1>
      <p class="muted">{shortDate(draft.observed_at)} · {published ? 'Published' : 'Draft'} · saved on this device</p>
      <Attention personId={me.id} target={target} entries={entries ?? []} mine={draft} rubric={rubric} />
      {error && <p class="error" role="alert">{error}</p>}
      {rubric.cadence === 'weekly' && <FullParts part="context" draft={draft} update={update} steps={steps} editable={editable} />}
      {rubric.domains.map((domain) => (
        <section key={domain.key} aria-labelledby={`d-${domain.key}`}>
          {rubric.domains.length > 1 && <h2 id={`d-${domain.key}`}>{domain.title}</h2>}
          {domain.indicators.map((i) => (
            <ScoreRow key={i.key} indicator={i} scale={rubric.scale} value={draft.scores[i.key]}
              onPick={editable ? pick(i.key) : undefined} />
          ))}
        </section>
      ))}
      <FullParts part="feedback" draft={draft} update={update} steps={steps} editable={editable}
        compact={rubric.cadence === 'daily'} />
      {editable && (
        <div class="bottom-bar">
          <button type="button" onClick={() => history.length > 1 ? history.back() : navigate('/')}>Done</button>
          {!published && (
            <button type="button" class="primary" disabled={unscored > 0} onClick={publish}
              aria-describedby={unscored ? 'publish-hint' : undefined}>Publish</button>
          )}
          {!published && unscored > 0 && <span id="publish-hint" class="hint">{unscored} to score</span>}
        </div>
      )}
    </form>
  );
}
