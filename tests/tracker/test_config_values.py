"""Config validated at load: every wrong type or value is one ConfigError line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.settings import ConfigError, load_settings

BAD = [
    ('[scrape]\ntimeout = "abc"', "[scrape] timeout: expected a number, got 'abc'"),
    ('[digest]\nto = "a@x"', "[digest] to: expected a list, got 'a@x'"),
    ('[digest]\nto = ["not an address"]', "[digest] to #1: expected an email address"),
    ("[scrape]\nconcurrency = true", "[scrape] concurrency: expected an integer, got true"),
    ("[scrape]\nconcurrency = 2.5", "[scrape] concurrency: expected an integer, got 2.5"),
    ("[scrape]\nconcurrency = 0", "[scrape] concurrency: must be 1 or more"),
    ("[scrape]\ntimeout = -1", "[scrape] timeout: must be a number above 0"),
    ("[scrape]\ntimeout = nan", "[scrape] timeout: must be a number above 0"),
    ('[scrape]\nrun_timeout = "soon"', "[scrape] run_timeout: expected a duration"),
    ('[scrape]\nrun_timeout = "0s"', "[scrape] run_timeout: must be more than 0"),
    ('[scrape]\ninterval = "6 hours"', "[scrape] interval: expected a duration"),
    ('[smtp]\nsecurity = "tls"', "[smtp] security: must be one of starttls, ssl, none"),
    ("[smtp]\nport = 70000", "[smtp] port: must be a port number"),
    ('[smtp]\npassword_env = "MY PW"', "[smtp] password_env: expected an environment variable"),
    ('[digest]\nschedule = "someday"', "bad [digest] schedule 'someday'"),
    ('[digest]\ntimezone = "Mars/Base"', "timezone"),
    ("database_url = 5", "database_url: expected a string, got 5"),
    ("scrape = 3", "[scrape] must be a table, got 3"),
    ("[scrape]\nspeed = 3", "unknown key 'speed' in [scrape]"),
    ("[nosuchsection]\nx = 1", "unknown key 'nosuchsection'"),
    ('config_path = "x"', "unknown key 'config_path'"),
    ('[scrape]\nuser_agent = "a\\nb"', "[scrape] user_agent: must be one line"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m[:40] for _, m in BAD])
def test_bad_config_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tracker.toml"
    path.write_text(text + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(str(path))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_good_config_loads(tmp_path: Path) -> None:
    path = tmp_path / "tracker.toml"
    path.write_text(
        '[scrape]\ntimeout = 10\nrun_timeout = "5m"\nconcurrency = 4\n'
        '[digest]\nto = ["a@example.com", "b@localhost"]\nfrom = "t@example.com"\n'
        '[smtp]\nsecurity = "ssl"\nport = 465\n'
    )
    s = load_settings(str(path))
    assert s.scrape.timeout == 10.0 and s.scrape.run_timeout == "5m"
    assert s.digest.to == ("a@example.com", "b@localhost") and s.smtp.port == 465
    assert s.config_path == str(path)


def test_unreadable_config_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(str(tmp_path))
