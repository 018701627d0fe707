"""The data shipped inside the package, read with ``importlib.resources``.

In a checkout the files live at ``seeds/``; ``setup.py`` installs that folder as the package
``tracker.seeds`` (a wheel, ``pip install .`` and an editable install alike), so nothing here
depends on the current directory or on a checkout being present.

The distribution also installs the top-level packages ``db`` and ``jobs``. Another distribution
with a package of the same name would shadow ours; :func:`check_own_packages` turns that into one
clear line instead of an obscure ``ImportError`` deep inside a command.
"""

from __future__ import annotations

import importlib.util
from importlib.resources import files
from pathlib import Path, PurePosixPath

from tracker.settings import ConfigError

SEEDS_PACKAGE = "tracker.seeds"
# A file each of our top-level packages has and a same-named stranger is unlikely to have.
OWN_PACKAGES = {"db": "store.py", "jobs": "scrape.py"}


class ShippedDataError(ConfigError):
    """The installed package lacks its data (a broken or zipped install): one line, exit 2."""


def seeds_dir() -> Path:
    """The folder holding the shipped data (``seeds/`` or ``site-packages/tracker/seeds``)."""
    try:
        root = files(SEEDS_PACKAGE)
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parent.parent / "seeds"
        if (checkout / "__init__.py").is_file():  # an editable install made before tracker.seeds
            return checkout
        raise ShippedDataError(
            "the tracker's data package tracker.seeds is missing: reinstall dc-hiring-tracker"
        ) from None
    if not isinstance(root, Path):
        raise ShippedDataError(f"the tracker's data must be installed as files, not in {root}")
    return root


def seed_path(*parts: str) -> Path:
    """A shipped file, e.g. ``seed_path("demo", "watchlist.toml")``; error if missing."""
    path = seeds_dir().joinpath(*parts)
    if not path.exists():
        raise ShippedDataError(f"shipped file {'/'.join(parts)} is missing: reinstall the tracker")
    return path


def shipped_fallback(path: str | Path) -> Path:
    """``path`` if it exists, else the shipped file it names (``seeds/watchlist.toml`` or just
    ``watchlist.toml``) so the README's commands work from any folder; else ``path`` unchanged.
    """
    given = Path(path)
    if given.exists() or given.is_absolute():
        return given
    parts = PurePosixPath(given.as_posix()).parts
    if parts and parts[0] == "seeds":
        parts = parts[1:]
    if not parts or ".." in parts:
        return given
    candidate = seeds_dir().joinpath(*parts)
    return candidate if candidate.is_file() else given


def check_own_packages() -> str | None:
    """None when ``db`` and ``jobs`` are this distribution's; else the one-line problem."""
    tracker_root = Path(__file__).resolve().parent.parent
    for name, marker in OWN_PACKAGES.items():
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None:
            return f"package {name!r} of dc-hiring-tracker is not installed: reinstall it"
        folder = Path(origin).resolve().parent
        if folder.parent != tracker_root or not (folder / marker).is_file():
            return (
                f"another package named {name!r} ({folder}) shadows dc-hiring-tracker's; "
                "install the tracker in its own virtualenv (pipx install dc-hiring-tracker)"
            )
    return None
