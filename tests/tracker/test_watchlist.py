import pytest

from tracker.settings import ConfigError
from tracker.watchlist import load_watchlist, parse_option, slugify

KNOWN = {"greenhouse", "lever", "ashby", "workday", "html"}


def test_slugify() -> None:
    assert slugify("Digital Realty") == "digital-realty"
    assert slugify("xAI") == "xai"
    assert slugify("Nscale (UK) Ltd.") == "nscale-uk-ltd"
    assert slugify("Équinix") == "equinix"


def test_parse_option() -> None:
    assert parse_option("departments=Compute,Data Centers") == (
        "departments",
        ["Compute", "Data Centers"],
    )
    assert parse_option("site=NVIDIAExternalCareerSite") == ("site", "NVIDIAExternalCareerSite")
    with pytest.raises(ConfigError):
        parse_option("novalue")


def test_load_watchlist(tmp_path) -> None:
    path = tmp_path / "w.toml"
    path.write_text(
        '[[source]]\ncompany = "Anthropic"\nats = "greenhouse"\ntoken = "anthropic"\n'
        'departments = ["Compute"]\napi_base = "http://127.0.0.1:9/"\ninterval = "1h"\n'
        '[[source]]\ncompany = "NVIDIA"\nats = "workday"\ntoken = "nvidia"\n'
        'host = "nvidia.wd5.myworkdayjobs.com"\nsite = "NVIDIAExternalCareerSite"\n'
    )
    first, second = load_watchlist(path, KNOWN)
    assert first.ref.key == "greenhouse:anthropic"
    assert first.ref.company_slug == "anthropic"
    assert first.ref.departments == ("Compute",)
    assert first.ref.api_base == "http://127.0.0.1:9"
    assert first.interval == "1h"
    assert second.ref.key == "workday:nvidia/NVIDIAExternalCareerSite"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[source]]\nats = "greenhouse"\ntoken = "x"\n', "missing or empty 'company'"),
        ('[[source]]\ncompany = "X"\nats = "nope"\ntoken = "x"\n', "unknown ats 'nope'"),
        ('[[source]]\ncompany = "X"\nats = "workday"\ntoken = "x"\n', "also needs host, site"),
        ('[[source]]\ncompany = "X"\nats = "lever"\ntoken = "x"\ninterval = "often"\n', "bad"),
        ("[[source]\n", "not valid TOML"),
        (
            '[[source]]\ncompany = "X"\nats = "lever"\ntoken = "x"\n'
            '[[source]]\ncompany = "Y"\nats = "lever"\ntoken = "x"\n',
            "duplicate source",
        ),
    ],
)
def test_load_watchlist_errors(tmp_path, body: str, message: str) -> None:
    path = tmp_path / "w.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=message):
        load_watchlist(path, KNOWN)
