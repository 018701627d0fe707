"""``tracker renormalize``: re-apply the current normalization rules to stored history.

Each stored version is rebuilt into the inputs normalization takes (title, department, team,
the raw place strings, the native pay band) and normalized again with the source's current
options (e.g. its ``departments``). Where the category, places or USD pay differ, the version is
rewritten *in place*, so counts and diffs at past dates reflect the improved rules; versions
whose values did not change are left alone. One transaction per source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy.engine import Engine

from db import queries
from db.renorm import StoredVersion, rewrite_version, stored_versions
from db.session import session_scope
from tracker.domain import Posting, SourceRef
from tracker.normalize import normalize, rebuilt
from tracker.settings import ConfigError


@dataclass(frozen=True)
class RenormResult:
    source: str
    versions: int
    rewritten: int


def renormalized(stored: StoredVersion, ref: SourceRef) -> Posting:
    """The posting a version records, normalized again under the current rules."""
    old = stored.posting
    new = normalize(rebuilt(old), ref, stored.valid_from)
    if new.salary is not None and old.salary is not None and not old.pay_lines:
        # the band came from the board; keep how it was found (structured or text)
        salary = replace(new.salary, source=old.salary.source, label=old.salary.label)
        new = replace(new, salary=salary, salaries=(salary, *new.salaries[1:]))
    return new


def renormalize_all(
    engine: Engine,
    keys: list[str] | None = None,
    on_source: Callable[[RenormResult], None] | None = None,
) -> list[RenormResult]:
    """Renormalize every source's history (or the given keys')."""
    with session_scope(engine) as session:
        infos = queries.list_sources(session, keys or None)
    unknown = sorted(set(keys or ()) - {i.key for i in infos})
    if unknown:
        raise ConfigError(f"unknown source(s): {', '.join(unknown)} (see `tracker sources list`)")
    results = []
    for info in infos:
        total = rewritten = 0
        with session_scope(engine) as session:
            conn = session.connection()
            for stored in list(stored_versions(conn, info.id)):
                total += 1
                new = renormalized(stored, info.ref)
                if new.content_hash != stored.posting.content_hash:
                    rewrite_version(conn, stored, new)
                    rewritten += 1
        result = RenormResult(info.key, total, rewritten)
        results.append(result)
        if on_source is not None:
            on_source(result)
    return results
