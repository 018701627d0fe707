"""Shared parts of the ``tracker`` command line: the Typer ``app``, global options, error
handling, settings and database helpers, filter options and formats.

Heavy modules (SQLAlchemy, httpx, selectolax, currency data) are imported inside the commands so
that ``tracker --help`` starts fast. Bad input is one line on stderr and exit 2; work that ran but
failed somewhere exits 1.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
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
        finally:
            dispose_engines()

    return cast(F, wrapper)


def dispose_engines() -> None:
    """Close the command's database connections (in-process callers run many commands)."""
    for key in [k for k in STATE if k.startswith("engine:")]:
        STATE.pop(key).dispose()


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
    import logging

    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    else:
        # Without -v a command's own lines say what happened; Python's last-resort handler
        # would print each WARNING log record as a second, raw line on stderr (ours, and the
        # driver's "error ignored terminating pipeline" after a failed bulk write that we
        # report ourselves, asyncio's "socket.send() raised exception." when Ctrl-C stopped a
        # scrape's workers first). The daemon's handlers (on the root logger) still get every
        # record.
        for name in ("tracker", "psycopg", "asyncio"):
            if not logging.getLogger(name).handlers:
                logging.getLogger(name).addHandler(logging.NullHandler())


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
