"""Start-up stays small (issue 12): a database at head is checked without importing Alembic."""

from __future__ import annotations

import subprocess
import sys

from db.session import head_revision, make_engine, quick_head, upgrade


def test_quick_head_agrees_with_alembic() -> None:
    assert quick_head() == head_revision()


def test_database_at_head_is_checked_without_alembic(db_url: str) -> None:
    engine = make_engine(db_url)
    assert upgrade(engine) is True  # creates the schema (Alembic runs)
    engine.dispose()
    code = (
        "import sys; from db.session import make_engine, upgrade; "
        f"assert upgrade(make_engine({db_url!r})) is False; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_empty_database_still_upgrades(db_url: str) -> None:
    engine = make_engine(db_url)
    assert upgrade(engine) is True
    assert upgrade(engine) is False
