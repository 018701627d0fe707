"""The ``tracker`` command line: thin commands over ``jobs`` and ``db``.

Heavy modules (SQLAlchemy, httpx, selectolax, currency data) are imported inside the commands so
that ``tracker --help`` starts fast. Bad input is one line on stderr and exit 2; work that ran but
failed somewhere exits 1.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar, cast

import typer

from tracker.settings import ConfigError, Settings, load_settings, parse_when

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from tracker.domain import RoleFilter

app = typer.Typer(
    help="Track AI data-center and compute hiring across public job boards.\n\n"
    "Examples:\n\n  tracker demo\n\n  tracker sources import seeds/watchlist.toml\n\n"
    "  tracker scrape\n\n  tracker roles --country JP",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
sources_app = typer.Typer(help="Manage the boards the tracker watches.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")

F = TypeVar("F", bound=Callable[..., Any])
STATE: dict[str, Any] = {}


def fail(message: str, code: int = 2) -> NoReturn:
    """One clear line on stderr, then exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _user_error(exc: Exception) -> str | None:
    """The message for errors that mean bad input / unusable setup (exit 2), else None."""
    if isinstance(exc, ConfigError | FileNotFoundError | IsADirectoryError):
        return str(exc)
    if isinstance(exc, PermissionError) or (isinstance(exc, OSError) and exc.errno == 30):
        return f"cannot write {exc.filename or 'a file'}: {exc.strerror} (read-only folder?)"
    mod = type(exc).__module__
    if mod.startswith(("db.", "tracker.sources")) and type(exc).__name__ in {
        "StoreError",
        "DatabaseError",
        "SourceError",
        "UnknownSourceError",
    }:
        return str(exc)
    if mod.startswith(("sqlalchemy", "psycopg")):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"database error: {first}"
    return None


