"""The ATS registry: kind -> source class. One line per ATS; docstrings are the help text.

Importing this package stays light (no httpx, no selectolax): those load when a board is
fetched or parsed.
"""

from __future__ import annotations

from tracker.sources.amazon import Amazon
from tracker.sources.apple import Apple
from tracker.sources.ashby import Ashby
from tracker.sources.bamboohr import BambooHR
from tracker.sources.base import BudgetExceeded, NotModified, Source, SourceError, Validators
from tracker.sources.eightfold import Eightfold
from tracker.sources.google import Google
from tracker.sources.greenhouse import Greenhouse
from tracker.sources.html import Html
from tracker.sources.icims import Icims
from tracker.sources.lever import Lever
from tracker.sources.meta import Meta
from tracker.sources.oracle_hcm import OracleHcm
from tracker.sources.recruitee import Recruitee
from tracker.sources.rippling import Rippling
from tracker.sources.smartrecruiters import SmartRecruiters
from tracker.sources.successfactors import SuccessFactors
from tracker.sources.teamtailor import Teamtailor
from tracker.sources.workable import Workable
from tracker.sources.workday import Workday

__all__ = [
    "REGISTRY",
    "BudgetExceeded",
    "NotModified",
    "Source",
    "SourceError",
    "UnknownSourceError",
    "Validators",
    "describe",
    "get_source",
]

REGISTRY: dict[str, type[Source]] = {
    "greenhouse": Greenhouse,
    "lever": Lever,
    "ashby": Ashby,
    "workday": Workday,
    "smartrecruiters": SmartRecruiters,
    "workable": Workable,
    "recruitee": Recruitee,
    "teamtailor": Teamtailor,
    "html": Html,
    # career sites: each source watches a slice (query + the site's filters)
    "amazon": Amazon,
    "eightfold": Eightfold,
    "oracle_hcm": OracleHcm,
    "apple": Apple,
    "meta": Meta,
    "google": Google,
    # ATSs operators use
    "icims": Icims,
    "successfactors": SuccessFactors,
    "bamboohr": BambooHR,
    "rippling": Rippling,
}


class UnknownSourceError(KeyError):
    """An ATS kind that is not in the registry."""

    def __init__(self, ats: str) -> None:
        known = ", ".join(sorted(REGISTRY))
        self.message = f"unknown ATS {ats!r} (known: {known})"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def get_source(ats: str) -> Source:
    """A ready-to-use source for an ATS kind; UnknownSourceError if there is none."""
    try:
        cls = REGISTRY[ats]
    except KeyError:
        raise UnknownSourceError(ats) from None
    return cls()


def describe(ats: str) -> str:
    """The first line of the source class's docstring (shown by ``tracker sources list``)."""
    try:
        cls = REGISTRY[ats]
    except KeyError:
        raise UnknownSourceError(ats) from None
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ats
