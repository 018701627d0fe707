"""The ATS registry: kind -> source class. One line per ATS; docstrings are the help text.

Importing this package stays light (no httpx, no selectolax, and no source module): a source
class is imported the first time ``REGISTRY[ats]`` (or :func:`get_source` / :func:`describe`)
asks for it, so a scrape worker loads only the modules of the ATSs it scrapes. Listing the
kinds (``iter``, ``len``, ``in``) imports nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING

from tracker.sources.base import BudgetExceeded, NotModified, Source, SourceError, Validators

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


class LazyRegistry(Mapping[str, type[Source]]):
    """A read-only mapping of ATS kind -> source class, given as ``"module:Class"`` strings.

    ``__getitem__`` imports the class's module on first access and caches the class;
    ``__iter__``, ``__len__`` and ``__contains__`` never import.
    """

    __slots__ = ("_loaded", "paths")

    def __init__(self, paths: Mapping[str, str]) -> None:
        self.paths: Mapping[str, str] = dict(paths)
        self._loaded: dict[str, type[Source]] = {}

    def __getitem__(self, ats: str) -> type[Source]:
        try:
            return self._loaded[ats]
        except KeyError:
            pass
        module, _, name = self.paths[ats].partition(":")  # KeyError: not a known kind
        cls: type[Source] = getattr(import_module(module), name)
        self._loaded[ats] = cls
        return cls

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __contains__(self, ats: object) -> bool:
        return ats in self.paths

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.paths)!r})"


REGISTRY: Mapping[str, type[Source]] = LazyRegistry(
    {
        "greenhouse": "tracker.sources.greenhouse:Greenhouse",
        "lever": "tracker.sources.lever:Lever",
        "ashby": "tracker.sources.ashby:Ashby",
        "workday": "tracker.sources.workday:Workday",
        "smartrecruiters": "tracker.sources.smartrecruiters:SmartRecruiters",
        "workable": "tracker.sources.workable:Workable",
        "recruitee": "tracker.sources.recruitee:Recruitee",
        "teamtailor": "tracker.sources.teamtailor:Teamtailor",
        "html": "tracker.sources.html:Html",
        # career sites: each source watches a slice (query + the site's filters)
        "amazon": "tracker.sources.amazon:Amazon",
        "eightfold": "tracker.sources.eightfold:Eightfold",
        "oracle_hcm": "tracker.sources.oracle_hcm:OracleHcm",
        "apple": "tracker.sources.apple:Apple",
        "meta": "tracker.sources.meta:Meta",
        "google": "tracker.sources.google:Google",
        # ATSs operators use
        "icims": "tracker.sources.icims:Icims",
        "successfactors": "tracker.sources.successfactors:SuccessFactors",
        "bamboohr": "tracker.sources.bamboohr:BambooHR",
        "rippling": "tracker.sources.rippling:Rippling",
    }
)

if TYPE_CHECKING:
    # Not run: lets mypy check each class against the Source protocol, as the eager dict did.
    # tests/sources/test_registry.py checks this list against REGISTRY.
    from tracker.sources.amazon import Amazon
    from tracker.sources.apple import Apple
    from tracker.sources.ashby import Ashby
    from tracker.sources.bamboohr import BambooHR
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

    _TYPED: tuple[type[Source], ...] = (
        Amazon, Apple, Ashby, BambooHR, Eightfold, Google, Greenhouse, Html, Icims, Lever, Meta,
        OracleHcm, Recruitee, Rippling, SmartRecruiters, SuccessFactors, Teamtailor, Workable,
        Workday,
    )  # fmt: skip


class UnknownSourceError(KeyError):
    """An ATS kind that is not in the registry."""

    def __init__(self, ats: str) -> None:
        known = ", ".join(sorted(REGISTRY))
        self.message = f"unknown ATS {ats!r} (known: {known})"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def _source_class(ats: str) -> type[Source]:
    """The class for an ATS kind (imported on first use); UnknownSourceError if there is none."""
    if ats not in REGISTRY:  # checked first: a KeyError while importing is not "unknown ATS"
        raise UnknownSourceError(ats)
    return REGISTRY[ats]


def get_source(ats: str) -> Source:
    """A ready-to-use source for an ATS kind; UnknownSourceError if there is none."""
    return _source_class(ats)()


def describe(ats: str) -> str:
    """The first line of the source class's docstring (shown by ``tracker sources list``)."""
    doc = (_source_class(ats).__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ats
