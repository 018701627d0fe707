"""``tracker salaries --by DIM[,DIM...]``: per group, how many open roles, how many publish pay,
and the quartiles of band minimum and maximum (yearly, USD; native when the group has one
currency). What is compared is described in :mod:`tracker.pay_stats`."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import typer
from sqlalchemy.engine import Engine

from tracker.counts import values
from tracker.domain import Role, RoleFilter
from tracker.pay_stats import QUARTILES, PayGroup
from tracker.report.labels import company_names, dim_value
from tracker.report.money import money, short_usd
from tracker.report.serialize import dumps, iso, to_csv
from tracker.report.tables import limited, more_line, print_table, rows_table, terminal_width

STAT_FIELDS = [
    "roles",
    "with_pay",
    *(f"{bound}_usd_{q}" for bound in ("min", "max") for q, _ in QUARTILES),
    "currency",
    *(f"{bound}_{q}" for bound in ("min", "max") for q, _ in QUARTILES),
]


def pay_summary(roles: Iterable[Role], dims: Sequence[str]) -> list[dict[str, Any]]:
    """``[{dim: value, ..., "roles", "with_pay", "min_usd_p25", ...}]``, the most roles first.

    A role with several countries (regions, cities) is in each of its values' groups once."""
    groups: dict[tuple[Any, ...], PayGroup] = {}
    for role in roles:
        for combo in itertools.product(*(values(role, d) for d in dims)):
            groups.setdefault(combo, PayGroup()).add(role.salary)
    rows = [
        {**dict(zip(dims, combo, strict=True)), **group.stats()} for combo, group in groups.items()
    ]
    rows.sort(key=lambda r: (-r["roles"], [str(r[d] or "~") for d in dims]))
    return rows


def summary_dims(by: str, currency: str | None, bands: str) -> list[str]:
    """``--by`` parsed; it summarises primary bands in USD and native money, so ``--currency``
    and ``--bands all`` (which list bands) do not combine with it."""
    from tracker.counts import parse_dims
    from tracker.settings import ConfigError

    if currency is not None or bands != "primary":
        raise ConfigError("--by summarises primary bands: leave out --currency and --bands")
    return parse_dims(by)


def _band(row: dict[str, Any], q: str, native: bool = False) -> str:
    """``$151k–$190k``: the quartile of band minimums – the quartile of band maximums."""
    if native:
        if row["currency"] is None:
            return ""
        lo, hi = row[f"min_{q}"], row[f"max_{q}"]
        return "–".join(money(v, row["currency"]) if v is not None else "…" for v in (lo, hi))
    lo, hi = row[f"min_usd_{q}"], row[f"max_usd_{q}"]
    if lo is None and hi is None:
        return ""
    return "–".join(short_usd(v) if v is not None else "…" for v in (lo, hi))


def table_row(row: dict[str, Any], dims: Sequence[str], names: dict[str, str]) -> dict[str, Any]:
    return {
        **{d: dim_value(d, row[d], names) for d in dims},
        "roles": row["roles"],
        "with pay": row["with_pay"],
        "p25 USD": _band(row, "p25"),
        "median USD": _band(row, "p50"),
        "p75 USD": _band(row, "p75"),
        "median native": _band(row, "p50", native=True),
    }


def print_pay_summary(
    engine: Engine,
    flt: RoleFilter,
    at: datetime,
    dims: Sequence[str],
    fmt: str,
    limit: int | None = None,
) -> None:
    from jobs.views import fetch_roles

    found = fetch_roles(engine, flt, at)
    rows = pay_summary(found, dims)
    if fmt == "json":
        typer.echo(dumps(rows))
        return
    if fmt == "csv":
        typer.echo(to_csv(rows, [*dims, *STAT_FIELDS]), nl=False)
        return
    names = company_names(found)
    shown = [table_row(r, dims, names) for r in limited(rows, limit)]
    published = sum(1 for role in found if role.salary is not None)
    title = (
        f"{published:,} of {len(found):,} open roles publish pay ({iso(at)}); "
        "yearly bands: quartile of minimums–quartile of maximums"
    )
    cols = [*dims, "roles", "with pay", "p25 USD", "median USD", "p75 USD", "median native"]
    table = rows_table(
        shown, cols, title, terminal_width(), droppable=("median native", "p25 USD", "p75 USD")
    )
    print_table(table, more_line(len(shown), len(rows)))
