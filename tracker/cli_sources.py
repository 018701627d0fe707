"""``tracker sources ...``: manage the boards the tracker watches."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli_common import (
    app,
    check_format,
    database,
    handled,
    settings,
)

sources_app = typer.Typer(help="Manage the boards the tracker watches.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


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

    Example: tracker sources check greenhouse:anthropic
    Example: tracker sources check --file seeds/watchlist.toml
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

    Example: tracker sources remove lever:examplecloud
    """
    from jobs.sources import remove_source

    remove_source(database(), key)
    typer.echo(f"removed {key}")
