from datetime import UTC, datetime, timedelta

import pytest

from tracker.settings import ConfigError, load_settings, parse_duration, parse_when

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("5m", 300), ("6h", 21600), ("1d", 86400), ("2w", 1209600), (45, 45)],
)
def test_parse_duration(text: str | int, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "6 hours", "h6", "-1h", "1y"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_duration(text)


def test_parse_when_forms() -> None:
    end = datetime(2026, 4, 15, 23, 59, 59, 999999, tzinfo=UTC)
    assert parse_when("2026-04-15", NOW) == end  # a bare date is the end of that day
    assert parse_when("2026-04-15", NOW, end_of_day=False) == datetime(2026, 4, 15, tzinfo=UTC)
    assert parse_when("2026-04-15T09:00:00Z", NOW) == datetime(2026, 4, 15, 9, tzinfo=UTC)
    assert parse_when("2026-04-15T11:00:00+02:00", NOW) == datetime(2026, 4, 15, 9, tzinfo=UTC)
    assert parse_when("7d", NOW) == NOW - timedelta(days=7)
    assert parse_when("4w", NOW) == NOW - timedelta(weeks=4)


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "15/04/2026", "7 days"])
def test_parse_when_rejects(text: str) -> None:
    with pytest.raises(ConfigError, match="bad date"):
        parse_when(text, NOW)


def test_settings_precedence(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    monkeypatch.delenv("TRACKER_CONFIG", raising=False)
    assert load_settings().database_url == "sqlite:///tracker.db"
    (tmp_path / "tracker.toml").write_text(
        'database_url = "sqlite:///file.db"\n[scrape]\nconcurrency = 3\n'
        '[digest]\nfrom = "a@b.c"\nto = ["x@y.z"]\n'
    )
    s = load_settings()
    assert s.database_url == "sqlite:///file.db"
    assert s.scrape.concurrency == 3
    assert s.digest.from_addr == "a@b.c"
    assert s.digest.to == ("x@y.z",)
    monkeypatch.setenv("TRACKER_DATABASE_URL", "sqlite:///env.db")
    assert load_settings().database_url == "sqlite:///env.db"
    assert load_settings(db="sqlite:///flag.db").database_url == "sqlite:///flag.db"


def test_settings_errors(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("database_url = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(str(bad))
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[scrape]\nspeed = 3\n")
    with pytest.raises(ConfigError, match="unknown key 'speed'"):
        load_settings(str(unknown))
    with pytest.raises(ConfigError, match="not found"):
        load_settings(str(tmp_path / "missing.toml"))


def test_smtp_password_from_env(monkeypatch) -> None:
    from tracker.settings import SmtpSettings

    monkeypatch.setenv("MY_SMTP_PW", "s3cret")
    assert SmtpSettings(password_env="MY_SMTP_PW").password == "s3cret"
    monkeypatch.delenv("MY_SMTP_PW")
    assert SmtpSettings(password_env="MY_SMTP_PW").password is None


def test_a_validated_config_is_read_back_from_the_cache(tmp_path, monkeypatch) -> None:
    """The same document gives the same Settings from the cache, without Pydantic; a changed
    one is validated again; an invalid one is never kept; a corrupt cache file is ignored."""
    import subprocess
    import sys

    cache = tmp_path / "cache"
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(cache))
    config = tmp_path / "tracker.toml"
    config.write_text('[scrape]\nconcurrency = 7\ntimeout = 20\n[digest]\nto = ["a@b.example"]\n')
    fresh = load_settings(str(config))
    kept = list(cache.glob("settings-*.pickle"))
    assert len(kept) == 1
    assert load_settings(str(config)) == fresh
    code = (
        "import sys; from tracker.settings import load_settings; "
        f"s = load_settings({str(config)!r}); "
        "print(s.scrape.concurrency, s.config_path == sys.argv[1], 'pydantic' in sys.modules)"
    )
    env = {**__import__("os").environ, "TRACKER_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", code, str(config)], capture_output=True, text=True, env=env
    )
    assert out.stdout.split() == ["7", "True", "False"], out.stderr
    config.write_text("[scrape]\nconcurrency = 9\n")
    assert load_settings(str(config)).scrape.concurrency == 9
    assert len(list(cache.glob("settings-*.pickle"))) == 2
    config.write_text('[scrape]\nconcurrency = "many"\n')
    with pytest.raises(ConfigError, match=r"\[scrape\] concurrency"):
        load_settings(str(config))
    assert len(list(cache.glob("settings-*.pickle"))) == 2
    config.write_text("[scrape]\nconcurrency = 9\n")
    for path in cache.glob("settings-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert load_settings(str(config)).scrape.concurrency == 9
    monkeypatch.setenv("TRACKER_CACHE_DIR", "")  # the cache turned off: validated every time
    assert load_settings(str(config)).scrape.concurrency == 9
