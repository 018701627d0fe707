"""Every pay band and the pay lines of a version, as JSON columns (migration ``0004_pay``).

``salary_*`` columns keep the primary band (what queries filter and sort on); these two keep
the rest: ``salary_bands`` every band, primary first, and ``pay_lines`` the text the bands
were read from, so ``tracker renormalize`` can read prose pay again without the raw payload.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from tracker.domain import Posting, SalaryBand

_KEYS = {f.name for f in fields(SalaryBand)}


_FIELDS = tuple(f.name for f in fields(SalaryBand))


def pay_values(posting: Posting) -> dict[str, str | None]:
    """The two JSON columns for ``posting`` (null when it has nothing to keep)."""
    bands = [{name: getattr(band, name) for name in _FIELDS} for band in posting.salaries]
    return {
        "salary_bands": json.dumps(bands, ensure_ascii=False) if bands else None,
        "pay_lines": json.dumps(list(posting.pay_lines), ensure_ascii=False)
        if posting.pay_lines
        else None,
    }


def stored_bands(row: Any, primary: SalaryBand | None) -> tuple[SalaryBand, ...]:
    """The version's bands; a version stored before ``0004_pay`` has only its primary one."""
    return bands_from_text(getattr(row, "salary_bands", None), primary)


def bands_from_text(text: str | None, primary: SalaryBand | None) -> tuple[SalaryBand, ...]:
    """``salary_bands`` JSON -> bands (``(primary,)`` when null or unreadable)."""
    if not text:
        return (primary,) if primary else ()
    try:
        items = json.loads(text)
    except ValueError:
        return (primary,) if primary else ()
    bands = tuple(
        SalaryBand(**{k: v for k, v in item.items() if k in _KEYS})
        for item in items
        if isinstance(item, dict)
    )
    return bands or ((primary,) if primary else ())


def stored_pay_lines(row: Any) -> tuple[str, ...]:
    """The version's pay lines (empty before ``0004_pay``)."""
    text = getattr(row, "pay_lines", None)
    if not text:
        return ()
    try:
        items = json.loads(text)
    except ValueError:
        return ()
    return tuple(str(item) for item in items if isinstance(item, str))
