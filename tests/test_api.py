"""The API's outer shape: OpenAPI, health, the one error envelope, read endpoints."""

from __future__ import annotations

from typing import Any

from tests.conftest import World, observation_args


def test_openapi_describes_every_api_route(ctx, client) -> None:
    document = client.get("/api/openapi.json").get_json()
    documented = set(document["paths"])
    routes = {
        rule.rule.replace("<uuid:", "{").replace(">", "}")
        for rule in ctx.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.rule != "/api/openapi.json"
    }
    assert routes <= documented, routes - documented
    assert "PushArgs" in document["components"]["schemas"]
    assert "PullResult" in document["components"]["schemas"]


def test_healthz_checks_the_database(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}


def test_every_answer_refuses_framing_and_sniffing(client) -> None:
    for url in ("/healthz", "/api/auth/me", "/"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_unknown_api_path_is_a_json_404(login, world: World) -> None:
    response = login(world.mcl).get("/api/nothing-here")
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"


def test_wrong_method_is_405_with_allow_header(login, world: World) -> None:
    response = login(world.mcl).get("/api/sync/push")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.get_json()["code"] == "method_not_allowed"


def test_my_observations_for_observer_and_educator(login, device, world: World, rubrics: dict[str, Any]) -> None:
    mcl = device(world.mcl)
    published = observation_args(world.teacher, rubrics["daily_quick_look"])
    draft = observation_args(world.teacher, rubrics["daily_quick_look"], complete=False)
    mcl.send("observation.save", **published)
    mcl.send("observation.publish", id=published["id"], base_version=1)
    mcl.send("observation.save", **draft)
    mine = mcl.api.get("/api/observations").get_json()["observations"]
    assert {o["id"] for o in mine} == {published["id"], draft["id"]}
    drafts = mcl.api.get("/api/observations?status=draft").get_json()["observations"]
    assert [o["id"] for o in drafts] == [draft["id"]]
    teacher_view = login(world.teacher).get("/api/observations").get_json()["observations"]
    assert [o["id"] for o in teacher_view] == [published["id"]]
    assert teacher_view[0]["action_step"] == published["action_step"] and teacher_view[0]["version"] == 2


def test_bad_query_is_a_422_envelope(login, world: World) -> None:
    response = login(world.mcl).get("/api/observations?status=lost&limit=0")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"status", "limit"}


def test_the_built_app_is_served_without_http_caching_of_index(tmp_path, ctx) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Cadence</title>")
    (tmp_path / "sw.js").write_text("self.addEventListener('install', () => {})")
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log(1)")
    from backend import create_app

    app = create_app({"TESTING": True, "PWA_DIST": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": ctx.config["SQLALCHEMY_DATABASE_URI"]})
    http = app.test_client()
    for page in ("/", "/record/123", "/sw.js"):
        response = http.get(page)
        assert response.status_code == 200 and "no-cache" in response.headers["Cache-Control"]
    asset = http.get("/assets/app-1a2b.js")
    assert "immutable" in asset.headers["Cache-Control"] and "31536000" in asset.headers["Cache-Control"]
    assert http.get("/assets/missing.js").status_code == 404
