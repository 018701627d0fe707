"""Safe by default: loopback without a token, anything else only with it (every request,
constant-time), read-only methods, safe headers, and `serve` refusing an open bind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.web.conftest import TestClient
from tracker.cli import app as cli_app
from tracker.settings import ServeSettings, Settings, load_settings
from tracker.web import guard
from tracker.web.app import create_app
from tracker.web.serve import token_for

TOKEN = "s3cret-token-value"


@pytest.fixture
def locked(seeded: Engine, any_db_url: str) -> TestClient:
    return TestClient(create_app(seeded, Settings(database_url=any_db_url), TOKEN))


def test_loopback_needs_no_token(client: TestClient) -> None:
    assert client.get("/roles").status_code == 200


@pytest.mark.parametrize("path", ["/", "/roles", "/api/roles", "/roles.csv", "/static/style.css"])
def test_every_path_needs_the_token(locked: TestClient, path: str) -> None:
    missing = locked.get(path)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert locked.get(path, headers={"Authorization": "Bearer nope"}).status_code == 403
    assert locked.get(path, params={"token": TOKEN[:-1]}).status_code == 403
    assert locked.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_a_token_in_the_url_sets_a_cookie_for_the_next_pages(locked: TestClient) -> None:
    first = locked.get("/roles", params={"token": TOKEN})
    assert first.status_code == 200
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{guard.COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert locked.get("/sources").status_code == 200  # the client sends the cookie back
    locked.cookies.clear()
    assert locked.get("/sources").status_code == 401
    locked.cookies.set(guard.COOKIE, "forged")
    assert locked.get("/sources").status_code == 403


def test_the_comparison_is_constant_time(
    locked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = guard.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(guard.hmac, "compare_digest", spy)
    assert locked.get("/", headers={"Authorization": "Bearer guess"}).status_code == 403
    assert calls == [(b"guess", TOKEN.encode())]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_only_get_and_head(client: TestClient, locked: TestClient, method: str) -> None:
    for c in (client, locked):
        got = c.request(method, "/roles")
        assert got.status_code == 405
        assert got.headers["allow"] == "GET, HEAD"


def test_safe_headers_on_every_answer(client: TestClient) -> None:
    for path in ("/", "/api/roles", "/nope", "/roles?country=Narnia"):
        headers = client.get(path).headers
        assert "script-src" not in headers["content-security-policy"]  # default-src 'none'
        assert headers["content-security-policy"].startswith("default-src 'none'")
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("127.0.0.2", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
     ("example.com", False)],
)  # fmt: skip
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert guard.is_loopback(host) is loopback


def test_which_binds_need_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = ServeSettings(token_env="WEB_TEST_TOKEN")
    monkeypatch.delenv("WEB_TEST_TOKEN", raising=False)
    assert token_for("127.0.0.1", conf) is None
    assert token_for("0.0.0.0", conf) is False
    monkeypatch.setenv("WEB_TEST_TOKEN", TOKEN)
    assert token_for("0.0.0.0", conf) == TOKEN
    assert token_for("127.0.0.1", conf) == TOKEN  # once set, it is checked on loopback too


def test_serve_refuses_an_open_bind_without_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_SERVE_TOKEN", raising=False)
    config = tmp_path / "tracker.toml"
    config.write_text('[serve]\ntoken_env = "TRACKER_SERVE_TOKEN"\n')
    db = f"sqlite:///{tmp_path / 't.db'}"
    result = CliRunner().invoke(
        cli_app, ["--db", db, "--config", str(config), "serve", "--host", "0.0.0.0"]
    )
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: refusing to serve on 0.0.0.0 without a token: set TRACKER_SERVE_TOKEN "
        "(or bind 127.0.0.1)"
    ]
    assert not (tmp_path / "t.db").exists()  # refused before touching the database


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[serve]\nport = 70000\n", "[serve] port: must be a port number 1-65535"),
        ('[serve]\nport = "80"\n', "[serve] port: expected an integer"),
        ('[serve]\ntoken_env = "MY TOKEN"\n', "[serve] token_env: expected an environment"),
        ('[serve]\nbind = "x"\n', "unknown key 'bind' in [serve]"),
    ],
)
def test_serve_settings_are_checked(tmp_path: Path, text: str, message: str) -> None:
    from tracker.settings import ConfigError

    config = tmp_path / "tracker.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_settings(str(config))


@pytest.mark.parametrize(
    ("host", "status"),
    [("127.0.0.1:8000", 200), ("localhost", 200), ("[::1]:8000", 200), ("LOCALHOST:1", 200),
     ("evil.example.com", 400), ("evil.example.com:8000", 400), ("", 400)],
)  # fmt: skip
def test_without_a_token_only_loopback_host_names(
    client: TestClient, locked: TestClient, host: str, status: int
) -> None:
    """DNS rebinding: a page on evil.example.com resolving to 127.0.0.1 gets nothing."""
    got = client.get("/roles", headers={"host": host})
    assert got.status_code == status
    auth = {"host": host, "authorization": f"Bearer {TOKEN}"}
    assert locked.get("/roles", headers=auth).status_code == 200  # the token is the gate there
