"""Is a posting a compute / data-center role, and which category? With the rule that decided.

Every signal an ATS gives is used: the source's configured compute ``departments``, the
posting's department and team names, and the title. The word lists, vetoes and category order
live in ``seeds/taxonomy.toml`` (its header explains the rules); this module only applies them.

``classify`` works from stored values alone (title, department, team, the raw strings of the
stored places and the source's departments option), so ``tracker renormalize`` can re-run it
on history.

Rule strings (``Posting.category_rule``, shown by ``tracker history``):

- ``department:Compute + title:electrical`` - configured department, then the category word;
- ``title:data center + title:technician`` - a title naming data-center work;
- ``department~data center + title:technician`` - the ATS department names data centers;
- ``department~infrastructure+title:electrical`` - an infrastructure department and a trade;
- ``department~digital infrastructure+team:real estate`` - such a department, the trade in the team;
- ``place~data center + ...`` - a place label names a data-center site ("Dallas, TX - Data Center");
- ``veto:finance:tax over title:infrastructure+capacity`` - a look-alike, so ``not_compute``;
- ``default`` - nothing fired.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

from tracker.domain import CATEGORIES
from tracker.normalize._seeds import load_seed

DEFAULT_RULE = "default"
OTHER = "other_compute"
NOT_COMPUTE = "not_compute"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_WORD = re.compile(r"[^\W_]+")
_JOINER = re.compile(r"[\s\-_/]+")
_FOUND_MAX = 4096  # texts remembered per keyword list

Keyword = tuple[tuple[str, ...], bool]  # words, last word is a prefix (``*``)


@dataclass(frozen=True)
class Terms:
    """A keyword list matched as whole words, case-insensitively.

    Words of a phrase may be joined by spaces, "-", "_" or "/" in the text; a trailing ``*``
    matches any word ending; keywords in CJK scripts match as plain substrings. Matching walks
    the words of the text once (dictionary lookups), leftmost first, longest phrase first.
    """

    name: str
    by_first: dict[str, tuple[Keyword, ...]]
    prefixes: dict[str, tuple[Keyword, ...]]  # ``word*`` keywords by their first 2 letters
    substrings: tuple[str, ...]
    # answers already given, by text (a title is read by the same lists for every department it
    # comes with); emptied when full, so memory stays flat
    found: dict[str, str | None] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    def find(self, text: str | None) -> str | None:
        """The words matched in ``text`` (lower-cased, single-spaced), or None."""
        if not text:
            return None
        try:
            return self.found[text]
        except KeyError:
            pass
        if len(self.found) >= _FOUND_MAX:
            self.found.clear()
        answer = self.found[text] = self._find(text)
        return answer

    def _find(self, text: str) -> str | None:
        words, joined = _tokens(text)
        for i, word in enumerate(words):
            candidates = self.by_first.get(word, ())
            starred = self.prefixes.get(word[:2], ())
            if starred:
                candidates += tuple(k for k in starred if word.startswith(k[0][0]))
            for keyword in sorted(candidates, key=lambda k: -len(k[0])):
                if _matches(words, joined, i, keyword):
                    return " ".join(words[i : i + len(keyword[0])])
        lowered = text.lower()
        return next((sub for sub in self.substrings if sub in lowered), None)


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """Lower-cased words, and for each word whether it is joined to the next by a joiner."""
    lowered = text.lower()
    spans = [(m.start(), m.end()) for m in _WORD.finditer(lowered)]
    words = tuple(lowered[a:b] for a, b in spans)
    joined = tuple(
        bool(_JOINER.fullmatch(lowered[end:start])) for (_, end), (start, _) in pairwise(spans)
    )
    return words, joined


def _matches(words: tuple[str, ...], joined: tuple[bool, ...], i: int, keyword: Keyword) -> bool:
    parts, star = keyword
    if i + len(parts) > len(words):
        return False
    for offset, part in enumerate(parts):
        word = words[i + offset]
        last = offset == len(parts) - 1
        if not (word == part or (last and star and word.startswith(part))):
            return False
        if offset and not joined[i + offset - 1]:
            return False
    return True


@dataclass(frozen=True)
class Veto:
    """Look-alike words; ``strong`` vetoes also overrule a title that names a data center."""

    terms: Terms
    strong: bool


@dataclass(frozen=True)
class Taxonomy:
    """The parsed ``seeds/taxonomy.toml``."""

    data_center: Terms
    dc_sites: Terms
    dc_terms: Terms
    compute: Terms
    compute_exclusions: Terms
    infrastructure: Terms
    infra_functions: Terms
    dc_departments: Terms
    dc_role_words: Terms
    infra_departments: Terms
    infra_department_roles: Terms
    vetoes: tuple[Veto, ...]
    categories: tuple[tuple[str, Terms], ...]


@cache
def compile_terms(name: str, words: tuple[str, ...]) -> Terms:
    """``Terms`` for a keyword list (see ``Terms`` for the syntax)."""
    by_first: dict[str, list[Keyword]] = {}
    prefixes: dict[str, list[Keyword]] = {}
    substrings: list[str] = []
    for word in words:
        text = fold_title(word.strip()).lower()
        star = text.endswith("*")
        stem = text.rstrip("*").strip()
        if _CJK.search(stem):
            substrings.append(stem)
            continue
        parts = tuple(_WORD.findall(stem))
        if not parts:
            continue
        if star and len(parts) == 1:
            prefixes.setdefault(parts[0][:2], []).append((parts, True))
        else:
            by_first.setdefault(parts[0], []).append((parts, star))
    return Terms(
        name,
        {k: tuple(v) for k, v in by_first.items()},
        {k: tuple(v) for k, v in prefixes.items()},
        tuple(substrings),
    )


def compile_keyword(text: str) -> Terms:
    """A single keyword as ``Terms`` (also used for configured department names)."""
    return compile_terms(text.strip(), (text,))


def fold_title(text: str) -> str:
    """Compatibility-normalized, accents kept, ``&`` read as "and", whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).replace("&", " and ")
    return " ".join(text.split())


