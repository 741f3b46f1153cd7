import { useEffect, useState } from 'preact/hooks';
import { api, AuthRequired, type Roster } from '../../api';
import { getCached, putCached } from '../../db/local';
import { setStatus } from '../../sync/status';
import type { Me } from '../../types';
import { ago, stageLabel } from '../../ui/format';

function teamNames(teams: unknown): string {
  if (!Array.isArray(teams)) return '';
  return teams.map((t) => (typeof t === 'string' ? t : (t as { name?: string }).name ?? '')).filter(Boolean).join(', ');
}

/** The admin's school roster: fetched when online, the last answer shown with its age when not. */
export function SchoolRoster({ me }: { me: Me }) {
  const schools = me.schools.filter((s) => s.role === 'admin' || me.roles.includes('district_admin'));
  const [schoolId, setSchoolId] = useState(schools[0]?.id ?? '');
  const [roster, setRoster] = useState<{ value: Roster; fetched_at: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!schoolId) return;
    let alive = true;
    const key = `roster:${schoolId}`;
    void getCached<Roster>(key).then((cached) => alive && cached && setRoster(cached));
    api.roster(schoolId)
      .then(async (value) => {
        await putCached(key, value);
        if (alive) {
          setRoster({ value, fetched_at: null });
          setError(null);
        }
      })
      .catch((err: unknown) => {
        if (err instanceof AuthRequired) setStatus({ authRequired: true });
        if (alive) setError('Showing the roster as last seen; it refreshes when you are online.');
      });
    return () => { alive = false; };
  }, [schoolId]);

  if (!schools.length) return <section><h1>School roster</h1><p class="muted">You are not an admin of a school.</p></section>;
  const people = [...(roster?.value.people ?? [])].sort((a, b) => a.role.localeCompare(b.role) || a.name.localeCompare(b.name));
  return (
    <section>
      <h1>School roster</h1>
      {schools.length > 1 && (
        <>
          <label for="school">School</label>
          <select id="school" value={schoolId} onChange={(e) => setSchoolId((e.target as HTMLSelectElement).value)}>
            {schools.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </>
      )}
      <h2>{roster?.value.school.name ?? schools.find((s) => s.id === schoolId)?.name}</h2>
      {roster?.fetched_at && <p class="muted" data-testid="roster-age">As of {ago(roster.fetched_at)}</p>}
      {error && !roster && <p class="muted">The roster needs a connection the first time.</p>}
      {error && roster?.fetched_at && <p class="muted">{error}</p>}
      <ul class="cards" data-testid="school-roster">
        {people.map((p) => (
          <li key={p.id} class="card" data-testid="school-person">
            <div class="card-head"><strong>{p.name}</strong><span class="tag">{p.role}</span></div>
            <p class="muted">{p.email}</p>
            <p class="muted">{[stageLabel(p.career_stage), teamNames(p.teams)].filter(Boolean).join(' · ')}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
