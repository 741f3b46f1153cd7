"""Signing in and out, sessions, CSRF and throttling."""

from __future__ import annotations

from flask import Flask

from backend.auth.models import AuthSession
from backend.extensions import db
from tests.conftest import PASSWORD, ApiClient, World


def test_login_sets_httponly_session_and_readable_csrf_cookie(client, world: World) -> None:
    response = client.post("/api/auth/login", json={"email": world.mcl.email.upper(), "password": PASSWORD})
    assert response.status_code == 200
    me = response.get_json()
    assert me["email"] == world.mcl.email
    assert "mcl" in me["roles"]
    assert [t["name"] for t in me["teams"]] == ["Team Maple"]
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("cadence_session="))
    csrf_cookie = next(c for c in cookies if c.startswith("csrf_token="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "HttpOnly" not in csrf_cookie


def test_unknown_email_and_wrong_password_get_the_same_answer(client, world: World) -> None:
    wrong = client.post("/api/auth/login", json={"email": world.mcl.email, "password": "nope"})
    unknown = client.post("/api/auth/login", json={"email": "nobody@example.test", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["code"] == "unauthorized"


def test_repeated_failures_on_one_account_are_slowed_with_429(client, world: World) -> None:
    for _ in range(5):
        assert client.post("/api/auth/login", json={"email": world.teacher.email, "password": "x"}).status_code == 401
    blocked = client.post("/api/auth/login", json={"email": world.teacher.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Try again in" in blocked.get_json()["message"]
    # another account from the same address is not locked out by someone else's mistakes
    assert client.post("/api/auth/login", json={"email": world.mcl.email, "password": PASSWORD}).status_code == 200


def test_repeated_failures_from_one_address_are_slowed(ctx: Flask, world: World) -> None:
    ctx.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    try:
        http = ctx.test_client()
        for i in range(3):
            http.post("/api/auth/login", json={"email": f"guess{i}@example.test", "password": "x"})
        assert http.post("/api/auth/login", json={"email": world.mcl.email, "password": PASSWORD}).status_code == 429
    finally:
        ctx.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 1000


def test_me_needs_a_session(client) -> None:
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert response.get_json() == {"code": "unauthorized", "status": 401, "message": "Sign in to continue."}


def test_unsafe_request_without_csrf_header_is_403(login, world: World) -> None:
    api = login(world.mcl)
    response = api.http.post("/api/sync/push", json={"client_id": str(world.mcl.id), "mutations": []})
    assert response.status_code == 403
    assert "CSRF" in response.get_json()["message"]
    wrong = api.http.post("/api/sync/push", json={"client_id": str(world.mcl.id), "mutations": []},
                          headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403


def test_missing_session_is_401_before_csrf_or_validation(client) -> None:
    response = client.post("/api/sync/push", data="not json", content_type="application/json")
    assert response.status_code == 401


def test_logout_ends_the_session_server_side(login, world: World) -> None:
    api: ApiClient = login(world.teacher)
    token = api.http.get_cookie("cadence_session").value
    assert api.post("/api/auth/logout").status_code == 204
    assert db.session.query(AuthSession).count() == 0
    replay = ApiClient(api.http.application, None)
    replay.http.set_cookie("cadence_session", token)
    assert replay.get("/api/auth/me").status_code == 401


def test_passwords_are_stored_with_a_slow_salted_hash(world: World) -> None:
    assert world.teacher.password_hash.startswith("scrypt:")
    assert PASSWORD not in world.teacher.password_hash
