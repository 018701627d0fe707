"""``tracker alerts ...``, ``tracker feed`` and ``tracker trend``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from tracker.cli_common import (
    AllOpt,
    CategoryOpt,
    CompanyOpt,
    CountryOpt,
    RegionOpt,
    SourceOpt,
    app,
    check_format,
    database,
    handled,
    role_filter,
    settings,
)
from tracker.settings import ConfigError, parse_when

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
