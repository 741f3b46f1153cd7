// What each team member is due today, from the observations on this device.
import type { LocalObservation } from '../../db';
import type { Rubric, Uuid } from '../../types';

/** The newest version of each rubric of this cadence that applies to the educator's career stage. */
export function pickRubric(rubrics: Rubric[], cadence: 'daily' | 'weekly', stage: string | null): Rubric | null {
  const fits = rubrics.filter(
    (r) => r.cadence === cadence && (!stage || r.applies_to.length === 0 || r.applies_to.includes(stage)),
  );
  const newest = new Map<string, Rubric>();
  for (const r of fits) {
    const seen = newest.get(r.key);
    if (!seen || r.version > seen.version) newest.set(r.key, r);
  }
  const list = [...newest.values()].sort((a, b) => a.title.localeCompare(b.title));
  return list[0] ?? null;
}

const dayKey = (d: Date) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;

function weekStart(d: Date): number {
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  start.setDate(start.getDate() - ((start.getDay() + 6) % 7)); // back to Monday
  return start.getTime();
}

export interface Due {
  last: LocalObservation | null;
  dailyDue: boolean;
  weeklyDue: boolean;
  schoolDay: boolean;
}

export function dueFor(
  educatorId: Uuid, observations: LocalObservation[], rubrics: Map<Uuid, Rubric>, now = new Date(),
): Due {
  const mine = observations.filter((o) => o.educator_id === educatorId);
  mine.sort((a, b) => b.observed_at.localeCompare(a.observed_at));
  const today = dayKey(now);
  const week = weekStart(now);
  const cadenceOf = (o: LocalObservation) => rubrics.get(o.rubric_id)?.cadence;
  const schoolDay = now.getDay() !== 0 && now.getDay() !== 6;
  const dailyDone = mine.some((o) => cadenceOf(o) === 'daily' && dayKey(new Date(o.observed_at)) === today);
  const weeklyDone = mine.some((o) => cadenceOf(o) === 'weekly' && weekStart(new Date(o.observed_at)) === week);
  return { last: mine[0] ?? null, dailyDue: schoolDay && !dailyDone, weeklyDue: !weeklyDone, schoolDay };
}
