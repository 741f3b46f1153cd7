"""The push half of the sync contract (DESIGN §5): statuses, the ledger, seqs and client binding."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from backend.extensions import db
from backend.observations.models import ActionStep, Observation
from backend.sync.models import SyncClient, SyncMutation
from tests.conftest import World, observation_args


def test_save_creates_a_draft_with_its_action_step(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    args = observation_args(world.teacher, rubrics["weekly_full"])
    result = mcl.send("observation.save", **args)
    assert result["status"] == "applied" and result["version"] == 1
    obs = db.session.get(Observation, uuid.UUID(args["id"]))
    assert obs.status == "draft" and obs.observer_id == world.mcl.id and obs.school_id == world.school.id
    step = db.session.scalar(select(ActionStep).where(ActionStep.observation_id == obs.id))
    assert step.text == args["action_step"] and step.status == "open"


def test_resent_mutation_is_a_duplicate_with_the_stored_version(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    mutation = mcl.mutation("observation.save", **observation_args(world.teacher, rubrics["daily_quick_look"]))
    first = mcl.push(mutation).get_json()["results"][0]
    again = mcl.push(mutation).get_json()["results"][0]
    assert first["status"] == "applied"
    assert again == {**first, "status": "duplicate"}
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 1


def test_update_publish_and_versions(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    args = observation_args(world.teacher, rubrics["daily_quick_look"])
    mcl.send("observation.save", **args)
    updated = mcl.send("observation.save", **{**args, "base_version": 1, "glow": "Even better routines."})
    assert updated == {"id": updated["id"], "status": "applied", "version": 2}
    published = mcl.send("observation.publish", id=args["id"], base_version=2)
    assert published["status"] == "applied" and published["version"] == 3
    again = mcl.send("observation.publish", id=args["id"], base_version=3)
    assert again["status"] == "applied" and again["version"] == 3  # publishing what is published changes nothing


def test_stale_base_version_is_a_conflict_carrying_the_current_row(device, world: World, rubrics) -> None:
    phone, laptop = device(world.mcl), device(world.mcl)
    args = observation_args(world.teacher, rubrics["weekly_full"])
    phone.send("observation.save", **args)
    phone.send("observation.save", **{**args, "base_version": 1, "glow": "From the phone"})
    result = laptop.send("observation.save", **{**args, "base_version": 1, "glow": "From the laptop"})
    assert result["status"] == "conflict"
    current = result["current"]
    assert current["type"] == "observation" and current["version"] == 2 and current["deleted"] is False
    assert current["data"]["glow"] == "From the phone"


def test_creating_an_existing_id_is_a_conflict(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    args = observation_args(world.teacher, rubrics["daily_quick_look"])
    mcl.send("observation.save", **args)
    assert mcl.send("observation.save", **args)["status"] == "conflict"


def test_rejected_mutations_say_why_and_the_queue_goes_on(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    rubric = rubrics["weekly_full"]
    key = rubric.indicator_keys()[0]
    off_scale = observation_args(world.teacher, rubric, scores={key: 9})
    good = observation_args(world.teacher, rubric)
    response = mcl.push(
        mcl.mutation("observation.save", **off_scale),
        mcl.mutation("observation.teleport", id=str(uuid.uuid4())),
        mcl.mutation("observation.save", **observation_args(world.other_teacher, rubric)),
        mcl.mutation("observation.save", **{**good, "surprise": 1}),
        mcl.mutation("observation.save", **good),
    )
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 4 + ["applied"]
    assert "off the scale" in results[0]["errors"]["args"]["scores"][key][0]
    assert "Unknown mutation" in results[1]["message"]
    assert results[2]["errors"]["args"]["educator_id"]
    assert results[3]["errors"]["args"]["surprise"]
    client = db.session.get(SyncClient, uuid.UUID(mcl.client_id))
    assert client.last_seq == 5
    assert db.session.scalar(select(func.count()).select_from(SyncMutation)) == 5


def test_publishing_needs_every_indicator_scored(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    args = observation_args(world.teacher, rubrics["weekly_full"], complete=False)
    mcl.send("observation.save", **args)
    result = mcl.send("observation.publish", id=args["id"], base_version=1)
    assert result["status"] == "rejected"
    assert len(result["errors"]["args"]["scores"]) == len(rubrics["weekly_full"].indicator_keys()) - 1


def test_rubric_must_apply_to_the_educators_stage(device, world: World, rubrics) -> None:
    result = device(world.mcl).send("observation.save", **observation_args(world.teacher, rubrics["small_group"]))
    assert result["status"] == "rejected" and "does not apply" in result["message"]


def test_gap_stops_the_batch_and_names_the_seq_to_resend(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    rubric = rubrics["daily_quick_look"]
    first = mcl.mutation("observation.save", **observation_args(world.teacher, rubric))
    second = mcl.mutation("observation.save", **observation_args(world.teacher, rubric))
    third = mcl.mutation("observation.save", **observation_args(world.teacher, rubric))
    body = mcl.push(second, third).get_json()
    assert body["resend_from"] == 1
    assert [r["status"] for r in body["results"]] == ["gap", "gap"]
    assert db.session.scalar(select(func.count()).select_from(SyncMutation)) == 0
    body = mcl.push(first, second, third).get_json()
    assert [r["status"] for r in body["results"]] == ["applied"] * 3


def test_a_new_mutation_reusing_a_taken_seq_is_rejected(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    rubric = rubrics["daily_quick_look"]
    mcl.send("observation.save", **observation_args(world.teacher, rubric))
    reused = {**mcl.mutation("observation.save", **observation_args(world.teacher, rubric)), "seq": 1}
    result = mcl.push(reused).get_json()["results"][0]
    assert result["status"] == "rejected" and "already taken" in result["message"]


def test_a_client_id_belongs_to_the_person_who_first_pushed_it(device, world: World, rubrics) -> None:
    mcl, teacher = device(world.mcl), device(world.teacher)
    mcl.send("observation.save", **observation_args(world.teacher, rubrics["daily_quick_look"]))
    teacher.client_id = mcl.client_id
    response = teacher.push(teacher.mutation("feedback.acknowledge", observation_id=str(uuid.uuid4())))
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(SyncMutation)) == 1


def test_teacher_acknowledges_and_reflects_on_published_feedback(device, world: World, rubrics) -> None:
    mcl, teacher = device(world.mcl), device(world.teacher)
    args = observation_args(world.teacher, rubrics["daily_quick_look"])
    mcl.send("observation.save", **args)
    hidden = teacher.send("feedback.acknowledge", observation_id=args["id"])
    assert hidden["status"] == "rejected"  # a draft is not feedback yet
    mcl.send("observation.publish", id=args["id"], base_version=1)
    ack = teacher.send("feedback.acknowledge", observation_id=args["id"])
    assert ack["status"] == "applied" and ack["version"] == 1
    assert teacher.send("feedback.acknowledge", observation_id=args["id"])["version"] == 1
    reflected = teacher.send("feedback.reflect", observation_id=args["id"], text="I'll try the hinge question.")
    assert reflected["version"] == 2


def test_action_step_mastered_and_followed_up(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    rubric = rubrics["daily_quick_look"]
    args = observation_args(world.teacher, rubric)
    mcl.send("observation.save", **args)
    step_id = str(db.session.scalar(select(ActionStep.id)))
    follow = observation_args(world.teacher, rubric, follows_up=step_id)
    assert mcl.send("observation.save", **follow)["status"] == "applied"
    done = mcl.send("action_step.update", id=step_id, base_version=1, status="mastered", note="Seen twice.")
    assert done["status"] == "applied" and done["version"] == 2
    late = observation_args(world.teacher, rubric, follows_up=step_id)
    assert mcl.send("observation.save", **late)["status"] == "rejected"
    stranger = device(world.other_mcl).send("action_step.update", id=step_id, base_version=2, status="open")
    assert stranger["status"] == "rejected"


def test_malformed_bodies_get_a_4xx_envelope(device, world: World) -> None:
    mcl = device(world.mcl)
    bad_json = mcl.api.post("/api/sync/push", data="{nope", content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.get_json()["code"] == "bad_request"
    wrong_types = mcl.api.post("/api/sync/push", json={"client_id": "x", "mutations": "many"})
    assert wrong_types.status_code == 422
    assert set(wrong_types.get_json()["errors"]) == {"client_id", "mutations"}
    unknown = mcl.api.post("/api/sync/push", json={"client_id": str(uuid.uuid4()), "mutations": [], "x": 1})
    assert unknown.status_code == 422 and "x" in unknown.get_json()["errors"]
    huge = mcl.api.post("/api/sync/push", data="x" * (2 * 1024 * 1024 + 1), content_type="application/json")
    assert huge.status_code == 413 and huge.get_json()["code"] == "payload_too_large"


def test_one_batch_can_create_edit_and_publish_the_same_observation(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    args = observation_args(world.teacher, rubrics["daily_quick_look"])
    save = mcl.mutation("observation.save", **args)
    body = mcl.push(
        save,
        mcl.mutation("observation.save", **{**args, "base_version": 1, "glow": "Edited in the same batch"}),
        mcl.mutation("observation.publish", id=args["id"], base_version=2),
        save,  # the same mutation twice in one batch is handled once
    ).get_json()
    assert [(r["status"], r.get("version")) for r in body["results"]] == [
        ("applied", 1), ("applied", 2), ("applied", 3), ("duplicate", 1)
    ]
    obs = db.session.get(Observation, uuid.UUID(args["id"]))
    assert obs.status == "published" and obs.glow == "Edited in the same batch" and obs.version == 3


def test_a_failure_mid_batch_undoes_nothing_of_its_neighbours(device, world: World, rubrics) -> None:
    mcl = device(world.mcl)
    rubric = rubrics["daily_quick_look"]
    first, last = observation_args(world.teacher, rubric), observation_args(world.teacher, rubric)
    stale = observation_args(world.teacher, rubric)
    mcl.send("observation.save", **stale)
    body = mcl.push(
        mcl.mutation("observation.save", **first),
        mcl.mutation("observation.save", **{**stale, "base_version": 7}),  # conflict
        mcl.mutation("observation.publish", id=str(uuid.uuid4()), base_version=1),  # rejected
        mcl.mutation("observation.save", **last),
    ).get_json()
    assert [r["status"] for r in body["results"]] == ["applied", "conflict", "rejected", "applied"]
    stored = set(db.session.scalars(select(Observation.id)))
    assert stored == {uuid.UUID(first["id"]), uuid.UUID(stale["id"]), uuid.UUID(last["id"])}
    seqs = sorted(db.session.scalars(select(Observation.change_seq)))
    assert len(set(seqs)) == len(seqs)


def test_a_rejected_save_sent_again_as_a_new_mutation_applies(device, world: World, rubrics) -> None:
    from backend.org.models import TeamMember

    mcl = device(world.mcl)
    args = observation_args(world.teacher, rubrics["daily_quick_look"])
    db.session.execute(TeamMember.__table__.delete().where(TeamMember.person_id == world.teacher.id))
    db.session.commit()
    assert mcl.send("observation.save", **args)["status"] == "rejected"
    db.session.add(TeamMember(team_id=world.team.id, person_id=world.teacher.id))
    db.session.commit()
    assert mcl.send("observation.save", **args)["status"] == "applied"
