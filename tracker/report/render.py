"""Render a Report as text (Rich tables), markdown or HTML (a self-contained page that also
works as an email body). Pure: strings in, strings out.

Role titles link to their postings in markdown and HTML (http/https URLs only; anything else,
``javascript:`` included, is shown as plain text). Categories are shown in words and companies
by their display names; the JSON keeps the slugs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker.diff import Change, Report
from tracker.domain import Role
from tracker.report.inert import clean, md_link, md_text, safe_url
from tracker.report.labels import category_label, company_names
from tracker.report.money import band_text
from tracker.report.reasons import short_reason, turnover
from tracker.report.serialize import format_places, iso
from tracker.report.summary import country_name, day
from tracker.report.tables import make_table

DIM_TITLES = {
    "company": "Company",
    "country": "Country",
    "region": "Region",
    "category": "Category",
    "city": "City",
    "source": "Source",
}
MAX_ROWS = 50


@dataclass(frozen=True)
class Link:
    """A cell that links to a posting when its URL is a safe http(s) URL."""

    text: str
    url: str | None = None

    def __str__(self) -> str:
        return self.text


Cell = str | Link


@dataclass(frozen=True)
class Section:
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    more: int = 0  # rows left out (see MAX_ROWS)
    notes: list[str] = field(default_factory=list)


def dim_label(dim: str, key: Any, names: Mapping[str, str] | None = None) -> str:
    if key is None:
        return "(unknown)"
    if dim == "country":
        return f"{country_name(key)} ({key})"
    if dim == "category":
        return category_label(key)
    if dim == "company" and names:
        return names.get(key, key)
    return str(key)


def change_text(change: Change) -> str:
    parts = []
    for name, (old, new) in change.changes.items():
        if name == "salary":
            parts.append(f"pay {band_text(old) or 'none'} → {band_text(new) or 'none'}")
        elif name == "locations":
            parts.append(f"places {format_places(old)} → {format_places(new)}")
        elif name == "category":
            parts.append(f"category {category_label(old)} → {category_label(new)}")
        else:
            parts.append(f"{name} {old} → {new}")
    return "; ".join(parts)


def title_cell(role: Role) -> Link:
    return Link(role.title, safe_url(role.url))


def role_cells(role: Role) -> list[Cell]:
    return [
        role.company_name,
        title_cell(role),
        category_label(role.category),
        format_places(role.locations, role.remote),
        band_text(role.salary),
    ]


def heading(report: Report) -> str:
    """``13 open compute roles (unchanged: +1 opened, −1 closed) — 13 Nov 2026 to 20 Nov
    2026``; when no source in scope was verified, says so instead of a count."""
    period = f"{day(report.start)} to {day(report.end)}"
    if report.all_unverified:
        return f"Numbers unverified: no source had a successful run — {period}"
    kind = "roles" if report.include_all else "compute roles"
    move = turnover(report.delta, len(report.opened), len(report.closed))
    return f"{report.total_end} open {kind} ({move}) — {period}"


def sections(report: Report) -> list[Section]:
    """Every table a report shows, in order."""
    names = company_names([*report.start_roles, *report.end_roles])
    out: list[Section] = []
    for dim, rows in report.by.items():
        cells: list[list[Cell]] = [
            [dim_label(dim, d.key, names), str(d.start), str(d.end), f"{d.delta:+d}"] for d in rows
        ]
        out.append(Section(f"By {dim}", [DIM_TITLES.get(dim, dim), "From", "To", "Δ"], cells))
    role_cols = ["Company", "Title", "Category", "Locations", "Pay"]
    out.append(roles_section(f"New roles ({len(report.opened)})", role_cols, report.opened))
    out.append(roles_section(f"Closed roles ({len(report.closed)})", role_cols, report.closed))
    changed: list[list[Cell]] = [
        [c.role.company_name, title_cell(c.role), change_text(c)] for c in report.changed
    ]
    shown = changed[:MAX_ROWS]
    out.append(
        Section(
            f"Changed roles ({len(changed)})",
            ["Company", "Title", "Change"],
            shown,
            more=len(changed) - len(shown),
        )
    )
    unverified: list[list[Cell]] = [
        [
            u.company_name or u.source,
            u.source,
            iso(u.last_ok) or "never",
            short_reason(u.error),
        ]
        for u in report.unverified
    ]
    out.append(
        Section(
            f"Unverified sources ({len(unverified)})",
            ["Company", "Source", "Last ok", "Why"],
            unverified,
        )
    )
    return [inert_section(section) for section in out]


def inert_cell(cell: Cell) -> Cell:
    """The cell without escape sequences or control characters (tracker.report.inert)."""
    if isinstance(cell, Link):
        return Link(clean(cell.text), cell.url)
    return clean(cell)


def inert_section(section: Section) -> Section:
    rows = [[inert_cell(c) for c in row] for row in section.rows]
    title = clean(section.title)
    return Section(title, section.columns, rows, section.more, section.notes)


def roles_section(title: str, columns: list[str], roles: Sequence[Role]) -> Section:
    rows = rows_of(roles)
    return Section(title, columns, rows, more=len(roles) - len(rows))


def rows_of(roles: Sequence[Role]) -> list[list[Cell]]:
    return [role_cells(r) for r in roles[:MAX_ROWS]]


def more_text(more: int) -> str:
    return f"… {more:,} more: use --format json for every row"


def render_text(report: Report, width: int = 110) -> str:
    """Plain text with Rich tables (no colour codes): terminal output and the email text part."""
    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(clean(heading(report)), highlight=False, markup=False)
    console.print("")
    for line in report.summary:
        console.print(f"• {clean(line)}", highlight=False, markup=False)
    for section in sections(report):
        if not section.rows:
            continue
        rows = [[str(cell) for cell in row] for row in section.rows]
        table = make_table(section.title, section.columns, rows, title_justify="left", width=width)
        console.print("")
        console.print(table)
        if section.more:
            console.print(more_text(section.more), highlight=False, markup=False)
    return console.export_text()


def _md_cell(text: str) -> str:
    return md_text(text)


def md_cell(cell: Cell) -> str:
    """A markdown table cell (inert text); a link is ``[title](url)`` for http(s) URLs only."""
    if isinstance(cell, Link) and cell.url:
        return md_link(cell.text, cell.url)
    return _md_cell(str(cell))


def render_markdown(report: Report) -> str:
    lines = [f"# {_md_cell(heading(report))}", ""]
    lines += [f"- {_md_cell(s)}" for s in report.summary]
    for section in sections(report):
        if not section.rows:
            continue
        lines += [
            "",
            f"## {_md_cell(section.title)}",
            "",
            "| " + " | ".join(section.columns) + " |",
        ]
        lines.append("|" + "|".join("---" for _ in section.columns) + "|")
        lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in section.rows]
        if section.more:
            lines += ["", more_text(section.more)]
    return "\n".join(lines) + "\n"


def nobreak(text: object) -> Any:
    """Escaped HTML in which no word holding a digit breaks across lines (``£225,000–£270,000``
    stays whole; the browser wraps between words)."""
    from markupsafe import Markup, escape

    words: list[str] = []
    for word in str(text).split(" "):
        if words and not any(ch.isalnum() for ch in words[-1]):
            words[-1] += " " + word  # "(≈ $91k–$116k)": a sign stays with its number
        else:
            words.append(word)
    parts = []
    for word in words:
        if any(ch.isdigit() for ch in word):
            parts.append(Markup('<span style="white-space:nowrap">{}</span>').format(word))
        else:
            parts.append(escape(word))
    return Markup(" ").join(parts)


def render_html(
    report: Report,
    chart_cid: str | None = None,
    title: str | None = None,
    chart: Mapping[str, str] | None = None,
) -> str:
    """A self-contained HTML page (inline CSS, escaped data). ``chart_cid`` embeds the chart
    of an email by Content-ID; ``chart`` embeds data URIs: ``{"light": ..., "dark": ...}``."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("tracker.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
    )
    env.filters["nobreak"] = nobreak
    template = env.get_template("report.html.j2")
    return template.render(
        title=title or heading(report),
        heading=heading(report),
        summary=[clean(line) for line in report.summary],
        sections=sections(report),
        chart_cid=chart_cid,
        chart=chart or {},
        more_text=more_text,
    )
