import { loadDirectory, observationsBy } from '../../db/local';
import { linkClick, navigate } from '../../router';
import type { Me, Person } from '../../types';
import { shortDate, stageLabel } from '../../ui/format';
import { useLive } from '../../ui/hooks';
import { dueFor } from './due';

/** The MCL's teams: each member with their last observation and what is due today. */
export function TeamRoster({ me }: { me: Me }) {
  const data = useLive(async () => {
    const [dir, observations] = await Promise.all([loadDirectory(), observationsBy(me.id)]);
    return { dir, observations };
  }, [me.id]);
  if (!data) return <p class="muted">Loading…</p>;
  const { dir, observations } = data;
  const rubrics = new Map(dir.rubrics.map((r) => [r.id, r]));
  const teams = dir.teams.filter((t) => t.leader_ids.includes(me.id)).sort((a, b) => a.name.localeCompare(b.name));
  if (!teams.length) {
    return (
      <section>
        <h1>My team</h1>
        <p class="muted" data-testid="roster-empty">
          {dir.people.size ? 'You do not lead a team yet.' : 'Your team appears after the first sync.'}
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>My team</h1>
      {teams.map((team) => (
        <section key={team.id} aria-labelledby={`team-${team.id}`}>
          <h2 id={`team-${team.id}`}>{team.name}</h2>
          <ul class="cards" data-testid="roster">
            {team.member_ids
              .map((id) => dir.people.get(id))
              .filter((p): p is Person => !!p)
              .sort((a, b) => a.name.localeCompare(b.name))
              .map((person) => {
                const due = dueFor(person.id, observations, rubrics);
                return (
                  <li key={person.id} class="card" data-testid="member" data-name={person.name}>
                    <div class="card-head">
                      <strong>{person.name}</strong>
                      <span class="muted">{stageLabel(person.career_stage)}</span>
                    </div>
                    <p class="muted">
                      {due.last ? (
                        <a href={`/observation/${due.last.id}`} onClick={(e) => linkClick(e, `/observation/${due.last!.id}`)}>
                          Last: {rubrics.get(due.last.rubric_id)?.title ?? 'observation'}, {shortDate(due.last.observed_at)}
                        </a>
                      ) : 'No observations yet'}
                    </p>
                    <p class="due">
                      <span class={due.dailyDue ? 'tag due-now' : 'tag done'}>
                        {due.dailyDue ? 'Daily look due' : due.schoolDay ? 'Daily look done' : 'No school today'}
                      </span>
                      <span class={due.weeklyDue ? 'tag due-now' : 'tag done'}>
                        {due.weeklyDue ? 'Weekly observation due' : 'Weekly observation done'}
                      </span>
                    </p>
                    <div class="row">
                      <button type="button" class="primary" aria-label={`Quick look for ${person.name}`}
                        onClick={() => navigate(`/observe/${person.id}/daily`)}>Quick look</button>
                      <button type="button" aria-label={`Full observation for ${person.name}`}
                        onClick={() => navigate(`/observe/${person.id}/weekly`)}>Full observation</button>
                    </div>
                  </li>
                );
              })}
          </ul>
        </section>
      ))}
    </section>
  );
}
