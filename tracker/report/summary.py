"""Summary sentences — what a journalist would write — generated from a Report. Pure.

The sentences pick what is newsworthy: the companies with the most roles and the largest moves,
countries a company hires in for the first time, the best-paid new roles, pay-band changes,
closures, and sources whose numbers are not verified. Never more than a screenful.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tracker.domain import Counted, Role
from tracker.report.money import band_text
from tracker.report.reasons import short_reason, turnover

if TYPE_CHECKING:
    from tracker.diff import Report

MAX_COMPANIES = 6
MAX_TITLES = 3
MAX_LINES = 16
SHORT_NAMES = {
    "GB": "the UK",
    "US": "the US",
    "AE": "the UAE",
    "NL": "the Netherlands",
    "KR": "South Korea",
    "TW": "Taiwan",
    "CZ": "Czechia",
    "RU": "Russia",
    "VN": "Vietnam",
}


def country_name(code: str | None) -> str:
    """``JP`` -> ``Japan``."""
    if not code:
        return "an unknown country"
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or found.name)


def day(value: datetime) -> str:
    """``20 Apr 2026``."""
    return f"{value.day} {value.strftime('%b %Y')}"


def either(names: Sequence[str]) -> str:
    """``["Australia", "Japan"]`` -> ``Australia or Japan``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def role_label(role: Role) -> str:
    """``Data Center Electrical Engineer (Tokyo)``."""
    cities = list(dict.fromkeys(p.city or p.raw for p in role.locations if p.city or p.raw))
    where = f" ({', '.join(cities[:2])})" if cities else ""
    return f"{role.title}{where}"


def titles(roles: Sequence[Role]) -> str:
    shown = ", ".join(role_label(r) for r in roles[:MAX_TITLES])
    more = len(roles) - MAX_TITLES
    return shown + (f" and {more} more" if more > 0 else "")


def countries_of(role: Counted) -> set[str]:
    return {p.country for p in role.locations if p.country}


def region_clause(roles: Sequence[Counted]) -> str:
    """``, 8 of them in Australia or Japan`` when a non-Americas region holds ≥ 25%."""
    by_region: dict[str, set[int]] = defaultdict(set)
    country_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for role in roles:
        for place in role.locations:
            if place.region and place.region != "AMER" and place.country:
                by_region[place.region].add(role.id)
                country_counts[place.region][place.country] += 1
    if not by_region:
        return ""
    region, ids = max(by_region.items(), key=lambda kv: (len(kv[1]), kv[0]))
    if len(ids) * 4 < len(roles) or len(ids) < 2:
        return ""
    names = sorted(country_name(c) for c in country_counts[region])
    if len(names) > 3:
        return f", {len(ids)} of them in {region}"
    return f", {len(ids)} of them in {either(names)}"


def company_lines(report: Report, noun: str) -> list[str]:
    start_by: dict[str, list[Counted]] = defaultdict(list)
    end_by: dict[str, list[Counted]] = defaultdict(list)
    names: dict[str, str] = {}
    for role in report.start_roles:
        start_by[role.company].append(role)
        names[role.company] = role.company_name
    for role in report.end_roles:
        end_by[role.company].append(role)
        names[role.company] = role.company_name
    companies = sorted(
        names, key=lambda c: (-len(end_by[c]), -abs(len(end_by[c]) - len(start_by[c])), c)
    )
    opened = Counter(r.company for r in report.opened)
    closed = Counter(r.company for r in report.closed)
    lines = []
    for company in companies[:MAX_COMPANIES]:
        now, delta = len(end_by[company]), len(end_by[company]) - len(start_by[company])
        plural = noun if now == 1 else noun + "s"
        move = turnover(delta, opened[company], closed[company], day(report.start))
        lines.append(
            f"{names[company]}: {now} open {plural} ({move}){region_clause(end_by[company])}."
        )
    return lines


