"""Twelve weeks of coaching for each demo educator, written through the observation service."""

from __future__ import annotations

import math
import random
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.demo import texts
from backend.observations import service as observations
from backend.observations.models import ActionStep, FeedbackResponse, Observation
from backend.org.models import Person, School, Team
from backend.rubrics.models import Rubric

if TYPE_CHECKING:
    from backend.demo.seed import Member

SMALL_GROUP_STAGES = {"resident", "reach_associate"}
DRAFT_DAYS = 3  # visits in the last few school days are sometimes still drafts


class History:
    """Generate visits, publications, acknowledgements and action-step follow-ups in time order."""

    def __init__(
        self, session: Session, rng: random.Random, rubrics: dict[str, Rubric], today: date, weeks: int
    ) -> None:
        self.session, self.rng, self.rubrics, self.today = session, rng, rubrics, today
        first = today - timedelta(weeks=weeks)
        every_day = (first + timedelta(days=n) for n in range((today - first).days))
        self.days = [day for day in every_day if day.weekday() < 5]
        self.first = first

    def team(
        self, school: School, mcl: Person, people: list[tuple[Person, Member]], grades: list[str]
    ) -> None:
        tz = ZoneInfo(school.timezone or "America/New_York")
        cutoff = datetime.combine(self.today, time(0, 0), tz)  # nothing happens on or after the reference day
        subjects = texts.SUBJECTS_MIDDLE if grades[0] in {"6", "7", "8"} else texts.SUBJECTS_ELEMENTARY
        for person, member in people:
            _Educator(self, tz, cutoff, mcl, person, member, subjects).run()

    def counts(self) -> dict[str, int]:
        s = self.session

        def count(model: Any, *where: Any) -> int:
            return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)

        by_status = select(ActionStep.status, func.count()).group_by(ActionStep.status)
        steps = Counter(dict(s.execute(by_status).all()))
        return {
            "schools": count(School),
            "teams": count(Team),
            "people": count(Person),
            "observations": count(Observation),
            "published": count(Observation, Observation.status == "published"),
            "drafts": count(Observation, Observation.status == "draft"),
            "action steps open": int(steps["open"]),
            "action steps mastered": int(steps["mastered"]),
            "feedback acknowledged": count(FeedbackResponse, FeedbackResponse.acknowledged_at.is_not(None)),
            "reflections": count(FeedbackResponse, FeedbackResponse.reflection != ""),
        }


