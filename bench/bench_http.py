"""Every main page as a browser sees it: gunicorn (2 workers) on PostgreSQL filled by
`flask demo scale`, loaded with `wrk` at 16 connections, signed in, against a control
page (bench/control.py: a bare Flask app, one indexed query, a 50-row table) served the
same way in the same run.

Prints per page: requests/s, p50 and p99 latency, SQL queries per request (the
X-Query-Count header, on only here), bytes, and the ratio to the control's requests/s;
then each gunicorn worker's resident memory after the load. Appends the figures to
bench/RESULTS.md (newest first) with --record.

Run: `make bench-http` or `.venv/bin/python bench/bench_http.py [--seconds 10] [--fill]`
with DATABASE_URL pointing at a scratch PostgreSQL database (default puerto_bench).
Every load is bounded by --seconds; the servers are stopped at the end.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "RESULTS.md"
DEFAULT_DATABASE = "postgresql://127.0.0.1:5432/puerto_bench"
PASSWORD = "puerto-scale-2026"  # webapp.scale.SCALE_PASSWORD, not imported: no app here


@dataclass
class Row:
    label: str
    path: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    queries: str = "-"
    size: int = 0
    status: int = 0
    errors: int = 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def serve(target: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
            "--no-control-socket",  # one shared path by default: two servers would collide
            target,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def workers_rss_mb(master: int) -> list[float]:
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master}$", status, re.M):
            kb = int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1))
            sizes.append(kb / 1024)
    return sorted(sizes)


def sign_in(base: str, email: str) -> str:
    """Log in through the form (CSRF token included) and return the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    fields = {"email": email, "password": PASSWORD, "next": ""}
    if token:
        fields["csrf_token"] = token.group(1)
    opener.open(f"{base}/login", urllib.parse.urlencode(fields).encode()).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise SystemExit(f"could not sign in as {email}")
    return cookie