def new_country_lines(report: Report) -> list[str]:
    """Countries a company hires in at the end but did not at the start."""
    had: dict[str, set[str]] = defaultdict(set)
    of_places: dict[int, set[str]] = {}  # snapshots share locations tuples: each looked at once
    for role in report.start_roles:
        found = of_places.get(id(role.locations))
        if found is None:
            found = of_places[id(role.locations)] = countries_of(role)
        had[role.company] |= found
    fresh: dict[str, list[Role]] = defaultdict(list)
    for role in report.opened:
        new = countries_of(role) - had[role.company]
        for country in sorted(new) if len(new) > 1 else new:  # mostly none: no sort call
            fresh[country].append(role)
    lines = []
    for country, roles in sorted(fresh.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        companies = {r.company_name for r in roles}
        if len(companies) == 1:
            lines.append(f"New in {country_name(country)}: {titles(roles)}.")
        else:
            by_company: dict[str, list[Role]] = defaultdict(list)
            for role in roles:
                by_company[role.company_name].append(role)
            parts = "; ".join(f"{name}: {titles(rs)}" for name, rs in by_company.items())
            lines.append(f"New in {country_name(country)}: {parts}.")
    return lines[:4]


def pay_lines(report: Report) -> list[str]:
    """Best-paid new roles, then pay-band changes."""
    paid = [r for r in report.opened if r.salary and (r.salary.max_usd or r.salary.min_usd)]
    paid.sort(key=lambda r: -(r.salary.max_usd or r.salary.min_usd or 0) if r.salary else 0)
    lines = [f"Pay: {role_label(r)} {band_text(r.salary)}." for r in paid[:MAX_TITLES]]
    for change in report.changed:
        if "salary" in change.changes:
            old, new = change.changes["salary"]
            before = band_text(old) or "no published band"
            after = band_text(new) or "no published band"
            lines.append(f"Pay band changed: {role_label(change.role)} {before} → {after}.")
    return lines[:5]


def closed_lines(report: Report) -> list[str]:
    if not report.closed:
        return []
    return [f"Closed ({len(report.closed)}): {titles(report.closed)}."]


MAX_UNVERIFIED = 3


def unverified_lines(report: Report) -> list[str]:
    """``Not verified this week: Acme Cloud (HTTP 503 since 12 Nov); Beta (unreachable).``"""
    if not report.unverified:
        return []
    week = report.end - report.start <= timedelta(days=7, hours=1)
    names = [u.company_name or u.source for u in report.unverified]
    parts = []
    for u, name in zip(report.unverified[:MAX_UNVERIFIED], names, strict=False):
        label = name if names.count(name) == 1 else f"{name}, {u.source}"
        since = u.since or u.last_ok
        when_text = f" since {since.day} {since.strftime('%b')}" if since else ""
        parts.append(f"{label} ({short_reason(u.error)}{when_text})")
    more = len(report.unverified) - MAX_UNVERIFIED
    if more > 0:
        parts.append(f"{more} more (see tracker status)")
    period = "this week" if week else "in this period"
    return [f"Not verified {period}: {'; '.join(parts)}."]


def all_unverified_line(report: Report) -> str:
    """The first headline when no source in scope had a successful run in the window."""
    count = report.sources
    which = "the only source" if count == 1 else f"all {count} sources"
    return (
        f"Numbers unverified: {which} failed or went unscraped between {day(report.start)} "
        f"and {day(report.end)}; counts are the last known, not a measurement."
    )


def summarize(report: Report) -> list[str]:
    """The report's headline sentences, most newsworthy first."""
    noun = "role" if report.include_all else "compute role"
    lines = company_lines(report, noun)
    if report.all_unverified:
        lines.insert(0, all_unverified_line(report))
    elif not lines:
        lines = [f"No open {noun}s at {day(report.end)}."]
    lines += new_country_lines(report)
    lines += pay_lines(report)
    lines += closed_lines(report)
    lines += unverified_lines(report)
    return lines[:MAX_LINES]
