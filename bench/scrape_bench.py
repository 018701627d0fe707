"""Scrape at the speed of the network? ``tracker scrape`` against the fetch floor, in one run.

Generates a world of N Greenhouse boards x M postings (``content=true`` payloads, entity-escaped
HTML, pay-transparency blocks) and a churned copy (2 %: a third opened, a third closed, a third
changed title), serves both on loopback (nginx from the OS packages when present, else a
threaded Python server), then for each database (SQLite, and PostgreSQL when a URL is given):

1. floors: fetch+decode every board, and fetch+decode+HTML->text of every posting;
2. ``tracker scrape`` cold (a fresh database): must store N x M open postings;
3. the churned world: fetch+decode floor, then an incremental ``tracker scrape``: its runs
   must count exactly the opened/closed/changed the world holds;
4. conditional requests: one cycle that stores ETags, then the requests alone (all 304), then
   an all-304 ``tracker scrape``.

The tracker's modules are compiled to bytecode first, as a wheel install does (a checkout
run with ``PYTHONDONTWRITEBYTECODE`` set would otherwise compile them in every cycle). It
prints seconds, ratios to the floors, the peak RSS of each ``tracker`` process (with its
scrape workers, summed; ``TRACKER_SCRAPE_WORKERS=0`` does all in one process) and the database
size. The tracker's CPU time includes its workers'. Ratios from one run hold on a noisy
machine; absolute times do not. Not a test.

    python bench/scrape_bench.py --boards 1000            # the issue-12 world, SQLite only
    python bench/scrape_bench.py --boards 200 --pg postgresql+psycopg://postgres@127.0.0.1/t_x
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
TRACKER = Path(sys.executable).with_name("tracker")
CONCURRENCY = 8

TITLES = [
    "Data Center Technician",
    "Critical Facilities Engineer",
    "Data Center Electrical Engineer",
    "Site Selection Manager",
    "Energy Procurement Lead",
    "Capacity Planning Analyst",
    "Hardware Deployment Engineer",
    "Software Engineer, Inference",
    "Recruiting Coordinator",
    "Product Designer",
    "Account Executive",
    "Research Scientist",
]
PLACES = [
    "Sydney, Australia",
    "Tokyo, Japan",
    "London, United Kingdom",
    "Ashburn, VA",
    "Dallas, TX",
    "Frankfurt, Germany",
    "Singapore",
    "Quincy, WA",
    "San Francisco, CA",
    "Remote - US",
]
DEPARTMENTS = ["Compute", "Infrastructure", "Engineering", "Sales", "People", "Research"]
WORDS = " ".join(
    [
        "we build and operate the compute that trains frontier models across regions with care",
        "for reliability safety and cost you will work with electrical mechanical and controls",
        "teams on commissioning capacity planning power procurement and fleet deployment",
    ]
).split()


# --------------------------------------------------------------------------------------------
# the world


def prose(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def content_html(rng: random.Random, title: str, pay: tuple[int, int] | None) -> str:
    """A posting description as Greenhouse serves it: HTML, entity-escaped once."""
    parts = [f'<div class="content-intro"><p><strong>{title}</strong></p>']
    parts += [f"<p>{prose(rng, 60)}</p>" for _ in range(3)] + ["</div>"]
    for heading in ("What you will do", "What we look for", "Benefits"):
        items = "".join(f"<li>{prose(rng, 14)} &amp; more</li>" for _ in range(6))
        parts.append(f"<h2>{heading}</h2><ul>{items}</ul>")
    parts.append(f"<p>{prose(rng, 40)} It&#39;s an equal&nbsp;opportunity employer.</p>")
    if pay is not None:
        parts.append(
            '<div class="content-pay-transparency"><div class="pay-input">'
            '<div class="description"><p>Annual base salary</p></div>'
            '<div class="title">Annual Salary:</div><div class="pay-range">'
            f'<span>${pay[0]:,}</span><span class="divider">&mdash;</span>'
            f"<span>${pay[1]:,} USD</span></div></div></div>"
        )
    return html.escape("".join(parts), quote=True)


def job(rng: random.Random, board: int, n: int, title: str | None = None) -> dict[str, Any]:
    job_id = 4_000_000_000 + board * 10_000 + n
    title = title or f"{rng.choice(TITLES)} {n}"
    pay = (rng.randrange(80, 250) * 1000, rng.randrange(260, 400) * 1000)
    dept = rng.choice(DEPARTMENTS)
    return {
        "absolute_url": f"https://job-boards.greenhouse.io/board{board:04d}/jobs/{job_id}",
        "data_compliance": [{"type": "gdpr", "requires_consent": False}],
        "internal_job_id": job_id - 1_000_000,
        "location": {"name": rng.choice(PLACES)},
        "metadata": None,
        "id": job_id,
        "updated_at": "2026-11-20T10:00:00-05:00",
        "requisition_id": f"R{job_id}",
        "title": title,
        "company_name": f"Company {board}",
        "first_published": "2026-10-01T10:00:00-04:00",
        "language": "en",
        "content": content_html(rng, title, pay if rng.random() < 0.6 else None),
        "departments": [{"id": 1, "name": dept, "child_ids": [], "parent_id": None}],
        "offices": [{"id": 2, "name": rng.choice(PLACES), "location": None, "child_ids": []}],
    }


@dataclass
class Churn:
    opened: int = 0
    closed: int = 0
    changed: int = 0


def board_path(root: Path, board: int) -> Path:
    return root / "v1" / "boards" / f"board{board:04d}" / "jobs"


def write_board(path: Path, jobs: list[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}).encode()
    path.write_bytes(body)
    return len(body)


def expected_churn(work: Path, boards: int) -> Churn:
    """What the churned world holds against the cold one, from the files themselves."""
    found = Churn()
    for b in range(boards):
        cold, new = board_path(work / "cold", b), board_path(work / "churn", b)
        if cold.stat().st_ino == new.stat().st_ino:
            continue  # hard link: the same board
        before = {j["id"]: j for j in json.loads(cold.read_bytes())["jobs"]}
        after = {j["id"]: j for j in json.loads(new.read_bytes())["jobs"]}
        found.opened += len(after.keys() - before.keys())
        found.closed += len(before.keys() - after.keys())
        found.changed += sum(1 for i in after.keys() & before.keys() if after[i] != before[i])
    return found


def make_world(work: Path, boards: int, per_board: int, churn: float, seed: int) -> Churn:
    """``work/cold`` and ``work/churn`` (unchanged boards hard-linked); cached by parameters.

    Returns what the churned world holds (opened/closed/changed), counted from the files.
    """
    stamp = work / f"world-{boards}x{per_board}-{churn}-{seed}.json"
    if stamp.exists():
        cached = json.loads(stamp.read_text())
        if "expected" not in cached:
            cached["expected"] = expected_churn(work, boards).__dict__
            stamp.write_text(json.dumps(cached))
        return Churn(**cached["expected"])
    for old in ("cold", "churn"):
        shutil.rmtree(work / old, ignore_errors=True)
    for other in work.glob("world-*.json"):  # the world those stamps describe is gone now
        other.unlink()
    clock = time.perf_counter()
    rng = random.Random(seed)
    events = round(boards * per_board * churn)
    touched: dict[int, list[str]] = {}
    for _ in range(events):
        touched.setdefault(rng.randrange(boards), []).append(rng.choice("ocx"))
    totals = Churn()
    size = 0
    for b in range(boards):
        jobs = [job(rng, b, n) for n in range(per_board)]
        size += write_board(board_path(work / "cold", b), jobs)
        cold, new = board_path(work / "cold", b), board_path(work / "churn", b)
        if b not in touched:
            new.parent.mkdir(parents=True, exist_ok=True)
            os.link(cold, new)
            continue
        jobs = list(jobs)
        extra = per_board
        for kind in touched[b]:
            if kind == "o":
                jobs.append(job(rng, b, extra))
                extra += 1
                totals.opened += 1
            elif kind == "c" and len(jobs) > 1:
                jobs.pop(rng.randrange(len(jobs)))
                totals.closed += 1
            elif kind == "x":
                i = rng.randrange(len(jobs))
                if "(changed)" not in jobs[i]["title"]:
                    jobs[i] = {**jobs[i], "title": jobs[i]["title"] + " (changed)"}
                    totals.changed += 1
        write_board(new, jobs)
    expected = expected_churn(work, boards)
    stamp.write_text(json.dumps({"events": totals.__dict__, "expected": expected.__dict__}))
    took = time.perf_counter() - clock
    print(f"world: {boards} boards x {per_board}, {size / 1e6:.0f} MB, made in {took:.1f}s")
    return expected


# --------------------------------------------------------------------------------------------
# serving


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {work}/nginx-tmp;
  proxy_temp_path {work}/nginx-tmp;
  fastcgi_temp_path {work}/nginx-tmp;
  uwsgi_temp_path {work}/nginx-tmp;
  scgi_temp_path {work}/nginx-tmp;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  default_type application/json;
  server {{
    listen 127.0.0.1:{port};
    location /full/ {{ alias {work}/current/; etag off; if_modified_since off;
                       add_header Cache-Control no-cache; }}
    location /cond/ {{ alias {work}/current/; etag on; }}
  }}
}}
"""