def handled(func: F) -> F:
    """Validate the config first (every command); turn known errors into one line + exit 2
    (storage errors such as a full disk: exit 1), never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            settings()
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            from tracker.storage_errors import storage_problem

            problem = storage_problem(exc)
            if problem is not None:
                fail(f"storage error: {problem} (the write in progress was rolled back)", 1)
            message = _user_error(exc)
            if message is None:
                raise
            fail(message)

    return cast(F, wrapper)


def settings() -> Settings:
    if "settings" not in STATE:
        from dataclasses import replace

        from tracker.dburl import database_url

        loaded = load_settings(STATE.get("config"), STATE.get("db"))
        STATE["settings"] = replace(loaded, database_url=database_url(loaded.database_url))
    value: Settings = STATE["settings"]
    return value


def database(write: bool = True) -> Engine:
    from jobs.database import open_database

    key = f"engine:{write}"  # one engine per command (filters and the query share it)
    if key not in STATE:
        STATE[key] = open_database(settings(), write=write)
    engine: Engine = STATE[key]
    return engine


@app.callback()
def main_options(
    db: Annotated[str | None, typer.Option("--db", help="Database URL.")] = None,
    config: Annotated[str | None, typer.Option("--config", help="Config file.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log to stderr.")] = False,
) -> None:
    """Global options."""
    STATE.clear()
    STATE.update(db=db, config=config)
    if verbose:
        import logging

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")


# ---------------------------------------------------------------- filters and formats

Many = list[str] | None
CompanyOpt = Annotated[Many, typer.Option("--company", help="Company slug or name; A,B or repeat.")]
CategoryOpt = Annotated[Many, typer.Option("--category", help="Category slug(s).")]
CountryOpt = Annotated[Many, typer.Option("--country", help="Country: JP, Japan, UK; JP,AU.")]
RegionOpt = Annotated[Many, typer.Option("--region", help="APAC, EMEA or AMER.")]
SourceOpt = Annotated[Many, typer.Option("--source", help="Source key(s), e.g. ats:token.")]
AllOpt = Annotated[bool, typer.Option("--all", help="Include non-compute roles.")]
AtOpt = Annotated[str | None, typer.Option("--at", help="When: 2026-04-15, 7d ... (now).")]
LimitOpt = Annotated[
    int, typer.Option("--limit", min=0, help="Rows of a table (0: all; json/csv: always all).")
]


def role_filter(
    company: Many,
    category: Many,
    country: Many,
    region: Many,
    source: Many,
    include_all: bool,
) -> RoleFilter:
    """Validated FILTERS; unknown values are one line naming the nearest known ones."""
    from jobs.filters import known_filter
    from tracker.filters import build_filter

    flt = build_filter(
        company=company,
        category=category,
        country=country,
        region=region,
        source=source,
        include_all=include_all,
    )
    return known_filter(database(write=False), flt)


def when(text: str | None) -> datetime:
    return parse_when(text) if text else datetime.now(UTC)


FMT3 = ("table", "json", "csv")
DIFF_FORMATS = ("text", "markdown", "json", "html")


FORMAT_ALIASES = {"md": "markdown", "txt": "text", "htm": "html"}


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    fmt = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
    if fmt not in allowed:
        raise ConfigError(f"bad --format {fmt!r}: use one of {', '.join(allowed)}")
    return fmt


# ---------------------------------------------------------------- commands


@app.command()
@handled
def init() -> None:
    """Create or upgrade the database schema (idempotent).

    Example: tracker --db sqlite:///tracker.db init
    """
    database(write=True)
    typer.echo(f"database ready: {redact(settings().database_url)}")


def redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<database>"


@sources_app.command("import")
@handled
def sources_import(file: Annotated[Path, typer.Argument(help="Watchlist TOML file.")]) -> None:
    """Upsert the sources of a watchlist; prints what changed.

    Example: tracker sources import seeds/watchlist.toml
    """
    from jobs.sources import import_watchlist

    changes = import_watchlist(database(), file)
    for key, change in changes:
        typer.echo(f"{change:9} {key}")
    counts = {c: sum(1 for _, x in changes if x == c) for c in ("added", "updated", "unchanged")}
    typer.echo(", ".join(f"{n} {c}" for c, n in counts.items()))


@sources_app.command("list")
@handled
def sources_list(fmt: Annotated[str, typer.Option("--format")] = "table") -> None:
    """List sources with their last run and health.

    Example: tracker sources list --format json
    """
    from jobs.views import print_sources

    print_sources(database(write=False), check_format(fmt, ("table", "json")))


@sources_app.command("add")
@handled
def sources_add(
    ats: Annotated[str, typer.Argument(help="greenhouse, lever, ashby ...")],
    token: Annotated[str, typer.Argument(help="Board token as the ATS names it.")],
    company: Annotated[str, typer.Option("--company", help="Company display name.")],
    api_base: Annotated[str | None, typer.Option("--api-base")] = None,
    option: Annotated[list[str] | None, typer.Option("--option", help="KEY=VALUE")] = None,
) -> None:
    """Add or update one source.

    Example: tracker sources add greenhouse anthropic --company Anthropic
    --option departments=Compute
    """
    from jobs.sources import add_source
    from tracker.watchlist import parse_option

    data: dict[str, object] = dict(parse_option(o) for o in option or [])
    data.update(ats=ats, token=token, company=company)
    if api_base:
        data["api_base"] = api_base
    key, change = add_source(database(), data)
    typer.echo(f"{change} {key}")


@sources_app.command("discover")
@handled
def sources_discover(
    url: Annotated[str, typer.Argument(help="A careers page or job URL.")],
) -> None:
    """Recognise the ATS and board token behind a URL; prints the watchlist entry to add.

    Example: tracker sources discover https://job-boards.greenhouse.io/anthropic
    """
    from jobs.sources import discover_entry, entry_toml

    typer.echo(entry_toml(discover_entry(settings(), url)), nl=False)


@sources_app.command("check")
@handled
def sources_check(
    keys: Annotated[list[str] | None, typer.Argument(help="Source keys (default: all).")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Check a watchlist file.")] = None,
) -> None:
    """One polite request per source: does its token answer, how many postings it holds.

    Example: tracker sources check amazon:dc eightfold:microsoft-dc
    """
    from jobs.sources_check import check_sources, refs_to_check, render

    refs = refs_to_check(None if file else database(write=False), keys or [], file)
    results = check_sources(settings(), refs)
    typer.echo(render(results), nl=False)
    if not all(r.ok for r in results):
        raise typer.Exit(1)


@sources_app.command("remove")
@handled
def sources_remove(key: Annotated[str, typer.Argument(help="Source key, e.g. lever:acme")]) -> None:
    """Remove a source and its history.

    Example: tracker sources remove lever:acme
    """
    from jobs.sources import remove_source

    remove_source(database(), key)
    typer.echo(f"removed {key}")


@app.command()
@handled
def scrape(
    keys: Annotated[list[str] | None, typer.Argument(help="Source keys (default: all).")] = None,
    company: Annotated[str | None, typer.Option("--company", help="Company slug.")] = None,
) -> None:
    """Scrape sources once now; prints a summary. Exit 1 if any source failed.

    Example: tracker scrape greenhouse:anthropic
    """
    from jobs.views import scrape_with_progress

    ok = scrape_with_progress(database(), settings(), keys or [], company)
    if not ok:
        raise typer.Exit(1)


@app.command()
@handled
def ingest(
    file: Annotated[Path, typer.Argument(help="Captured list-endpoint payload (JSON).")],
    source: Annotated[str, typer.Option("--source", help="Source key.")],
    observed_at: Annotated[str, typer.Option("--observed-at", help="When it was captured.")],
) -> None:
    """Record a captured payload as if scraped at WHEN.

    Example: tracker ingest board.json --source greenhouse:anthropic --observed-at 2026-04-15
    """
    from jobs.views import ingest_file

    ingest_file(database(), file, source, parse_when(observed_at, end_of_day=False), settings())


@app.command()
@handled
def roles(
    company: CompanyOpt = None,
    category: CategoryOpt = None,
    country: CountryOpt = None,
    region: RegionOpt = None,
    source: SourceOpt = None,
    include_all: AllOpt = False,
    at: AtOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    limit: LimitOpt = 100,
) -> None:
    """List roles open at a time (now by default).

    Example: tracker roles --country JP --format json
    """
    from jobs.views import print_roles

    flt = role_filter(company, category, country, region, source, include_all)
    print_roles(database(write=False), flt, when(at), check_format(fmt, FMT3), limit)


@app.command()
@handled
def count(
    by: Annotated[str, typer.Option("--by", help="company,category,country,region,city,source")],
    company: CompanyOpt = None,
    category: CategoryOpt = None,
    country: CountryOpt = None,
    region: RegionOpt = None,
    source: SourceOpt = None,
    include_all: AllOpt = False,
    at: AtOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    limit: LimitOpt = 100,
) -> None:
    """Count open roles by one or more dimensions.

    Example: tracker count --by company,country --at 2026-04-20
    """
    from jobs.views import print_counts
    from tracker.counts import parse_dims

    flt = role_filter(company, category, country, region, source, include_all)
    dims = parse_dims(by)
    print_counts(database(write=False), flt, when(at), dims, check_format(fmt, FMT3), limit)


@app.command()
@handled
def diff(
    start: Annotated[
        str | None, typer.Option("--from", help="Start (default: 7 days before --to).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="End (default: now).")] = None,
    company: CompanyOpt = None,
    category: CategoryOpt = None,
    country: CountryOpt = None,
    region: RegionOpt = None,
    source: SourceOpt = None,
    include_all: AllOpt = False,
    by: Annotated[
        str | None, typer.Option("--by", help="Extra count dimensions, e.g. city,source.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="text, markdown (md), json or html.")
    ] = "text",
) -> None:
    """What changed between two dates: counts, opened, closed and changed roles.

    Example: tracker diff --from 2026-04-20 --to 2026-11-20 --company anthropic
    """
    from datetime import timedelta

    from jobs.views import print_diff

    flt = role_filter(company, category, country, region, source, include_all)
    to = when(end)
    frm = parse_when(start, now=to) if start else to - timedelta(days=7)
    from tracker.counts import parse_dims

    dims = parse_dims(by) if by else []
    print_diff(database(write=False), frm, to, flt, check_format(fmt, DIFF_FORMATS), dims)


@app.command()
@handled
def salaries(
    company: CompanyOpt = None,
    category: CategoryOpt = None,
    country: CountryOpt = None,
    region: RegionOpt = None,
    source: SourceOpt = None,
    include_all: AllOpt = False,
    currency: Annotated[str | None, typer.Option("--currency", help="Convert, e.g. EUR.")] = None,
    at: AtOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    limit: LimitOpt = 100,
    bands: Annotated[str, typer.Option("--bands", help="primary or all.")] = "primary",
) -> None:
    """Pay bands of open roles, native currency and USD (ECB rate of the observation date).

    Example: tracker salaries --region EMEA --currency EUR --bands all
    """
    from jobs.views import print_salaries

    flt = role_filter(company, category, country, region, source, include_all)
    if bands not in ("primary", "all"):
        raise ConfigError(f"bad --bands {bands!r}: use primary or all")
    fmt = check_format(fmt, FMT3)
    print_salaries(database(write=False), flt, when(at), currency, fmt, limit, bands == "all")


@app.command()
@handled
def history(
    posting_id: Annotated[int, typer.Argument(help="Posting id (see `tracker roles`).")],
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Show a posting's versions, open spans and the rules that categorised it.

    Example: tracker history 12
    """
    from jobs.views import print_history

    print_history(database(write=False), posting_id, check_format(fmt, ("table", "json")))