@cache
def load_taxonomy() -> Taxonomy:
    """Read and check ``seeds/taxonomy.toml`` (cached for the process)."""
    data = load_seed("taxonomy.toml")
    signals = data["signals"]

    def terms(key: str) -> Terms:
        return compile_terms(key, tuple(signals[key]))

    categories: list[tuple[str, Terms]] = []
    for entry in data["category"]:
        slug = entry["slug"]
        if slug not in CATEGORIES or slug == NOT_COMPUTE:
            raise ValueError(f"seeds/taxonomy.toml: unknown category {slug!r}")
        categories.append((slug, compile_terms(slug, tuple(entry["keywords"]))))
    vetoes = tuple(
        Veto(compile_terms(v["name"], tuple(v["keywords"])), bool(v.get("strong", True)))
        for v in data["veto"]
    )
    return Taxonomy(
        data_center=terms("data_center"),
        dc_sites=terms("dc_sites"),
        dc_terms=terms("dc_terms"),
        compute=terms("compute"),
        compute_exclusions=terms("compute_exclusions"),
        infrastructure=terms("infrastructure"),
        infra_functions=terms("infra_functions"),
        dc_departments=terms("dc_departments"),
        dc_role_words=terms("dc_role_words"),
        infra_departments=terms("infra_departments"),
        infra_department_roles=terms("infra_department_roles"),
        vetoes=vetoes,
        categories=tuple(categories),
    )


def configured_match(
    department: str | None, team: str | None, source_departments: Sequence[str]
) -> str | None:
    """``department:X`` / ``team:X`` when the posting sits in a configured department X."""
    for field, value in (("department", department), ("team", team)):
        if not value:
            continue
        text = fold_title(value)
        for name in source_departments:
            if name.strip() and compile_keyword(name).find(text):
                return f"{field}:{name.strip()}"
    return None


def title_signal(tax: Taxonomy, title: str) -> tuple[str, bool] | None:
    """(rule, names a data center outright) when the title alone makes a compute role."""
    for terms, outright in ((tax.data_center, True), (tax.dc_terms, False)):
        found = terms.find(title)
        if found:
            return f"title:{found}", outright
    if tax.compute.find(title) and not tax.compute_exclusions.find(title):
        return "title:compute", False
    infra = tax.infrastructure.find(title)
    function = tax.infra_functions.find(title) if infra else None
    if infra and function:
        return f"title:{infra}+{function}", False
    return None


