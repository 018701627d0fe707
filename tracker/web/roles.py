"""``/roles`` (a sorted, paged table of open roles and its CSV) and ``/roles/{id}`` (history)."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from db.session import session_scope
from db.web_queries import SORT_COLUMNS, RolesPage, roles_window
from tracker.domain import Role
from tracker.report.inert import clean, safe_url
from tracker.report.labels import category_label
from tracker.report.money import band_text
from tracker.report.serialize import ROLE_CSV_FIELDS, format_places, iso, role_row, to_csv
from tracker.web import params
from tracker.web.pages import engine_of
from tracker.web.render import page

COLUMNS = (
    ("id", "Id"),
    ("company", "Company"),
    ("title", "Title"),
    ("category", "Category"),
    (None, "Locations"),
    ("pay", "Pay (USD max)"),
    ("first_seen", "First seen"),
)


def role_cells(role: Role) -> dict[str, Any]:
    """One table row: display text (inert), the posting link only for http(s) URLs."""
    return {
        "id": role.id,
        "company": clean(role.company_name),
        "title": clean(role.title),
        "url": safe_url(role.url),
        "category": category_label(role.category),
        "places": clean(format_places(role.locations, role.remote)),
        "pay": clean(band_text(role.salary)),
        "first_seen": iso(role.first_seen),
    }


def load_page(request: Request) -> tuple[RolesPage, params.Paging, Any]:
    engine = engine_of(request)
    query = request.query_params
    flt = params.role_filter(engine, query)
    at = params.at_time(query)
    paging = params.paging(query, list(SORT_COLUMNS))
    with session_scope(engine) as session:
        found = roles_window(
            session, at, flt, sort=paging.sort, descending=paging.descending,
            limit=paging.per, offset=paging.offset,
        )  # fmt: skip
    return found, paging, (flt, at)


def roles_page(request: Request) -> HTMLResponse:
    """The open roles under the filters, ``per`` rows a page, sortable by column."""
    found, paging, (flt, at) = load_page(request)
    query = request.query_params
    last = max(1, -(-found.total // paging.per))
    kind = "roles" if flt.include_all else "compute roles"
    return page(
        request,
        "roles.html.j2",
        "roles",
        title=f"{found.total:,} open {kind} at {iso(at)}",
        rows=[role_cells(r) for r in found.roles],
        columns=[(key, label, _sort_link(query, key, paging)) for key, label in COLUMNS],
        paging=paging,
        first=paging.offset + 1 if found.roles else 0,
        last_row=paging.offset + len(found.roles),
        total=found.total,
        prev_link=_page_link(query, paging.page - 1) if paging.page > 1 else None,
        next_link=_page_link(query, paging.page + 1) if paging.page < last else None,
        csv_link=params.link("/roles.csv", query),
        json_link=params.link("/api/roles", query, sort=None, page=None, per=None),
        form=params.form_values(query),
        include_all=flt.include_all,
        sort=("-" if paging.descending else "") + paging.sort,
    )


def roles_csv(request: Request) -> Response:
    """Exactly the rows ``/roles`` shows with the same query string, every CSV column."""
    found, _, _ = load_page(request)
    body = to_csv([role_row(r) for r in found.roles], ROLE_CSV_FIELDS)
    headers = {"content-disposition": 'attachment; filename="roles.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


def _sort_link(query: Any, key: str | None, paging: params.Paging) -> str | None:
    if key is None:
        return None
    flip = key == paging.sort and not paging.descending
    return "?" + params.with_params(query, sort=("-" if flip else "") + key, page=None)


def _page_link(query: Any, number: int) -> str:
    return "?" + params.with_params(query, page=number)


def role_page(request: Request) -> HTMLResponse:
    """``tracker history ID``: versions, open spans and the rule that categorised each."""
    from db import queries

    try:
        posting_id = int(request.path_params["posting_id"])
    except ValueError:
        raise HTTPException(404, "no such posting") from None
    with session_scope(engine_of(request)) as session:
        hist = queries.posting_history(session, posting_id)
    if hist is None:
        raise HTTPException(404, f"no posting with id {posting_id}")
    role = hist.role
    versions = [
        {
            "from": iso(v.valid_from),
            "to": iso(v.valid_to) or "",
            "title": clean(v.title),
            "category": category_label(v.category),
            "rule": clean(v.category_rule or "-"),
            "places": clean(format_places(v.locations, v.remote)),
            "pay": clean(band_text(v.salary)),
            "changed": ", ".join(v.changes) or ("first version" if i == 0 else ""),
        }
        for i, v in enumerate(hist.versions)
    ]
    spans = [{"opened": iso(s.opened_at), "closed": iso(s.closed_at)} for s in hist.spans]
    return page(
        request,
        "role.html.j2",
        "roles",
        title=clean(f"#{role.id} {role.title} — {role.company_name}"),
        role=role_cells(role),
        meta={"source": role.source, "external_id": clean(role.external_id)},
        closed=iso(role.closed_at),
        spans=spans,
        versions=versions,
    )
