"""Report -> the contract's diff JSON. Pure."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tracker.diff import Report, gc_paused
from tracker.domain import Place, SalaryBand
from tracker.report.serialize import iso, role_dict, salary_dict


def _value(field: str, value: Any) -> Any:
    if field == "salary":
        return salary_dict(value) if isinstance(value, SalaryBand) or value is None else value
    if field == "locations":
        return [asdict(p) for p in value if isinstance(p, Place)]
    return value


def report_dict(report: Report) -> dict[str, Any]:
    """The ``tracker diff --format json`` object."""
    with gc_paused():  # tens of thousands of dicts on a whole-year diff (see gc_paused)
        return _report_dict(report)


def _report_dict(report: Report) -> dict[str, Any]:
    return {
        "from": iso(report.start),
        "to": iso(report.end),
        "totals": {"from": report.total_start, "to": report.total_end, "delta": report.delta},
        "opened": [role_dict(r) for r in report.opened],
        "closed": [role_dict(r) for r in report.closed],
        "changed": [
            {
                "role": role_dict(c.role),
                "changes": {
                    k: [_value(k, old), _value(k, new)] for k, (old, new) in c.changes.items()
                },
            }
            for c in report.changed
        ],
        "by": {
            dim: [{"key": d.key, "from": d.start, "to": d.end, "delta": d.delta} for d in rows]
            for dim, rows in report.by.items()
        },
        "unverified_sources": [
            {"source": u.source, "last_ok": iso(u.last_ok), "error": u.error}
            for u in report.unverified
        ],
        "summary": list(report.summary),
    }