def probe(url: str, cookie: str) -> tuple[int, int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            return response.status, len(body), response.headers.get("X-Query-Count", "-")
    except urllib.error.HTTPError as error:
        return error.code, len(error.read()), error.headers.get("X-Query-Count", "-")


def to_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def load(url: str, cookie: str, seconds: int, connections: int, warmup: int) -> Row:
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    header = ["-H", f"Cookie: {cookie}"] if cookie else []
    base = [wrk, "-t", "2", "-c", str(connections), "--timeout", "10s", *header]
    if warmup:
        subprocess.run([*base, "-d", f"{warmup}s", url], capture_output=True, check=True)
    out = subprocess.run(
        [*base, "-d", f"{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    row = Row("", url)
    row.rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    row.p50_ms = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    row.p99_ms = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    row.errors = (int(bad.group(1)) if bad else 0) + (int(timeouts.group(1)) if timeouts else 0)
    return row


def pages(database_env: dict[str, str]) -> tuple[list[tuple[str, str, str]], str]:
    """(label, role, path) for every main page, and the control's path: the ids come from
    the database (the busiest state, one of its contacts, the busiest meeting series, the
    participant's calendar feed, the donor with the most receipts); role "" reads the page
    without signing in."""
    import sqlalchemy as sa

    import config

    engine = sa.create_engine(config.normalise_database_url(database_env["DATABASE_URL"]))
    with engine.connect() as c:
        state_id, code = c.execute(
            sa.text(
                "SELECT s.id, s.code FROM member_states s JOIN directory_contacts p"
                " ON p.member_state_id = s.id GROUP BY s.id, s.code ORDER BY count(*) DESC"
                " LIMIT 1"
            )
        ).one()
        contact = c.execute(
            sa.text(
                "SELECT id FROM directory_contacts WHERE member_state_id = :s"
                " AND status = 'active' AND visibility = 'member_states' ORDER BY id LIMIT 1"
            ),
            {"s": state_id},
        ).scalar()
        area = c.execute(sa.text("SELECT code FROM directory_areas ORDER BY id")).scalar()
        # The series with the most series-wide participants (1,000), its next meeting (or
        # its last), the participant's feed, the donor with the most receipts.
        series = c.execute(
            sa.text(
                "SELECT series_id FROM meeting_participants WHERE series_id IS NOT NULL"
                " GROUP BY series_id ORDER BY count(*) DESC, series_id LIMIT 1"
            )
        ).scalar()
        occurrence = c.execute(
            sa.text(
                "SELECT id FROM meeting_occurrences WHERE series_id = :s"
                " ORDER BY status = 'scheduled' DESC, starts_at LIMIT 1"
            ),
            {"s": series},
        ).scalar()
        feed = c.execute(
            sa.text(
                "SELECT token FROM meeting_calendar_subscriptions f JOIN users u"
                " ON u.id = f.user_id WHERE u.email = 'participant@scale.example.org'"
                " AND f.revoked_at IS NULL"
            )
        ).scalar()
        donor = c.execute(
            sa.text(
                "SELECT donor_id FROM receipts GROUP BY donor_id ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar()
    engine.dispose()
    later_parts = []
    if series and occurrence and feed:
        later_parts = [
            ("meetings, organizer", "organizer", "/meetings/"),
            ("a meeting series", "organizer", f"/meetings/{series}"),
            ("a meeting (occurrence)", "organizer", f"/meetings/occurrences/{occurrence}"),
            ("participants (1,000)", "organizer", f"/meetings/{series}/participants"),
            (
                "add participants from the directory",
                "organizer",
                f"/meetings/{series}/participants/add",
            ),
            ("calendar feed", "", f"/meetings/feed/{feed}.ics"),
        ]
    if donor:
        later_parts += [
            ("contributions report", "finance", "/contributions/"),
            ("a donor", "finance", f"/contributions/donors/{donor}"),
        ]
    return [
        ("home, admin", "admin", "/"),
        ("home, organizer", "organizer", "/"),
        ("home, finance", "finance", "/"),
        ("home, focal point", "focal1.mx", "/"),
        ("home, participant", "participant", "/"),
        ("directory, no filter", "admin", "/directory/"),
        ("directory, state+area", "admin", f"/directory/?state={code}&area={area}"),
        ("directory, text", "admin", "/directory/?q=garcia"),
        ("directory, page 40", "admin", "/directory/?page=40"),
        ("directory, focal point", "focal1.mx", "/directory/"),
        ("coverage, admin", "admin", "/directory/coverage"),
        ("coverage, focal point", "focal1.mx", "/directory/coverage"),
        ("a contact", "admin", f"/directory/contacts/{contact}"),
        ("agencies", "admin", f"/directory/agencies?state={code}"),
        ("refresh requests, fp", "focal1.mx", "/directory/refresh-requests"),
        *later_parts,
    ], f"/?state={state_id}"


def record(
    rows: list[Row], control: Row, memory: list[float], note: str, load: tuple[float, float]
) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"load average {load[0]:.1f} before the run, {load[1]:.1f} after"
    heading = f"## {stamp} — {note + '; ' if note else ''}{machine}"
    lines = [heading, "", table(rows, control), ""]
    lines.append(f"gunicorn worker RSS after the load: {', '.join(f'{m:.0f} MB' for m in memory)}")
    lines.append("")
    head = "# Benchmark results\n\nNewest first. `make bench-http` adds a run (`--record`).\n\n"
    old = RESULTS.read_text() if RESULTS.exists() else head
    before, _, after = old.partition("\n## ")
    body = "## " + after if after else ""
    RESULTS.write_text(before.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n" + body)


def table(rows: list[Row], control: Row) -> str:
    out = [
        "| page | req/s | p50 ms | p99 ms | queries | bytes | vs control | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in [control, *rows]:
        ratio = r.rps / control.rps if control.rps else 0
        out.append(
            f"| {r.label} | {r.rps:.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.queries} |"
            f" {r.size:,} | {ratio:.2f} | {r.errors} |"
        )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="load per page")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--fill", action="store_true", help="run `flask demo scale --reset`")
    parser.add_argument("--only", help="only pages whose label contains this")
    parser.add_argument("--record", action="store_true", help="add the run to RESULTS.md")
    parser.add_argument("--note", default="", help="a line saying what changed")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    env.update(
        PUERTO_ENV="production",
        SECRET_KEY=env.get("BENCH_SECRET_KEY", "bench-only-secret-key-0123456789abcdef"),
        SESSION_COOKIE_SECURE="false",
        QUERY_COUNT_HEADER="1",
        PYTHONPATH=str(ROOT),
    )
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
    load_before = os.getloadavg()[0]  # the machine is shared: say how busy it was
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    if args.fill:
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [*flask, "demo", "scale", "--seed", "1", "--reset"], cwd=ROOT, env=env, check=True
        )
    page_list, control_path = pages(env)
    if args.only:
        page_list = [p for p in page_list if args.only in p[0]]

    app_port, control_port = free_port(), free_port()
    app = serve("wsgi:application", app_port, env)
    control_server = serve("bench.control:app", control_port, env)
    try:
        base, control_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{control_port}"
        wait_for(f"{base}/healthz")
        wait_for(control_base + control_path)
        cookies = {"": ""}  # a page read without signing in (the calendar feed)
        for _label, role, _path in page_list:
            if role not in cookies:
                cookies[role] = sign_in(base, f"{role}@scale.example.org")
        control = load(
            control_base + control_path, "", args.seconds, args.connections, args.warmup
        )
        control.label, control.path = "control (bare Flask)", control_path
        control.status, control.size, control.queries = (
            *probe(control_base + control_path, "")[:2],
            "1",
        )
        rows = []
        for label, role, path in page_list:
            status, size, queries = probe(base + path, cookies[role])
            row = load(base + path, cookies[role], args.seconds, args.connections, args.warmup)
            row.label, row.path, row.status, row.size, row.queries = (
                label,
                path,
                status,
                size,
                queries,
            )
            if status != 200:
                row.label += f" ({status})"
            rows.append(row)
            print(
                f"  {label:<26}{row.rps:>8.0f}/s  p50 {row.p50_ms:6.1f}  p99 {row.p99_ms:6.1f}"
                f"  q {queries:>3}  {size:>7,} B  x{row.rps / control.rps:.2f}",
                flush=True,
            )
        memory = workers_rss_mb(app.pid)
    finally:
        stop(app)
        stop(control_server)
    print()
    print(f"wrk {args.connections} connections, {args.seconds} s per page, gunicorn 2 workers")
    print(table(rows, control))
    print(f"\ngunicorn worker RSS after the load: {', '.join(f'{m:.0f} MB' for m in memory)}")
    if args.record:
        record(rows, control, memory, args.note, (load_before, os.getloadavg()[0]))
        print(f"recorded in {RESULTS.relative_to(ROOT)}")
    return 0 if all(r.status == 200 and not r.errors for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
