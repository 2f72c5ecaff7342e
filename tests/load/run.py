"""Load test: the app under gunicorn (production mode) on loopback, complete journeys driven by locust.

    python -m tests.load.run --seconds 30 --users 32      # the full form (make load)
    python -m tests.load.run --seconds 5 --users 32       # the short form CI runs (tests/load/test_load.py)

Prints requests/s, p50/p99 latency, the error count (locust failures: any unexpected status or
connection error) and the server's memory (RSS of the gunicorn master and workers) after boot,
after a warm-up, and at the end. Everything stays on 127.0.0.1 and ends within the time given
plus a fixed margin; the server and locust are stopped by their process ids.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
BOOT_TIMEOUT = 90
MARGIN = 90  # seconds allowed beyond the run for locust to start and stop


@dataclass
class LoadFigures:
    seconds: int
    warmup: int
    users: int
    workers: int
    threads: int
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    journeys: int
    memory_boot_mib: float
    memory_start_mib: float
    memory_end_mib: float
    server_errors_logged: int
    failures: list[str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_rss_mib(pid: int) -> float:
    """Resident memory of the gunicorn master and all its workers, in MiB."""
    try:
        master = psutil.Process(pid)
        processes = [master, *master.children(recursive=True)]
        return sum(p.memory_info().rss for p in processes) / 2**20
    except psutil.NoSuchProcess:
        return float("nan")


def start_server(port: int, workers: int, threads: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "web:create_app()",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "60",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]
    handle = log.open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + BOOT_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/v1/knowledge/version", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise RuntimeError(f"gunicorn did not answer within {BOOT_TIMEOUT} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def warm_up(port: int, journeys: int = 4) -> None:
    """A few complete journeys through every worker thread's engines before memory is measured."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    for _ in range(journeys):
        for path in ("/", "/api/v1/knowledge"):
            opener.open(f"http://{HOST}:{port}{path}", timeout=30).read()


def run_locust(port: int, seconds: int, users: int, workdir: Path, env: dict[str, str]) -> dict[str, str]:
    workdir.mkdir(exist_ok=True)
    prefix = workdir / "locust"
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        f"http://{HOST}:{port}",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + MARGIN, check=False
    )
    stats = prefix.with_name("locust_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"locust wrote no statistics (exit {done.returncode}):\n{done.stderr[-3000:]}")
    with stats.open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    rows["_journeys"] = rows.get("/finish", {"Request Count": "0"})
    failures = prefix.with_name("locust_failures.csv")
    if failures.exists():
        with failures.open() as handle:
            rows["_failures"] = [
                f"{r['Occurrences']}x {r['Method']} {r['Name']}: {r['Error']}" for r in csv.DictReader(handle)
            ]
    return rows


def run(
    seconds: int = 30,
    users: int = 32,
    workers: int = 2,
    threads: int = 8,
    knowledge_dir: str | None = None,
    warmup: int = 10,
) -> LoadFigures:
    env = {
        **os.environ,
        "PATHWAY_ENV": "production",
        "PATHWAY_SECRET_KEY": secrets.token_hex(32),
        "PYTHONPATH": str(ROOT),
    }
    if knowledge_dir:
        env["PATHWAY_KNOWLEDGE_DIR"] = knowledge_dir
    with tempfile.TemporaryDirectory(prefix="pathway-load-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        log = workdir / "server.log"
        server = start_server(port, workers, threads, env, log)
        try:
            boot = server_rss_mib(server.pid)
            warm_up(port)
            if warmup:  # journeys not counted: every worker thread builds its engines and the caches fill
                run_locust(port, warmup, users, workdir / "warmup", env)
            start = server_rss_mib(server.pid)
            rows = run_locust(port, seconds, users, workdir, env)
            end = server_rss_mib(server.pid)
        finally:
            stop(server)
        total = rows["Aggregated"]
        access = log.read_text(errors="replace")
        server_errors = len(re.findall(r'" 5\d\d ', access)) + access.count("Traceback")
        return LoadFigures(
            seconds=seconds,
            warmup=warmup,
            users=users,
            workers=workers,
            threads=threads,
            requests=int(total["Request Count"]),
            requests_per_second=round(float(total["Requests/s"]), 1),
            p50_ms=float(total["50%"]),
            p99_ms=float(total["99%"]),
            errors=int(total["Failure Count"]),
            journeys=int(rows["_journeys"]["Request Count"]),
            memory_boot_mib=round(boot, 1),
            memory_start_mib=round(start, 1),
            memory_end_mib=round(end, 1),
            server_errors_logged=server_errors,
            failures=rows.get("_failures", []),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=10, help="seconds of uncounted journeys before measuring")
    parser.add_argument("--knowledge", default=None, help="knowledge folder (default: the built-in one)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = run(args.seconds, args.users, args.workers, args.threads, args.knowledge, args.warmup)
    if args.json:
        print(json.dumps(asdict(figures), indent=2))
    else:
        print(
            f"{figures.seconds} s (after {figures.warmup} s warm-up), {figures.users} users, gunicorn {figures.workers} workers x {figures.threads} threads\n"
            f"  requests: {figures.requests} ({figures.journeys} complete journeys)\n"
            f"  requests/s: {figures.requests_per_second}\n"
            f"  latency p50: {figures.p50_ms:.0f} ms, p99: {figures.p99_ms:.0f} ms\n"
            f"  errors: {figures.errors} (server errors logged: {figures.server_errors_logged})\n"
            f"  server memory (RSS, master + workers): boot {figures.memory_boot_mib} MiB, "
            f"start {figures.memory_start_mib} MiB, end {figures.memory_end_mib} MiB"
        )
        for failure in figures.failures:
            print("  failure: " + failure)
    sys.exit(1 if figures.errors or figures.server_errors_logged else 0)


if __name__ == "__main__":
    main()