class Server:
    """nginx (when installed) or a threaded Python server over ``work/current``."""

    def __init__(self, work: Path, kind: str) -> None:
        self.work = work
        self.port = free_port()
        nginx = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
        self.kind = "nginx" if kind in ("auto", "nginx") and nginx else "python"
        self.proc: subprocess.Popen[bytes] | None = None
        self.httpd: ThreadingHTTPServer | None = None
        if self.kind == "nginx":
            (work / "nginx-tmp").mkdir(exist_ok=True)
            conf = work / "nginx.conf"
            conf.write_text(NGINX_CONF.format(work=work, port=self.port))
            self.proc = subprocess.Popen([str(nginx), "-c", str(conf), "-p", str(work)])
        else:
            self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), partial(Handler, work))
            threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        for _ in range(100):
            try:
                httpx.get(f"{self.base('full')}/v1/boards/board0000/jobs", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise SystemExit("the world server did not start")

    def base(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mode}"

    def use(self, world: str) -> None:
        link = self.work / "current"
        tmp = self.work / "current.tmp"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(self.work / world)
        tmp.replace(link)

    def close(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait()
        if self.httpd is not None:
            self.httpd.shutdown()


class Handler(SimpleHTTPRequestHandler):
    """``/full/...`` and ``/cond/...`` over ``current/`` with nginx-like ETags on ``/cond``."""

    protocol_version = "HTTP/1.1"

    def __init__(self, work: Path, *args: Any, **kwargs: Any) -> None:
        self.work = work
        super().__init__(*args, directory=str(work), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        mode, _, rest = self.path.lstrip("/").partition("/")
        path = self.work / "current" / rest.split("?")[0]
        if not path.is_file():
            self.send_error(404)
            return
        st = path.stat()
        etag = f'"{int(st.st_mtime):x}-{st.st_size:x}"'
        if mode == "cond" and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if mode == "cond":
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


# --------------------------------------------------------------------------------------------
# floors


def to_text(job: dict[str, Any]) -> str:
    from selectolax.lexbor import LexborHTMLParser

    content = job.get("content") or ""
    tree = LexborHTMLParser(html.unescape(content))
    return tree.body.text(separator="\n") if tree.body is not None else ""


@dataclass(frozen=True)
class Timing:
    """Wall seconds, and CPU seconds (user + system) of the process that did the work."""

    wall: float
    cpu: float


def cpu_now() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def floor_timing(urls: list[str], text: bool, etags: dict[str, str] | None = None) -> Timing:
    cpu = cpu_now()
    wall = asyncio.run(floor(urls, text, etags))
    return Timing(wall, cpu_now() - cpu)


async def floor(urls: list[str], text: bool, etags: dict[str, str] | None = None) -> float:
    """Seconds to GET (and decode, and HTML->text) every URL, CONCURRENCY at a time."""
    limit = asyncio.Semaphore(CONCURRENCY)
    limits = httpx.Limits(max_connections=CONCURRENCY)

    async def one(client: httpx.AsyncClient, url: str) -> None:
        async with limit:
            headers = {"If-None-Match": etags[url]} if etags else {}
            response = await client.get(url, params={"content": "true"}, headers=headers)
            if etags:
                assert response.status_code == 304, response.status_code
                return
            response.raise_for_status()
            payload = json.loads(response.content)
        if text:
            for item in payload["jobs"]:
                to_text(item)

    clock = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        await asyncio.gather(*(one(client, url) for url in urls))
    return time.perf_counter() - clock


# --------------------------------------------------------------------------------------------
# the tracker


@dataclass
class Cycle:
    seconds: float
    rss_mb: float
    counts: dict[str, int] = field(default_factory=dict)


def tree_rss_mb(pid: int) -> float:
    """RSS of ``pid`` and its descendants (a scrape's parse workers), MB; 0 when gone."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / 1024


def run_tracker(args: list[str], env: dict[str, str]) -> tuple[Timing, float]:
    """Run ``tracker ARGS``: (timing, peak RSS in MB of the process and its children, summed,
    sampled every 20 ms); its exit status must be 0."""
    with tempfile.TemporaryFile() as out:
        clock = time.perf_counter()
        proc = subprocess.Popen([str(TRACKER), *args], env=env, stdout=out, stderr=out)
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.02):
                peak[0] = max(peak[0], tree_rss_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - clock
        done.set()
        sampler.join()
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    if code != 0:
        raise SystemExit(f"tracker {' '.join(args)} exited {code}:\n{text[-2000:]}")
    return Timing(seconds, usage.ru_utime + usage.ru_stime), max(peak[0], usage.ru_maxrss / 1024)


def cycle_counts(url: str, since: float) -> dict[str, int]:
    """Sums over the runs that started after ``since`` (epoch seconds), and open postings."""
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from db.session import make_engine
    from db.tables import POSTING, RUN

    start = datetime.fromtimestamp(since, UTC)
    engine = make_engine(url)
    cols = [func.count(), *(func.coalesce(func.sum(RUN.c[c]), 0) for c in COUNTED)]
    with engine.connect() as conn:
        row = conn.execute(select(*cols).where(RUN.c.observed_at >= start)).one()
        failed = conn.execute(
            select(func.count()).where(RUN.c.observed_at >= start, RUN.c.status != "ok")
        ).scalar_one()
        open_ = conn.execute(
            select(func.count()).select_from(POSTING).where(POSTING.c.closed_at.is_(None))
        ).scalar_one()
    engine.dispose()
    counts = dict(zip(("runs", *COUNTED), map(int, row), strict=True))
    return {**counts, "not_ok": int(failed), "open": int(open_)}


COUNTED = ("seen", "new", "changed", "closed", "unchanged")


def etags_of(url: str, base: str) -> dict[str, str]:
    """``{board URL: stored ETag}`` from the database's source rows."""
    from sqlalchemy import select

    from db.session import make_engine
    from db.tables import SOURCE

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(SOURCE.c.token, SOURCE.c.etag)).all()
    engine.dispose()
    return {f"{base}/v1/boards/{token}/jobs": etag for token, etag in rows if etag}


def db_size(url: str) -> float:
    """MB on disk (SQLite file) or of the schema's relations (PostgreSQL)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    from sqlalchemy import text

    from db.session import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        size = conn.execute(
            text(
                "select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c "
                "join pg_namespace n on n.oid = c.relnamespace "
                "where n.nspname = current_schema() and c.relkind in ('r', 'm')"
            )
        ).scalar_one()
    engine.dispose()
    return float(size) / 1e6


def fresh_pg(base: str, schema: str) -> str:
    from urllib.parse import quote

    from sqlalchemy import create_engine, text

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


def watchlist(path: Path, boards: int, base: str) -> Path:
    lines = []
    for b in range(boards):
        lines += [
            "[[source]]",
            f'company = "Company {b}"',
            'ats = "greenhouse"',
            f'token = "board{b:04d}"',
            f'api_base = "{base}"',
            "",
        ]
    path.write_text("\n".join(lines))
    return path


def ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}x" if b > 0 else "  n/a"


Row = tuple[str, Timing, Timing | None, str]


def bench_db(
    label: str, url: str, server: Server, args: argparse.Namespace, churn: Churn
) -> dict[str, Timing]:
    """The four cycles on one database; prints its table and returns the tracker timings."""
    work: Path = args.work
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_CONFIG": str(work / "tracker.toml")}
    env.pop("TRACKER_REAL_DATA", None)
    full, cond = server.base("full"), server.base("cond")
    urls = [f"{full}/v1/boards/board{b:04d}/jobs" for b in range(args.boards)]
    server.use("cold")
    run_tracker(["sources", "import", str(watchlist(work / "full.toml", args.boards, full))], env)
    rss: list[float] = []

    def scrape() -> tuple[Timing, dict[str, int]]:
        time.sleep(1.1)  # keep cycles apart: each one's runs are those observed after `since`
        since = time.time() - 0.5
        timing, peak = run_tracker(["scrape"], env)
        rss.append(peak)
        return timing, cycle_counts(url, since)

    fetch, text_floor = floor_timing(urls, text=False), floor_timing(urls, text=True)
    cold, cold_counts = scrape()
    server.use("churn")
    fetch2 = floor_timing(urls, text=False)
    inc, c = scrape()
    run_tracker(["sources", "import", str(watchlist(work / "cond.toml", args.boards, cond))], env)
    kept, _ = scrape()
    etags = etags_of(url, cond)
    requests = floor_timing(list(etags), text=False, etags=etags)
    n304, n304_counts = scrape()
    rows: list[Row] = [
        ("floor: fetch+decode", fetch, None, ""),
        ("floor: fetch+decode+HTML->text", text_floor, None, ""),
        ("tracker scrape, cold", cold, text_floor, "text floor"),
        ("floor: fetch+decode (churned world)", fetch2, None, ""),
        ("tracker scrape, incremental (churned world)", inc, fetch2, "fetch floor"),
        ("tracker scrape, same world again (200s, ETags kept)", kept, fetch2, "fetch floor"),
        (f"requests alone, all 304 ({len(etags)} ETags)", requests, None, ""),
        ("tracker scrape, all 304", n304, requests, "requests"),
    ]
    print(f"\n== {label}  ({args.boards} boards x {args.jobs}, server: {server.kind})")
    print(f"  {'':52} {'wall':>8} {'ratio':>7}   {'CPU':>8} {'ratio':>7}")
    for name, t, base, what in rows:
        wall = ratio(t.wall, base.wall) if base else ""
        cpu = ratio(t.cpu, base.cpu) if base else ""
        print(f"  {name:52} {t.wall:7.2f}s {wall:>7}   {t.cpu:7.2f}s {cpu:>7}  {what}")
    print(
        f"  peak RSS (tracker scrape and its workers, summed): {max(rss):.0f} MB "
        f"(cold, incremental, same world, all 304: {', '.join(f'{r:.0f}' for r in rss)})   "
        f"database: {db_size(url):.0f} MB"
    )
    total = args.boards * args.jobs
    ok_cold = cold_counts["open"] == cold_counts["new"] == total and not cold_counts["not_ok"]
    print(
        f"  counts cold: open={cold_counts['open']} new={cold_counts['new']} "
        f"not_ok={cold_counts['not_ok']} -> {'OK' if ok_cold else 'WRONG'}"
    )
    ok_inc = (c["new"], c["closed"], c["changed"]) == (churn.opened, churn.closed, churn.changed)
    print(
        f"  counts incremental: new={c['new']} closed={c['closed']} changed={c['changed']} "
        f"(world: {churn.opened}/{churn.closed}/{churn.changed}) not_ok={c['not_ok']} "
        f"-> {'OK' if ok_inc and not c['not_ok'] else 'WRONG'}"
    )
    print(
        f"  all-304 cycle: runs={n304_counts['runs']} seen={n304_counts['seen']} "
        f"not_ok={n304_counts['not_ok']}"
    )
    return {"cold": cold, "incremental": inc, "all 304": n304}


def compile_tracker() -> str:
    """Compile the tracker's packages to ``__pycache__`` (what ``pip install`` does for a
    wheel, and what Python does on a first run unless ``PYTHONDONTWRITEBYTECODE`` is set), so
    that no cycle times the compiler: the floors are timed in this warm process."""
    import compileall
    import importlib.util

    done = []
    for package in ("tracker", "db", "jobs"):
        spec = importlib.util.find_spec(package)
        folders = list(spec.submodule_search_locations or []) if spec else []
        for folder in folders:
            ok = compileall.compile_dir(folder, quiet=1)
            done.append(f"{package} {'ok' if ok else 'FAILED'}")
    return ", ".join(done) or "nothing found"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=50, help="postings per board")
    parser.add_argument("--churn", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "scrape-bench")
    parser.add_argument("--server", choices=("auto", "nginx", "python"), default="auto")
    parser.add_argument(
        "--pg",
        default=os.environ.get("TRACKER_BENCH_POSTGRES_URL", ""),
        help="PostgreSQL URL (a schema 'scrape_bench' is recreated in it)",
    )
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    compiled = compile_tracker()
    print(f"tracker modules compiled to bytecode first (as a wheel install does): {compiled}")
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    churn = make_world(args.work, args.boards, args.jobs, args.churn, args.seed)
    (args.work / "tracker.toml").write_text(
        f"[scrape]\nconcurrency = {CONCURRENCY}\nper_host = {CONCURRENCY}\nretries = 0\n"
    )
    server = Server(args.work, args.server)
    try:
        results = []
        if not args.no_sqlite:
            db = args.work / "bench.db"
            for p in args.work.glob("bench.db*"):
                p.unlink()
            results.append(bench_db("SQLite", f"sqlite:///{db}", server, args, churn))
        if args.pg:
            url = fresh_pg(args.pg, "scrape_bench")
            results.append(bench_db("PostgreSQL", url, server, args, churn))
        if len(results) == 2:
            sq, pg = results
            for cycle in ("cold", "incremental", "all 304"):
                wall = ratio(pg[cycle].wall, sq[cycle].wall)
                cpu = ratio(pg[cycle].cpu, sq[cycle].cpu)
                print(f"PostgreSQL / SQLite, {cycle}: wall {wall}, tracker CPU {cpu}")
    finally:
        server.close()


if __name__ == "__main__":
    main()
