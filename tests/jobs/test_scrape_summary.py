"""The ``tracker scrape`` summary: every source for small runs, the interesting ones for large."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jobs.scrape_views import SUMMARY_ALL_UP_TO, print_summary, summary_shown
from tracker.domain import RunResult, RunStatus

AT = datetime(2026, 5, 1, tzinfo=UTC)


def run(i: int, status: RunStatus = "ok", **counts: int) -> RunResult:
    return RunResult(source=f"greenhouse:b{i}", status=status, observed_at=AT, seen=5, **counts)


def test_small_runs_list_every_source() -> None:
    results = [run(i) for i in range(SUMMARY_ALL_UP_TO)]
    assert summary_shown(results, show_all=False) == (results, "")


def test_large_runs_list_failed_skipped_and_changed_sources_only() -> None:
    quiet = [run(i) for i in range(100)]
    loud = [
        run(100, "failed"),
        run(101, "skipped"),
        run(102, "suspect"),
        run(103, new=1),
        run(104, changed=2),
        run(105, closed=1),
        run(106, reopened=1),
    ]
    shown, line = summary_shown(quiet[:50] + loud + quiet[50:], show_all=False)
    assert shown == loud
    assert line == "100 unchanged sources not shown (--all lists all)"


def test_show_all_lists_every_source() -> None:
    results = [run(i) for i in range(SUMMARY_ALL_UP_TO + 5)]
    assert summary_shown(results, show_all=True) == (results, "")
    assert summary_shown(results, show_all=False) == (
        [],
        f"{len(results)} unchanged sources not shown (--all lists all)",
    )


def test_a_large_scrape_with_nothing_changed_prints_no_empty_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert print_summary([run(i) for i in range(SUMMARY_ALL_UP_TO + 5)]) is True
    out = capsys.readouterr().out
    assert out == (
        f"scraped {SUMMARY_ALL_UP_TO + 5} source(s): {SUMMARY_ALL_UP_TO + 5} ok, 0 failed\n"
        f"{SUMMARY_ALL_UP_TO + 5} unchanged sources not shown (--all lists all)\n"
    )


def test_a_summary_with_a_change_is_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    results = [run(i) for i in range(SUMMARY_ALL_UP_TO + 5)] + [run(99, "failed")]
    assert print_summary(results) is False
    out = capsys.readouterr().out
    assert "greenhouse:b99" in out and "source" in out and "status" in out
    assert "scraped 26 source(s): 25 ok, 1 failed" in out
    assert "25 unchanged sources not shown" in out