def department_signal(
    tax: Taxonomy, title: str, department: str | None, team: str | None
) -> str | None:
    """A compute signal from the ATS's own department and team names."""
    names = [fold_title(v) for v in (team, department) if v]
    for name in names:
        found = tax.data_center.find(name)
        if found:
            return f"department~{found}"
    pairs = (
        (tax.dc_departments, tax.dc_role_words),
        (tax.infra_departments, tax.infra_department_roles),
    )
    for departments, roles in pairs:
        found = next((d for d in map(departments.find, names) if d), None)
        role = roles.find(title) if found else None
        if role:
            return f"department~{found}+title:{role}"
    # A physical-infrastructure department's team can name the trade ("Real Estate (DIG)").
    found = next((d for d in map(tax.dc_departments.find, names) if d), None)
    trade = tax.dc_role_words.find(fold_title(team)) if found and team else None
    return f"department~{found}+team:{trade}" if trade else None


def veto(tax: Taxonomy, title: str, outright: bool) -> str | None:
    """``veto:<group>:<word>`` for a look-alike title, or None."""
    for rule in tax.vetoes:
        if outright and not rule.strong:
            continue
        found = rule.terms.find(title)
        if found:
            return f"veto:{rule.terms.name}:{found}"
    return None


def category_of(tax: Taxonomy, title: str, team: str | None) -> tuple[str, str | None]:
    """(category, evidence) from title keywords, else team keywords; ``other_compute`` if none."""
    for field, text in (("title", title), ("team", fold_title(team) if team else None)):
        for slug, terms in tax.categories:
            found = terms.find(text)
            if found:
                return slug, f"{field}:{found}"
    return OTHER, None


def classify(
    title: str,
    department: str | None,
    team: str | None,
    source_departments: Sequence[str],
    places: Sequence[str] = (),
) -> tuple[bool, str, str]:
    """``(compute, category, rule)`` for one posting; see the module docstring.

    ``places`` are the raw strings of the posting's places (a label such as "Dallas, TX -
    Data Center" says the role is sited at a data center).

    >>> classify("Data Center Electrical Engineer", "Compute", None, ["Compute"])
    (True, 'dc_electrical', 'department:Compute + title:electrical')
    >>> classify("Account Executive, Energy & Utilities", "Sales", None, [])
    (False, 'not_compute', 'default')
    >>> classify("Technical Program Manager", "Operations", None, [], ["Dallas, TX - Data Center"])
    (True, 'other_compute', 'place~data center')
    """
    names = tuple(str(name) for name in source_departments)
    site = None
    for raw in places:  # site_signal(load_taxonomy(), places), each place string read once
        site = _place_site(raw) if raw else None
        if site:
            break
    return _classify(title, department or None, team or None, names, site)


def site_signal(tax: Taxonomy, places: Sequence[str]) -> str | None:
    """``place~<word>`` when a place's raw string names a data-center site, else None."""
    for raw in places:
        found = _site_word(tax, raw) if raw else None
        if found:
            return f"place~{found}"
    return None


def _site_word(tax: Taxonomy, raw: str) -> str | None:
    return tax.dc_sites.find(fold_title(raw))


@lru_cache(maxsize=8192)
def _place_site(raw: str) -> str | None:
    """:func:`site_signal` of one place string under the shipped taxonomy (a board repeats its
    few location strings over every posting)."""
    return site_signal(load_taxonomy(), (raw,))


@lru_cache(maxsize=8192)
def _classify(
    title: str,
    department: str | None,
    team: str | None,
    source_departments: tuple[str, ...],
    site: str | None = None,
) -> tuple[bool, str, str]:
    tax = load_taxonomy()
    text = fold_title(title)
    signal = configured_match(department, team, source_departments)
    if signal is None:
        found = title_signal(tax, text)
        outright = bool(found and found[1])
        signal = found[0] if found else department_signal(tax, text, department, team) or site
        if signal is None:
            return False, NOT_COMPUTE, DEFAULT_RULE
        blocked = veto(tax, text, outright)
        if blocked:
            return False, NOT_COMPUTE, f"{blocked} over {signal}"
    category, evidence = category_of(tax, text, team)
    return True, category, f"{signal} + {evidence}" if evidence else signal
