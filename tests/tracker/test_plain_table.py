"""Tables Rich would print with no layout work are printed directly (issue 12: a scrape's
summary of hundreds of boards took Rich a third of a second); the text is Rich's own."""

from __future__ import annotations

import io
import random
import string

from rich.console import Console

from tracker.report.tables import make_table, plain_table


def rich_text(table: object, width: int) -> tuple[str, str | None]:
    buf = io.StringIO()
    console = Console(file=buf, width=width)
    plain = plain_table(table, console)  # type: ignore[arg-type]
    console.print(table)
    return buf.getvalue(), plain


def test_plain_tables_are_what_rich_prints() -> None:
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + " ,.-$%()"
    compared = 0
    for _ in range(1500):
        columns = [
            "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 9)))
            for _ in range(rng.randint(1, 8))
        ]
        rows = [
            ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in columns]
            for _ in range(rng.randint(1, 5))
        ]
        title = rng.choice([None, "", "scraped 12 source(s): 3 ok", "t" * rng.randint(1, 50)])
        justify = rng.choice(["center", "left", "right"])
        table = make_table(title, columns, rows, title_justify=justify)
        expected, plain = rich_text(table, rng.choice([40, 80, 120]))
        if plain is not None:
            compared += 1
            assert plain == expected
    assert compared > 200


def test_anything_rich_must_lay_out_is_left_to_rich() -> None:
    wide = make_table("t", ["a", "b"], [["x" * 60, "y" * 30]])
    assert rich_text(wide, 80)[1] is None  # wider than the console: Rich folds it
    assert rich_text(make_table("t", ["a"], [["Zürich"]]), 80)[1] is None  # not ASCII
    assert rich_text(make_table("t", ["a"], [["two\nlines"]]), 80)[1] is None
    assert rich_text(make_table("t", ["a"], []), 80)[1] is None  # no rows
    terminal = Console(file=io.StringIO(), width=80, force_terminal=True)
    assert plain_table(make_table("t", ["a"], [["x"]]), terminal) is None  # styles
