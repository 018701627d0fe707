"""The pages: content, filters, sorting and paging, CSV, escaping, 400 and 404 pages."""

from __future__ import annotations

import csv
import io
import re

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import HOSTILE_URL

IDS = re.compile(r'<tr data-id="(\d+)">')


def ids_on(html: str) -> list[int]:
    return [int(i) for i in IDS.findall(html)]


def get_ok(client: TestClient, path: str) -> str:
    got = client.get(path)
    assert got.status_code == 200, got.text
    return got.text


def test_home_has_headlines_charts_and_the_week(client: TestClient) -> None:
    html = get_ok(client, "/")
    assert "31 open compute roles" in html  # 28 + 1 new at Anthropic, 2 at Acme
    assert "Anthropic" in html and "<li>" in html  # the summary sentences
    assert html.count('<svg class="chart"') == 3
    for dim in ("company", "region", "category"):
        assert f'aria-labelledby="chart-{dim}-t chart-{dim}-d"' in html
    assert "New roles (1)" in html and "Closed roles (2)" in html
    assert not re.search(r'<(link|script|img|iframe)[^>]+(src|href)="(https?:)?//', html)  # no CDN


def test_diff_page_uses_the_query_string(client: TestClient) -> None:
    html = get_ok(client, "/diff?from=2026-11-01&to=2026-11-20&company=acme-cloud")
    assert "2 open compute roles" in html
    assert "Changed roles (1)" in html and "Senior Energy Manager" in html
    assert 'value="2026-11-01"' in html and 'value="acme-cloud"' in html
    assert "/api/diff?from=2026-11-01&amp;to=2026-11-20&amp;company=acme-cloud" in html


def test_roles_filters_take_names_aliases_and_several_values(client: TestClient) -> None:
    ireland = ids_on(get_ok(client, "/roles?country=Ireland"))
    assert len(ireland) == 2
    assert ids_on(get_ok(client, "/roles?country=IE")) == ireland
    both = ids_on(get_ok(client, "/roles?country=JP,IE&per=1000"))
    assert len(both) == 31 and set(ireland) <= set(both)
    assert ids_on(get_ok(client, "/roles?company=Acme%20Cloud")) == ireland
    assert ids_on(get_ok(client, "/roles?country=&region=&company=")) == ids_on(
        get_ok(client, "/roles")
    )  # empty form fields mean no filter


def test_paging_covers_every_role_once(client: TestClient) -> None:
    everything = [r["id"] for r in client.get("/api/roles").json()]
    seen: list[int] = []
    page = 1
    while True:
        html = get_ok(client, f"/roles?per=7&page={page}")
        seen += ids_on(html)
        if 'rel="next"' not in html:
            break
        page += 1
    assert page == 5
    assert seen == everything  # same order as the CLI: company, title, id
    assert "Rows 29–31 of 31" in html


def test_sorting_by_columns(client: TestClient) -> None:
    by_id = ids_on(get_ok(client, "/roles?sort=id&per=1000"))
    assert by_id == sorted(by_id)
    assert ids_on(get_ok(client, "/roles?sort=-id&per=1000")) == by_id[::-1]
    html = get_ok(client, "/roles?sort=-first_seen&per=1")
    assert "Data Center Technician" in html  # the role opened 2 days ago comes first
    assert 'aria-sort="descending"' in html


@pytest.mark.parametrize("query", ["", "?sort=-pay&per=5&page=2", "?country=JP&sort=title&per=3"])
def test_csv_is_exactly_the_rows_shown(client: TestClient, query: str) -> None:
    html = get_ok(client, f"/roles{query}")
    got = client.get(f"/roles.csv{query}")
    assert got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [int(r["id"]) for r in rows] == ids_on(html)
    assert rows, "an empty table would prove nothing"
    assert f'href="/roles.csv{query.replace("&", "&amp;")}"' in html


def test_hostile_titles_and_urls_are_inert_everywhere(client: TestClient) -> None:
    hostile = next(r["id"] for r in client.get("/api/roles").json() if r["url"] == HOSTILE_URL)
    for path in ("/", "/roles?sort=-first_seen", "/diff", f"/roles/{hostile}"):
        html = get_ok(client, path)
        assert "&lt;script&gt;" in html, path
        assert "<script" not in html.lower(), path
        assert HOSTILE_URL not in html and "javascript:" not in html, path
    csv_text = client.get("/roles.csv?sort=-first_seen&per=1").text
    assert "javascript:" in csv_text  # data, not a link: the CSV keeps the board's value


def test_titles_link_to_http_postings_only(client: TestClient) -> None:
    html = get_ok(client, "/roles?company=acme-cloud")
    assert 'href="https://boards.example.com/jobs/a1" rel="noopener noreferrer nofollow"' in html


def test_role_history_page(client: TestClient) -> None:
    roles = {r["title"]: r["id"] for r in client.get("/api/roles?company=acme-cloud").json()}
    html = get_ok(client, f"/roles/{roles['Senior Energy Manager']}")
    assert "Versions" in html and "Open spans" in html
    assert "title:technician" in html  # the category rule
    assert html.count("Senior Energy Manager") >= 2 and "Data Center Technician a1" in html
    assert client.get("/roles/999999").status_code == 404
    assert client.get("/roles/abc").status_code == 404


def test_sources_page_shows_health(client: TestClient) -> None:
    html = get_ok(client, "/sources")
    assert "greenhouse:anthropic" in html and "greenhouse:acme" in html
    assert "Acme Cloud" in html and "daemon is not running" in html


def test_feed_is_atom_with_the_events(client: TestClient) -> None:
    got = client.get("/feed.xml?company=anthropic")
    assert got.headers["content-type"].startswith("application/atom+xml")
    assert got.text.count("<entry>") == 3  # one opened, two closed
    assert "&lt;script&gt;" in got.text and "<script>" not in got.text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/roles?country=Narnia", "unknown country &#39;Narnia&#39;"),
        ("/roles?company=anthropc", "nearest: anthropic"),
        ("/roles?sort=salary", "bad sort=&#39;salary&#39;"),
        ("/roles?per=0", "bad per=0"),
        ("/roles?page=x", "bad page=&#39;x&#39;"),
        ("/diff?from=2026-13-40", "bad date"),
        ("/diff?from=2026-11-20&to=2026-11-01", "must be before"),
        ("/?region=MARS", "unknown region &#39;MARS&#39;"),
        ("/feed.xml?from=soon", "bad date"),
    ],
)
def test_bad_input_is_a_400_page(client: TestClient, path: str, message: str) -> None:
    got = client.get(path)
    assert got.status_code == 400
    assert message in got.text
    assert "Traceback" not in got.text


def test_unknown_page_is_404(client: TestClient) -> None:
    assert client.get("/admin").status_code == 404
