"""Database, scrape and query commands: init, scrape, ingest, roles, count, diff, salaries,
history, renormalize, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tracker.cli_common import (
    DIFF_FORMATS,
    FMT3,
    STATE,
    AllOpt,
    AtOpt,
    CategoryOpt,
    CompanyOpt,
    CountryOpt,
    LimitOpt,
    RegionOpt,
    SourceOpt,
    app,
    check_format,
    database,
    handled,
    role_filter,
    settings,
    when,
)
from tracker.settings import ConfigError, parse_when


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


@app.command()
@handled
def scrape(
    keys: Annotated[list[str] | None, typer.Argument(help="Source keys (default: all).")] = None,
    company: Annotated[str | None, typer.Option("--company", help="Company slug.")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="List unchanged sources too.")] = False,
) -> None:
    """Scrape sources once now; prints a summary. Exit 1 if any source failed.

    Over 20 sources, the summary lists only those that failed or changed (--all lists all).

    Example: tracker scrape greenhouse:anthropic
    """
    from jobs.spawn import early_workers

    # a big scrape's workers start first and load while this process opens the database
    early = early_workers(settings().scrape, settings().database_url, keys or [], company)
    from jobs.scrape_views import scrape_with_progress

    STATE["quick_exit"] = True  # nothing left to tidy after a scrape (see tracker.cli.main)
    ok = scrape_with_progress(database(), settings(), keys or [], company, show_all, early)
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
    by: Annotated[
        str | None,
        typer.Option("--by", help="Summarise per group (DIM,...): roles, with pay, quartiles."),
    ] = None,
) -> None:
    """Pay bands of open roles, native currency and USD (ECB rate of the observation date).
    With --by: per group, open roles, roles with pay and p25/p50/p75 of band minimum and
    maximum, yearly (hour x 2080, day x 260, week x 52, month x 12), in USD and in the native
    currency when the group has one (docs/json.md).

    Example: tracker salaries --region EMEA --currency EUR --bands all
    Example: tracker salaries --by country --category dc_electrical --country JP
    """
    from jobs.views import print_salaries

    flt = role_filter(company, category, country, region, source, include_all)
    if bands not in ("primary", "all"):
        raise ConfigError(f"bad --bands {bands!r}: use primary or all")
    fmt = check_format(fmt, FMT3)
    if by is not None:
        from jobs.pay_summary import print_pay_summary, summary_dims

        dims = summary_dims(by, currency, bands)
        return print_pay_summary(database(write=False), flt, when(at), dims, fmt, limit)
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