@app.command()
@handled
def renormalize(
    keys: Annotated[list[str] | None, typer.Argument(help="Source keys (default: all).")] = None,
) -> None:
    """Re-apply the current taxonomy, place and pay rules to stored history (in place).

    Example: tracker renormalize greenhouse:anthropic
    """
    from jobs.renormalize import renormalize_all

    def report(result: Any) -> None:
        typer.echo(f"{result.source}: {result.rewritten} of {result.versions} versions updated")

    results = renormalize_all(database(), keys or None, on_source=report)
    typer.echo(f"{sum(r.rewritten for r in results)} versions updated in {len(results)} sources")


@app.command()
@handled
def demo(
    out: Annotated[Path | None, typer.Option("--out", help="Keep the demo database here.")] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="HTML report path (demo-report.html).")
    ] = None,
) -> None:
    """Offline tour: ingest shipped recordings into a temporary database and show them.

    Example: tracker demo
    """
    from jobs.demo import run_demo

    run_demo(out, html)


# ---------------------------------------------------------------- daemon, status, digest

digest_app = typer.Typer(help="The weekly email digest: preview and send.", no_args_is_help=True)
app.add_typer(digest_app, name="digest")


@app.command()
@handled
def daemon() -> None:
    """Run the scheduler in the foreground: scrapes, weekly digest, housekeeping.

    Imports the config's watchlist first. SIGTERM or SIGINT stops it cleanly (exit 0).

    Example: tracker --config /etc/dc-hiring-tracker/tracker.toml daemon
    """
    from jobs.scheduler import run_daemon

    raise typer.Exit(run_daemon(settings()))


