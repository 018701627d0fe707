"""Rich tables for the terminal. Rich is imported lazily (``tracker --help`` stays fast)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tracker.domain import Role
from tracker.report.inert import rich_cell
from tracker.report.serialize import format_band, format_places, iso

if TYPE_CHECKING:
    from rich.table import Table


def _table(title: str | None, columns: Sequence[str]) -> Table:
    from rich.table import Table

    table = Table(title=rich_cell(title) if title else None, show_lines=False, header_style="bold")
    for col in columns:
        table.add_column(col, overflow="fold")
    return table


def roles_table(roles: Sequence[Role], title: str | None = None) -> Table:
    table = _table(title, ["id", "company", "title", "category", "locations", "salary", "since"])
    for r in roles:
        since = (iso(r.first_seen) or "")[:10]
        places = format_places(r.locations, r.remote)
        cells = (r.id, r.company_name, r.title, r.category, places, format_band(r.salary), since)
        table.add_row(*(rich_cell(c) for c in cells))
    return table


def rows_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None) -> Table:
    table = _table(title, columns)
    for row in rows:
        table.add_row(*(rich_cell(row.get(c)) for c in columns))
    return table


def print_table(table: Table) -> None:
    from rich.console import Console

    Console().print(table)


def compact_roles_table(roles: Sequence[Role], title: str | None = None) -> Table:
    """Company, title, places and native pay: fits an 80-column terminal."""
    from tracker.report.money import band_text

    table = _table(title, ["company", "title", "locations", "pay"])
    for r in roles:
        places = format_places(r.locations, r.remote)
        cells = (r.company_name, r.title, places, band_text(r.salary, with_usd=False))
        table.add_row(*(rich_cell(c) for c in cells))
    return table
