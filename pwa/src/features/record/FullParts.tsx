import type { LocalObservation } from '../../db';
import { updateActionStep } from '../../sync/outbox';
import type { ActionStep, Grouping } from '../../types';
import { time } from '../../ui/format';
import { currentMe } from '../../session';

interface Props {
  part: 'context' | 'feedback';
  draft: LocalObservation;
  update: (patch: Partial<LocalObservation>) => void;
  steps: ActionStep[];
  editable: boolean;
  compact?: boolean;
}

const GROUPINGS: [Grouping, string][] = [['whole_class', 'Whole class'], ['small_group', 'Small group'], ['one_on_one', 'One on one']];

const text = (e: Event) => (e.target as HTMLInputElement | HTMLTextAreaElement).value;

/** The parts of an observation besides the scores: context, evidence notes, glow, grow, next step. */
export function FullParts({ part, draft, update, steps, editable, compact }: Props) {
  if (part === 'context') {
    const ctx = draft.context;
    return (
      <fieldset class="context">
        <legend>Context</legend>
        <div class="two">
          <div>
            <label for="subject">Subject</label>
            <input id="subject" value={ctx.subject} disabled={!editable} onInput={(e) => update({ context: { ...ctx, subject: text(e) } })} />
          </div>
          <div>
            <label for="grade">Grade</label>
            <input id="grade" value={ctx.grade} disabled={!editable} onInput={(e) => update({ context: { ...ctx, grade: text(e) } })} />
          </div>
        </div>
        <div class="levels grouping" role="group" aria-label="Grouping">
          {GROUPINGS.map(([value, label]) => (
            <button key={value} type="button" class="level" aria-pressed={ctx.grouping === value} disabled={!editable}
              onClick={() => update({ context: { ...ctx, grouping: value } })}>{label}</button>
          ))}
        </div>
        <label for="duration">Minutes observed</label>
        <input id="duration" type="number" inputMode="numeric" min={1} max={240} disabled={!editable}
          value={draft.duration_minutes ?? ''}
          onInput={(e) => update({ duration_minutes: text(e) ? Math.max(1, Number(text(e))) : null })} />
      </fieldset>
    );
  }
  const addNote = () => {
    const note = (draft.note_draft ?? '').trim();
    if (!note) return;
    update({ evidence: [...draft.evidence, { at: new Date().toISOString(), text: note }], note_draft: '' });
  };
  const open = steps.filter((s) => s.status === 'open' && s.observation_id !== draft.id);
  const me = currentMe();
  const body = (
    <>
      <section class="evidence" aria-labelledby="evidence-title">
        <h2 id="evidence-title">Evidence</h2>
        <ol class="notes">
          {draft.evidence.map((n, i) => <li key={`${n.at}-${i}`}><time dateTime={n.at}>{time(n.at)}</time> {n.text}</li>)}
        </ol>
        {editable && (
          <div class="note-entry">
            <label for="note">Evidence note</label>
            <textarea id="note" rows={2} value={draft.note_draft ?? ''} onInput={(e) => update({ note_draft: text(e) })} />
            <button type="button" onClick={addNote}>Add note with time</button>
          </div>
        )}
      </section>
      <label for="glow">Glow</label>
      <textarea id="glow" rows={2} value={draft.glow} disabled={!editable} onInput={(e) => update({ glow: text(e) })} />
      <label for="grow">Grow</label>
      <textarea id="grow" rows={2} value={draft.grow} disabled={!editable} onInput={(e) => update({ grow: text(e) })} />
      {!compact && (
        <>
          <label for="action-step">Action step</label>
          <textarea id="action-step" rows={2} value={draft.action_step ?? ''} disabled={!editable}
            onInput={(e) => update({ action_step: text(e) || null })} />
        </>
      )}
      {!compact && open.length > 0 && (
        <fieldset class="follow-up">
          <legend>Follow up an open action step</legend>
          {open.map((step) => (
            <div key={step.id} class="step">
              <label class="check">
                <input type="checkbox" checked={draft.follows_up === step.id} disabled={!editable}
                  onChange={(e) => update({ follows_up: (e.target as HTMLInputElement).checked ? step.id : null })} />
                <span>{step.text}</span>
              </label>
              {editable && me && (
                <button type="button" onClick={() => void updateActionStep(me.id, step.id, 'mastered', '')}>Mark mastered</button>
              )}
            </div>
          ))}
        </fieldset>
      )}
    </>
  );
  if (!compact) return body;
  return (
    <details class="optional" open={!!(draft.glow || draft.grow || draft.evidence.length || draft.note_draft)}>
      <summary>Add a note, glow or grow (optional)</summary>
      {body}
    </details>
  );
}
