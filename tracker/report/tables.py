"""Rich tables for the terminal. Rich is imported lazily (``tracker --help`` stays fast).

Tables never split a number: a column is at least as wide as its longest word that holds a
digit (a pay band, a count, a date), so Rich wraps between words, not inside ``£225,000``.
Long listings stop at a limit (``… 22,800 more: use --limit 0 or --format csv``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tracker.domain import Role
from tracker.report.inert import clean, rich_cell
from tracker.report.labels import category_label
from tracker.report.money import band_text
from tracker.report.serialize import format_places, iso

if TYPE_CHECKING:
    from rich.table import Table

DEFAULT_LIMIT = 100  # rows of a terminal listing; --limit 0 shows all
MAX_UNSPLIT = 40  # a longer word may still fold (it would not fit a terminal anyway)


def unsplit_width(cells: Sequence[str]) -> int:
    """The width of the longest whitespace-free word holding a digit (0 when none)."""
    widths = [
        len(word)
        for cell in cells
        for word in cell.split()
        if any(ch.isdigit() for ch in word) and len(word) <= MAX_UNSPLIT
    ]
    return max(widths, default=0)


TEXT_MIN = 8  # narrowest useful width of a column of words


def _is_numeric(cells: Sequence[str]) -> bool:
    return bool(cells) and all(c.replace(",", "").lstrip("+−-").isdigit() for c in cells)


def needed_width(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """About the narrowest terminal the table fits without splitting numbers."""
    total = 1
    for index, col in enumerate(columns):
        cells = [row[index] for row in rows]
        longest_word = max((len(w) for c in cells for w in c.split()), default=0)
        floor = 0 if _is_numeric(cells) else max(min(TEXT_MIN, longest_word), longest_word)
        widest = max((len(c) for c in cells), default=0) if _is_numeric(cells) else 0
        total += max(len(col), unsplit_width(cells), floor, widest) + 3
    return total


def fit_columns(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int | None,
    droppable: Sequence[str] = (),
) -> tuple[list[str], list[list[str]]]:
    """Drop the ``droppable`` columns, in order, until the table fits ``width`` columns."""
    cols, body = list(columns), [list(r) for r in rows]
    for name in droppable:
        if width is None or needed_width(cols, body) + 4 <= width or name not in cols:
            continue
        index = cols.index(name)
        cols.pop(index)
        for row in body:
            row.pop(index)
    return cols, body


def make_table(
    title: str | None,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title_justify: str = "center",
    width: int | None = None,
    droppable: Sequence[str] = (),
) -> Table:
    """A Rich table whose columns never split a number; on a terminal of ``width`` columns,
    the ``droppable`` columns go first (in order) when everything does not fit."""
    from rich.table import Table

    columns, rows = fit_columns(columns, rows, width, droppable)
    table = Table(
        title=rich_cell(title) if title else None,
        show_lines=False,
        header_style="bold",
        title_justify=title_justify,  # type: ignore[arg-type]
    )
    natural = 1 + sum(
        max([len(col), *(len(row[i]) for row in rows)]) + 3 for i, col in enumerate(columns)
    )
    squeezed = width is not None and natural > width
    for index, col in enumerate(columns):
        cells = [row[index] for row in rows]
        numeric = _is_numeric(cells)
        unsplit = unsplit_width(cells)
        # Rich shrinks only columns without a fixed width: a column holding numbers gets one
        # (its longest number) when the table must shrink, so the others give way.
        fixed = max(unsplit, len(col)) if squeezed and unsplit and not numeric else None
        table.add_column(
            col,
            overflow="fold",
            width=fixed,
            min_width=None if fixed else (unsplit or None),
            no_wrap=numeric,
            justify="left",
        )
    for row in rows:
        table.add_row(*(rich_cell(cell) for cell in row))
    table._tracker_plain = (title, title_justify, list(columns), rows)  # type: ignore[attr-defined]
    return table


def more_line(shown: int, total: int) -> str | None:
    """``… 22,800 more: use --limit 0 or --format csv`` when rows were left out."""
    if total <= shown:
        return None
    return f"… {total - shown:,} more: use --limit 0 or --format csv"


def limited(items: Sequence[Any], limit: int | None) -> Sequence[Any]:
    """The first ``limit`` items (all of them for None or 0)."""
    return items if not limit else items[:limit]


def terminal_width() -> int:
    from rich.console import Console

    return Console().width


def roles_table(roles: Sequence[Role], title: str | None = None, width: int | None = None) -> Table:
    cols = ["id", "company", "title", "category", "locations", "pay", "since"]
    rows = [
        [
            str(r.id),
            r.company_name,
            r.title,
            category_label(r.category),
            format_places(r.locations, r.remote),
            band_text(r.salary),
            (iso(r.first_seen) or "")[:10],
        ]
        for r in roles
    ]
    return make_table(title, cols, rows, width=width, droppable=("since", "category", "locations"))


def rows_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    title: str | None,
    width: int | None = None,
    droppable: Sequence[str] = (),
) -> Table:
    cells = [["" if row.get(c) is None else _cell(row.get(c)) for c in columns] for row in rows]
    return make_table(title, columns, cells, width=width, droppable=droppable)


def _cell(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def print_table(table: Table, more: str | None = None) -> None:
    from rich.console import Console

    console = Console()
    plain = plain_table(table, console)
    if plain is not None and (not more or _simple(more, console.width)):
        sys.stdout.write(plain + (f"{more}\n" if more else ""))
        return
    console.print(table)
    if more:
        console.print(more, highlight=False, markup=False)


def plain_table(table: Table, console: Any) -> str | None:
    """The text Rich prints for a table of :func:`make_table` on a console without styles, when
    nothing in it needs Rich's layout (every cell plain ASCII on one line, the whole at its
    natural width within the console's): Rich takes about half a millisecond a row, this a
    microsecond (a scrape's summary of 600 changed boards). None: let Rich print it."""
    made = getattr(table, "_tracker_plain", None)
    if made is None or console.is_terminal or console.color_system is not None:
        return None
    title, justify, columns, rows = made
    texts = [clean(c, multiline=True) for c in columns]
    body = [[clean(c, multiline=True) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in (texts, *body)) for i in range(len(texts))]
    total = 1 + sum(w + 3 for w in widths)
    name = clean(title, multiline=True) if title else ""
    if not rows or total > console.width or not _simple(name, total):
        return None
    if any(not _simple(cell, total) for row in (texts, *body) for cell in row):
        return None
    lines = [_justified(name, total, justify)] if name else []
    lines.append("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓")
    lines.append(_row(texts, widths, "┃"))
    lines.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩")
    lines += [_row(row, widths, "│") for row in body]
    lines.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return "\n".join(lines) + "\n"


def _simple(text: str, width: int) -> bool:
    return text.isascii() and text.isprintable() and len(text) <= width


def _row(cells: Sequence[str], widths: Sequence[int], edge: str) -> str:
    inner = edge.join(f" {cell.ljust(width)} " for cell, width in zip(cells, widths, strict=True))
    return f"{edge}{inner}{edge}"


def _justified(text: str, width: int, justify: str) -> str:
    if justify == "left":
        return text.ljust(width)
    if justify == "right":
        return text.rjust(width)
    left = (width - len(text)) // 2
    return " " * left + text + " " * (width - len(text) - left)


def compact_roles_table(roles: Sequence[Role], title: str | None = None) -> Table:
    """Company, title, places and native pay: fits an 80-column terminal."""
    rows = [
        [r.company_name, r.title, format_places(r.locations, r.remote), band_text(r.salary, False)]
        for r in roles
    ]
    cols = ["company", "title", "locations", "pay"]
    return make_table(title, cols, rows, width=terminal_width(), droppable=("locations",))
