"""Every row of the hand-labelled evaluation sets in tests/data/ must come out exactly right.

The same rows are scored by ``python -m tracker.normalize.evaluate``; see tests/data/README.md
for the columns and how the sets were labelled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.normalize import boards, evaluate

FILES = evaluate.set_files()


def _cases() -> list[object]:
    cases: list[object] = []
    for path in FILES:
        for number, row in enumerate(evaluate.load_rows(path), start=2):
            text = evaluate.row_text(row)
            cases.append(pytest.param(path, row, id=f"{path.stem}:{number}:{text[:40]}"))
    return cases


def test_the_sets_are_there() -> None:
    kinds = {evaluate.kind_of(p) for p in FILES}
    assert kinds == {"titles", "locations", "salary"}
    sizes = {p.stem: len(evaluate.load_rows(p)) for p in FILES}
    assert sizes["titles_anthropic"] == 517
    assert sizes["salary_notes"] >= 130 and sizes["locations_notes"] >= 270


@pytest.mark.parametrize(("path", "row"), _cases())
def test_row(path: Path, row: dict[str, str]) -> None:
    expected, actual = evaluate.CHECKERS[evaluate.kind_of(path)]
    assert actual(row) == expected(row)


def test_evaluate_prints_one_line_per_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate.main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(FILES) + len(boards.board_files()) + 1
    assert any("titles_anthropic.csv" in line and "precision" in line for line in lines)


def test_evaluate_without_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate.main(["--data", str(tmp_path), "--boards", str(tmp_path)]) == 2
    assert "no evaluation sets" in capsys.readouterr().out
