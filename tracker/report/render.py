"""Render a Report as text (Rich tables), markdown or HTML (a self-contained page that also
works as an email body). Pure: strings in, strings out."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from tracker.diff import Change, Report
from tracker.domain import Role
from tracker.report.inert import clean, md_text
from tracker.report.money import band_text
from tracker.report.serialize import format_places, iso
from tracker.report.summary import country_name, day

DIM_TITLES = {
    "company": "Company",
    "country": "Country",
    "region": "Region",
    "category": "Category",
    "city": "City",
    "source": "Source",
}
MAX_ROWS = 50


def dim_label(dim: str, key: Any) -> str:
    if key is None:
        return "(unknown)"
    if dim == "country":
        return f"{country_name(key)} ({key})"
    return str(key)


def change_text(change: Change) -> str:
    parts = []
    for name, (old, new) in change.changes.items():
        if name == "salary":
            parts.append(f"pay {band_text(old) or 'none'} → {band_text(new) or 'none'}")
        elif name == "locations":
            parts.append(f"places {format_places(old)} → {format_places(new)}")
        else:
            parts.append(f"{name} {old} → {new}")
    return "; ".join(parts)


def role_cells(role: Role) -> list[str]:
    return [
        role.company_name,
        role.title,
        role.category,
        format_places(role.locations, role.remote),
        band_text(role.salary),
    ]


def heading(report: Report) -> str:
    kind = "roles" if report.include_all else "compute roles"
    return (
        f"{report.total_end} open {kind} ({report.delta:+d}) — "
        f"{day(report.start)} to {day(report.end)}"
    )


def sections(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, columns, rows) for every table a report shows, in order; cells are inert text
    (no escape sequences or control characters; see tracker.report.inert)."""
    out: list[tuple[str, list[str], list[list[str]]]] = []
    for dim, rows in report.by.items():
        cells = [[dim_label(dim, d.key), str(d.start), str(d.end), f"{d.delta:+d}"] for d in rows]
        out.append((f"By {dim}", [DIM_TITLES.get(dim, dim), "From", "To", "Δ"], cells))
    role_cols = ["Company", "Title", "Category", "Locations", "Pay"]
    out.append((f"New roles ({len(report.opened)})", role_cols, rows_of(report.opened)))
    out.append((f"Closed roles ({len(report.closed)})", role_cols, rows_of(report.closed)))
    changed = [[c.role.company_name, c.role.title, change_text(c)] for c in report.changed]
    out.append((f"Changed roles ({len(changed)})", ["Company", "Title", "Change"], changed))
    unverified = [
        [u.source, iso(u.last_ok) or "never", u.error or "no successful run"]
        for u in report.unverified
    ]
    out.append(
        (f"Unverified sources ({len(unverified)})", ["Source", "Last ok", "Error"], unverified)
    )
    return [(title, cols, [[clean(c) for c in row] for row in rows]) for title, cols, rows in out]


def rows_of(roles: Sequence[Role]) -> list[list[str]]:
    return [role_cells(r) for r in roles[:MAX_ROWS]]


def render_text(report: Report, width: int = 110) -> str:
    """Plain text with Rich tables (no colour codes): terminal output and the email text part."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(clean(heading(report)), highlight=False, markup=False)
    console.print("")
    for line in report.summary:
        console.print(f"• {clean(line)}", highlight=False, markup=False)
    for title, columns, rows in sections(report):
        if not rows:
            continue
        table = Table(title=title, title_justify="left", header_style="bold")
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        console.print("")
        console.print(table)
    return console.export_text()


def _md_cell(text: str) -> str:
    """Inert markdown: HTML escaped, markdown punctuation (``|`` too) escaped, one line."""
    return md_text(text)


def render_markdown(report: Report) -> str:
    lines = [f"# {_md_cell(heading(report))}", ""]
    lines += [f"- {_md_cell(s)}" for s in report.summary]
    for title, columns, rows in sections(report):
        if not rows:
            continue
        lines += ["", f"## {_md_cell(title)}", "", "| " + " | ".join(columns) + " |"]
        lines.append("|" + "|".join("---" for _ in columns) + "|")
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render_html(report: Report, chart_cid: str | None = None, title: str | None = None) -> str:
    """A self-contained HTML page (inline CSS, escaped data); ``chart_cid`` embeds a chart."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("tracker.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
    )
    template = env.get_template("report.html.j2")
    return template.render(
        title=title or heading(report),
        heading=heading(report),
        summary=[clean(line) for line in report.summary],
        sections=sections(report),
        chart_cid=chart_cid,
    )
