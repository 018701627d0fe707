"""``tracker alerts ...``, ``tracker feed`` and ``tracker trend``."""

from __future__ import annotations

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

alerts_app = typer.Typer(help="Watch rules (\\[\\[alert]]) sent to channels.", no_args_is_help=True)
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
    metric: Annotated[
        str, typer.Option("--metric", help="count (open roles) or pay (median yearly USD).")
    ] = "count",
    fmt: Annotated[str, typer.Option("--format", help="text, csv, json or png.")] = "text",
    out: Annotated[Path | None, typer.Option("--out", help="The PNG file (png).")] = None,
    theme: Annotated[str, typer.Option("--theme", help="light or dark (png).")] = "light",
) -> None:
    """Open-role counts (or the median pay: --metric pay) at the end of each week or month, by
    one dimension: the time series, or its chart (--format png --out FILE.png).

    Example: tracker trend --by company --every month --from 2026-01-01 --format csv
    """
    from jobs.trend import run_trend
    from tracker.counts import parse_dims

    dims = parse_dims(by)
    if len(dims) != 1:
        raise ConfigError(f"bad --by {by!r}: trend takes one dimension")
    fmt = check_format(fmt, ("text", "csv", "json", "png"))
    flt = role_filter(company, category, country, region, source, include_all)
    run_trend(database(write=False), flt, dims[0], every, start, metric, fmt, out, theme)
