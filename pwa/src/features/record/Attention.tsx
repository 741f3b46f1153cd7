import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { LocalObservation, OutboxEntry } from '../../db';
import { discard, resend } from '../../sync/outbox';
import type { Rubric, ServerObservation } from '../../types';

interface Props {
  personId: string;
  target: string;
  entries: OutboxEntry[];
  mine?: LocalObservation;
  rubric?: Rubric | null;
}

function errorLines(entry: OutboxEntry): string[] {
  const lines: string[] = [];
  for (const [field, value] of Object.entries(entry.errors ?? {})) {
    const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : JSON.stringify(value);
    lines.push(`${field}: ${text}`);
  }
  return lines;
}

/** A rejected change with the server's words, or a conflict with both versions side by side. */
export function Attention({ personId, target, entries, mine, rubric }: Props) {
  const [busy, setBusy] = useState(false);
  const stuck = entries.filter((e) => e.state !== 'pending');
  if (!stuck.length) return null;
  const act = (work: () => Promise<void>) => async () => {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };
  const conflict = stuck.find((e) => e.state === 'conflict');
  if (conflict) {
    const current = conflict.current;
    const theirs = current?.data as unknown as ServerObservation | undefined;
    return (
      <section class="attention-box" role="alert" aria-labelledby="conflict-title" data-testid="conflict">
        <h2 id="conflict-title">Changed on another device</h2>
        <p>Both versions are kept. Choose the one to keep; your choice is sent as a new change.</p>
        <div class="compare">
          <Version title="This device" obs={mine} rubric={rubric} testid="mine" />
          {current?.deleted || !theirs
            ? <div class="version" data-testid="theirs"><h3>Server</h3><p>Deleted</p></div>
            : <Version title="Server" obs={theirs} rubric={rubric} testid="theirs" />}
        </div>
        <div class="row">
          <button type="button" class="primary" disabled={busy} onClick={act(() => resend(personId, target, 'mine'))}>Keep this device's</button>
          <button type="button" disabled={busy} onClick={act(() => resend(personId, target, 'theirs'))}>Keep the server's</button>
        </div>
      </section>
    );
  }
  return (
    <section class="attention-box" role="alert" aria-labelledby="rejected-title" data-testid="rejected">
      <h2 id="rejected-title">Needs attention</h2>
      {stuck.map((e) => (
        <div key={e.id}>
          <p class="error-text" data-testid="rejected-message">{e.message}</p>
          {errorLines(e).map((line) => <p key={line} class="muted">{line}</p>)}
        </div>
      ))}
      <p>Your work is kept on this device. Fix it here, then send it again.</p>
      <div class="row">
        <button type="button" class="primary" disabled={busy} onClick={act(() => resend(personId, target))}>Send again</button>
        <button type="button" disabled={busy} onClick={act(() => discard(target))}>Discard change</button>
      </div>
    </section>
  );
}

function Version({ title, obs, rubric, testid }: { title: string; obs?: ServerObservation; rubric?: Rubric | null; testid: string }) {
  if (!obs) return <div class="version" data-testid={testid}><h3>{title}</h3><p>Not on this device</p></div>;
  const indicators = rubric?.domains.flatMap((d) => d.indicators) ?? [];
  return (
    <div class="version" data-testid={testid}>
      <h3>{title}</h3>
      <dl>
        <dt>Status</dt><dd>{obs.status}</dd>
        {indicators.map((i) => <Fragment key={i.key}><dt>{i.title}</dt><dd>{obs.scores[i.key] ?? '–'}</dd></Fragment>)}
        <dt>Glow</dt><dd>{obs.glow || '–'}</dd>
        <dt>Grow</dt><dd>{obs.grow || '–'}</dd>
        <dt>Action step</dt><dd>{obs.action_step || '–'}</dd>
        <dt>Notes</dt><dd>{obs.evidence.length}</dd>
      </dl>
    </div>
  );
}
