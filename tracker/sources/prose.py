"""Pay lines in free text: every source's description (Greenhouse, Lever, Ashby, Recruitee...).

``common.salary_lines`` finds lines with an amount and a pay word; benefit lines also match
("€1500 annual learning budget", "SEK 5,000 wellness allowance"). Here those are dropped and
lines that name a salary or pay range come first, so the salary parser reads the right one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tracker.sources import common

_BENEFIT = re.compile(
    r"budget|allowance|stipend|reimburs|expenses|vacation|pension|bonus of|discount|"
    r"per diem|relocation|wellness|gym|learning|referral|benefit|commuter|per pay period"
    r"|cash.out|accrued",
    re.IGNORECASE,
)
_STRONG = re.compile(
    r"salary|pay range|compensation|wage|base pay|\bOTE\b|earnings|rate", re.IGNORECASE
)


def pay_lines(texts: Iterable[str | None]) -> tuple[str, ...]:
    """Pay-looking lines of plain texts without benefit lines; salary/pay-range lines first."""
    return _ranked(common.salary_lines(texts))


def html_pay_lines(html: str | None) -> tuple[str, ...]:
    """``pay_lines`` of an HTML description, converting only the blocks that can hold pay."""
    return _ranked(common.html_salary_lines(html))


def _ranked(found: list[str]) -> tuple[str, ...]:
    lines = [line for line in found if not _benefit_only(line)]
    return tuple(sorted(lines, key=lambda line: _STRONG.search(line) is None))


def _benefit_only(line: str) -> bool:
    pay = re.search(r"salary|salaried|pay range|wage|compensation|base pay|\bOTE\b", line, re.I)
    return bool(_BENEFIT.search(line)) and not pay
