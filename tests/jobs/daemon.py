"""``tracker daemon`` as a real subprocess for tests, and polling helpers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text

from db.session import make_engine

ROOT = Path(__file__).resolve().parents[2]
GUARD = 60.0  # seconds: only a hung daemon takes this long (a loaded 2-core machine: ~20 s)


class Daemon:
    """One ``python -m tracker.cli --db DB --config CONFIG daemon`` process; output to a file."""

    def __init__(self, db: str, config: Path, workdir: Path, env: dict[str, str] | None = None):
        self.db, self.config, self.workdir = db, config, workdir
        self.env = {**os.environ, **(env or {})}
        for name in ("TRACKER_DATABASE_URL", "TRACKER_CONFIG"):
            self.env.pop(name, None)
        self.env["PYTHONPATH"] = str(ROOT) + os.pathsep + self.env.get("PYTHONPATH", "")
        self.log = workdir / f"daemon-{time.monotonic_ns()}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._out: IO[bytes] | None = None

    def start(self) -> Daemon:
        self._out = self.log.open("wb")
        args = ["--db", self.db, "--config", str(self.config), "daemon"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tracker.cli", *args],
            stdout=self._out,
            stderr=subprocess.STDOUT,
            cwd=self.workdir,
            env=self.env,
        )
        return self

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Send ``sig`` and wait for the exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self._out is not None:
                self._out.close()

    def kill(self) -> None:
        """SIGKILL (cleanup and crash tests)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self._out is not None:
            self._out.close()

    def wait_for(self, needle: str, timeout: float = GUARD, count: int = 1) -> None:
        wait_until(lambda: self.output().count(needle) >= count, timeout, self, needle)


def wait_until(
    predicate: Callable[[], bool],
    timeout: float = GUARD,
    daemon: Daemon | None = None,
    what: str = "condition",
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if daemon is not None and not daemon.running():
            raise AssertionError(f"daemon exited while waiting for {what}:\n{daemon.output()}")
        time.sleep(0.05)
    log = daemon.output() if daemon is not None else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{log}")


def query(db: str, sql: str, **params: Any) -> list[Any]:
    """Rows of a read-only SQL statement on ``db``."""
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params))
    finally:
        engine.dispose()