@app.command()
@handled
def status(fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table") -> None:
    """Each source's last run, next run and health; the last digest sent and failed sends.

    Example: tracker status --format json
    """
    from jobs.status import print_status

    print_status(database(write=False), settings(), check_format(fmt, ("table", "json")))


@digest_app.command("preview")
@handled
def digest_preview(
    start: Annotated[
        str | None, typer.Option("--from", help="Start (default: 7 days before --to).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="End (default: the last scheduled digest).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the HTML here.")] = None,
) -> None:
    """Print the digest's period, subject and text, and write its HTML, without sending.
    By default the period `digest send` would send now.

    Example: tracker digest preview --to 2026-11-23T07:00Z --out digest.html
    """
    from jobs.digest import preview, preview_period

    frm, to, note = preview_period(settings(), start, end)
    preview(database(write=False), settings(), frm, to, out, note)


@digest_app.command("send")
@handled
def digest_send(
    to: Annotated[
        list[str] | None,
        typer.Option("--to", help="Test send to this address (repeatable; default: config)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Send even if already sent.")] = False,
) -> None:
    """Send the digest of the current period (the week ending at the last scheduled time),
    once: a period already sent is not sent again unless --force. With --to it is a test send:
    it always goes and does not use up the period. Exit 1 if sending failed.

    Example: tracker digest send --to analyst@example.com
    """
    from jobs.digest import send_now

    if not send_now(database(write=False), settings(), to or [], force):
        raise typer.Exit(1)


# ---------------------------------------------------------------- alerts and feed

alerts_app = typer.Typer(help="Watch rules ([[alert]]) sent to channels.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("list")
@handled
def alerts_list() -> None:
    """The configured rules and channels (URLs hidden) and what each rule has delivered.

    Example: tracker alerts list
    """
    from jobs.alerts import print_rules

    print_rules(database(), settings())


@alerts_app.command("check")
@handled
def alerts_check(
    rule: Annotated[list[str] | None, typer.Option("--rule", help="Only this rule.")] = None,
    baseline: Annotated[
        bool, typer.Option("--baseline", help="Record current events as seen; send nothing.")
    ] = False,
) -> None:
    """Send each rule's new events once: one message per rule and channel (what the daemon
    runs after each scrape). Exit 1 if a channel failed (its events are retried later).

    Example: tracker alerts check
    """
    from jobs.alerts import check, print_outcomes

    outcomes = check(database(), settings(), rules=rule or (), baseline=baseline)
    print_outcomes(outcomes)
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


@alerts_app.command("test")
@handled
def alerts_test(name: Annotated[str, typer.Argument(help="Rule name.")]) -> None:
    """Send one test message to each of the rule's channels. Exit 1 if one failed.

    Example: tracker alerts test japan-new
    """
    from jobs.alerts import print_outcomes, send_test

    outcomes = send_test(settings(), name)
    print_outcomes(outcomes)
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


@app.command()
@handled
def feed(
    company: CompanyOpt = None,
    category: CategoryOpt = None,
    country: CountryOpt = None,
    region: RegionOpt = None,
    source: SourceOpt = None,
    include_all: AllOpt = False,
    start: Annotated[
        str | None, typer.Option("--from", help="Events since (default: 30d).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the Atom XML here.")] = None,
) -> None:
    """An Atom feed of opened, closed and pay-changed roles, with stable entry ids.

    Example: tracker feed --country JP --from 30d --out feed.xml
    """
    from jobs.feed import build_feed, write_feed

    flt = role_filter(company, category, country, region, source, include_all)
    write_feed(build_feed(database(write=False), flt, parse_when(start or "30d")), out)


@app.command()
@handled
def trend(
    by: Annotated[str, typer.Option("--by", help="company,category,country,region,city,source")],
    every: Annotated[str, typer.Option("--every", help="week or month.")] = "week",
    start: Annotated[
        str | None, typer.Option("--from", help="First period (default: 12 periods back).")
    ] = None,
    company: CompanyOpt = None,
    category: CategoryOpt = None,
    country: CountryOpt = None,
    region: RegionOpt = None,
    source: SourceOpt = None,
    include_all: AllOpt = False,
    fmt: Annotated[str, typer.Option("--format", help="text, csv or json.")] = "text",
) -> None:
    """Open-role counts at the end of each week or month, by one dimension: the time series.

    Example: tracker trend --by company --every month --from 2026-01-01 --format csv
    """
    from datetime import timedelta

    from jobs.trend import periods, print_trend, trend_rows
    from tracker.counts import parse_dims

    dims = parse_dims(by)
    if len(dims) != 1:
        raise ConfigError(f"bad --by {by!r}: trend takes one dimension")
    check_format(fmt, ("text", "csv", "json"))
    flt = role_filter(company, category, country, region, source, include_all)
    now = datetime.now(UTC)
    back = timedelta(weeks=11) if every == "week" else timedelta(days=334)
    frm = parse_when(start, now=now, end_of_day=False) if start else now - back
    rows = trend_rows(database(write=False), flt, dims[0], every, frm, now)
    print_trend(rows, dims[0], fmt, [label for label, _ in periods(frm, now, every)])


def main() -> None:
    """Console-script entry point."""
    from tracker.shipped import check_own_packages

    problem = check_own_packages()
    if problem:
        typer.echo(f"error: {problem}", err=True)
        sys.exit(2)
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        from tracker.usage import usage_error

        message = usage_error(exc)
        if message is None:
            raise
        if message:
            typer.echo(message, err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