class _Educator:
    def __init__(
        self, history: History, tz: ZoneInfo, cutoff: datetime, mcl: Person, person: Person, member: Member,
        subjects: list[str],
    ) -> None:
        self.h, self.rng, self.tz, self.cutoff = history, history.rng, tz, cutoff
        self.mcl, self.person, self.member = mcl, person, member
        self.subjects = self.rng.sample(subjects, 3)
        # Each educator has stronger and weaker indicators; these offsets stay put while the level grows.
        keys = sorted({k for r in history.rubrics.values() for k in r.indicator_keys()})
        self.offset = {k: self.rng.gauss(0, 0.4) for k in keys}
        self.open_step: tuple[uuid.UUID, str, int] | None = None  # id, indicator, week opened

    def run(self) -> None:
        weeks: dict[int, list[date]] = {}
        for day in self.h.days:
            weeks.setdefault((day - self.h.first).days // 7, []).append(day)
        for week, days in sorted(weeks.items()):
            full_day = self.rng.choice(days)
            for day in days:
                if day == full_day and self.rng.random() < self.member.seen:
                    self.visit(day, week, full=True)
                elif self.rng.random() < self.member.seen * 0.85:
                    self.visit(day, week, full=False)

    def rubric(self, full: bool) -> Rubric:
        if not full:
            return self.h.rubrics["daily_quick_look"]
        small = self.member.stage in SMALL_GROUP_STAGES
        return self.h.rubrics["small_group" if small else "weekly_full"]

    def scores(self, rubric: Rubric, week: int) -> dict[str, int]:
        levels = rubric.levels()
        base = self.member.level + self.member.growth * week
        out = {}
        for key in rubric.indicator_keys():
            value = base + self.offset[key] + self.rng.gauss(0, 0.45)
            if self.open_step and self.open_step[1] == key:
                value -= 0.4  # the action step is there because this is a weak spot
            out[key] = min(max(math.floor(value + 0.5), levels[0]), levels[-1])
        return out

    def visit(self, day: date, week: int, full: bool) -> None:
        rng, rubric = self.rng, self.rubric(full)
        obs_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        start = datetime.combine(day, time(8, 15), self.tz) + timedelta(minutes=rng.randrange(0, 380, 5))
        small = rubric.key == "small_group"
        duration = rng.randint(15, 25) if small else rng.randint(30, 50) if full else rng.randint(4, 12)
        scores = self.scores(rubric, week)
        ranked = sorted(scores, key=lambda k: (scores[k], k))
        weakest, strongest = ranked[0], ranked[-1]
        follow = self.open_step if self.open_step and (full or rng.random() < 0.4) else None
        master = bool(follow and full and week - follow[2] >= 2 and rng.random() < 0.55)
        step_text = None
        if (self.open_step is None or master) and (full or rng.random() < 0.15):
            focus = next(k for k in ranked if not follow or k != follow[1])
            step_text = texts.COACHING[focus][2]
            weakest = focus
        recent = day >= self.h.days[-DRAFT_DAYS]
        if recent and rng.random() < 0.35:
            scores.pop(ranked[len(ranked) // 2], None)  # a draft may still have an indicator to score
        context = {
            "subject": rng.choice(self.subjects),
            "grade": self.member.grade,
            "grouping": "small_group" if small else ("one_on_one" if rng.random() < 0.05 else "whole_class"),
        }
        # The pool is in lesson order; keep it so the notes read like the visit unfolding.
        notes = [texts.EVIDENCE[i] for i in sorted(rng.sample(range(len(texts.EVIDENCE)), rng.randint(2, 4)))]
        gap = max(duration // len(notes), 1)
        evidence = [
            {"at": start + timedelta(minutes=i * gap), "text": note.format(n=rng.randint(3, 9))}
            for i, note in enumerate(notes)
        ]
        args = {
            "id": obs_id, "base_version": None, "educator_id": self.person.id, "rubric_id": rubric.id,
            "observed_at": start, "duration_minutes": duration, "context": context, "scores": scores,
            "evidence": evidence, "glow": texts.COACHING[strongest][0], "grow": texts.COACHING[weakest][1],
            "action_step": step_text, "follows_up": follow[0] if follow else None,
        }
        saved_at = start + timedelta(minutes=duration + rng.randint(1, 20))
        obs = observations.save_observation(self.h.session, self.mcl, args, saved_at)
        if master and follow:
            step = self.h.session.get(ActionStep, follow[0])
            assert step is not None
            observations.update_action_step(
                self.h.session, self.mcl, step.id, step.version, "mastered", rng.choice(texts.MASTERY_NOTES),
                saved_at + timedelta(minutes=1),
            )
            self.open_step = None
        complete = len(scores) == len(rubric.indicator_keys())
        draft = not complete or (recent and rng.random() < 0.35)
        self.publish(obs, week, full, step_text, saved_at, draft)

    def publish(
        self, obs: Observation, week: int, full: bool, step: str | None, saved: datetime, draft: bool
    ) -> None:
        rng = self.rng
        # Mostly the same day, sometimes the next, now and then two or three days later.
        low, high = rng.choice([(0.3, 6), (0.3, 6), (15, 30), (40, 70)])
        delay = rng.uniform(low, high)
        published = saved + timedelta(hours=delay)
        if draft or published >= self.cutoff:
            return  # still a draft: the coach has not sent it yet
        observations.publish_observation(self.h.session, self.mcl, obs.id, obs.version, published)
        if step:
            self.open_step = (observations.action_step_id_for(obs.id), self.focus_of(step), week)
        keen = self.member.seen >= 0.5
        if rng.random() < (0.8 if keen else 0.4):
            acknowledged = published + timedelta(hours=rng.uniform(0.2, 60))
            if acknowledged < self.cutoff:
                observations.acknowledge_feedback(self.h.session, self.person, obs.id, acknowledged)
                if full and rng.random() < 0.35:
                    observations.reflect_on_feedback(
                        self.h.session, self.person, obs.id, rng.choice(texts.REFLECTIONS),
                        acknowledged + timedelta(minutes=rng.randint(2, 40)),
                    )

    @staticmethod
    def focus_of(step: str) -> str:
        return next(k for k, (_, _, text) in texts.COACHING.items() if text == step)
