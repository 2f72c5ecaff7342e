"""Load test: the app under gunicorn (production mode) on loopback, complete journeys driven by locust.

    python -m tests.load.run --seconds 60 --users 32 --tls --kill-worker-at 30   # make load
    python -m tests.load.run --seconds 8 --users 16 --tls --kill-worker-at 4     # the CI form (test_load.py)
    python -m tests.load.run --seconds 30 --users 32                              # plain HTTP, no kill

The server is the production command (`gunicorn 'web:create_app()' -k gthread -w 2 --threads 4`,
with `--certfile`/`--keyfile` under `--tls`: a self-signed certificate made for the run by
`tests/tls_certificate.py`). `--kill-worker-at S` sends SIGKILL to one gunicorn worker S seconds
into the measured run; the master starts a new one.

Figures (printed, and returned by `run`): requests, requests/s, p50/p99 latency (locust's),
errors (locust failures: an unexpected status or a connection error) split into those at the
kill (connection errors within a few seconds after it, bounded by the connections the killed
worker held) and all others, 503s with Retry-After from the expensive pages (not errors),
complete journeys, the server's memory (RSS of the master and workers) after boot, after the
warm-up and at the end, the worker pids before and after the kill, and what the server logged at
ERROR. Every request locust makes is also written, one JSON line each, to an events file
(`LOAD_EVENTS`, see locustfile.py), which is where the kill window is counted.

Everything stays on 127.0.0.1 and ends within the time given plus a fixed margin; the server and
locust are stopped by their process ids.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
BOOT_TIMEOUT = 90
MARGIN = 90  # seconds allowed beyond the run for locust to start and stop
KILL_WINDOW = 2.0  # seconds after the kill in which a transport failure (no or a cut response) is the kill's
RESPAWN_TIMEOUT = 60  # seconds for gunicorn to replace the killed worker
PROBES = 20  # fresh connections after a run with a kill: does the new worker answer some of them?
# gunicorn's own line for a worker that died of SIGKILL (gunicorn/arbiter.py), logged at ERROR.
KILL_LINE = re.compile(r"\[ERROR\] Worker \(pid:(\d+)\) was sent SIGKILL")
ERROR_LINE = re.compile(r"\[(ERROR|CRITICAL)\]|^\[[^\]]*\] (ERROR|CRITICAL) in |Traceback \(most recent call last\)")


@dataclass
class LoadFigures:
    seconds: int
    warmup: int
    users: int
    workers: int
    threads: int
    tls: bool
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    busy_503: int  # expensive pages that answered 503 with Retry-After (retried, not errors)
    journeys: int
    journeys_abandoned_busy: int  # still 503 after the retries a user makes
    memory_boot_mib: float
    memory_start_mib: float
    memory_end_mib: float
    # The kill (all None / empty without --kill-worker-at)
    kill_at: float | None = None
    killed_pid: int | None = None
    killed_worker_connections: int | None = None  # its established connections at the kill
    worker_pids_before: list[int] = field(default_factory=list)
    worker_pids_after: list[int] = field(default_factory=list)
    respawn_seconds: float | None = None  # until gunicorn had forked the replacement
    errors_at_kill: int = 0  # connection errors within KILL_WINDOW after the kill
    errors_outside_kill: int = 0  # every other failure
    requests_after_kill_window: int = 0
    failures_after_kill_window: int = 0
    journeys_after_kill_window: int = 0
    requests_served_by_new_worker: int = 0  # during the run (users keep their connections)
    probes_served_by_new_worker: int = 0  # of PROBES fresh connections after the run
    kill_logged: bool = False  # gunicorn's ERROR line for the killed worker is in the log read
    server_errors_logged: list[str] = field(default_factory=list)  # ERROR lines other than the kill
    server_5xx_logged: int = 0  # 5xx in the access log other than 503
    failures: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def worker_pids(master: int) -> list[int]:
    try:
        return sorted(p.pid for p in psutil.Process(master).children())
    except psutil.NoSuchProcess:
        return []


def server_rss_mib(pid: int) -> float:
    """Resident memory of the gunicorn master and all its workers, in MiB."""
    try:
        master = psutil.Process(pid)
        processes = [master, *master.children(recursive=True)]
        total = 0
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):  # a worker between death and replacement
                total += process.memory_info().rss
        return total / 2**20
    except psutil.NoSuchProcess:
        return float("nan")


def established_connections(pid: int, port: int) -> int:
    """TCP connections to the app's port that this process holds open."""
    try:
        connections = psutil.Process(pid).net_connections(kind="tcp")
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0
    return sum(1 for c in connections if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port)


class Server:
    """gunicorn with the production command line, its logs in `workdir`."""

    def __init__(self, workdir: Path, workers: int, threads: int, env: dict[str, str], tls: bool) -> None:
        self.port = free_port()
        self.tls = tls
        self.origin = f"{'https' if tls else 'http'}://{HOST}:{self.port}"
        self.error_log = workdir / "server.log"
        self.access_log = workdir / "access.log"
        command = [
            str(BIN / "gunicorn"),
            "web:create_app()",
            "-k",
            "gthread",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"{HOST}:{self.port}",
            "--access-logfile",
            str(self.access_log),
            # The worker's pid, the request line and the status: enough to count what the new worker served.
            "--access-logformat",
            '%(p)s "%(r)s" %(s)s',
            "--error-logfile",
            "-",
            # gunicorn 27's control socket is one path for every gunicorn of the user
            # (~/.gunicorn/gunicorn.ctl, the last one started takes it over); off, as in docs/deployment.md.
            "--no-control-socket",
        ]
        self.context: ssl.SSLContext | None = None
        if tls:
            from tests.tls_certificate import make_certificate

            cert, key = make_certificate(workdir)
            command += ["--certfile", str(cert), "--keyfile", str(key)]
            # The run itself checks the certificate it made; locust does not (see locustfile.py).
            self.context = ssl.create_default_context(cafile=str(cert))
        handle = self.error_log.open("w")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        handle.close()
        self._wait_until_up()

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self) -> str:
        return self.error_log.read_text(errors="replace")[-3000:]

    def check_running(self) -> None:
        if self.process.poll() is not None or "Handling signal: term" in self.error_log.read_text(errors="replace"):
            raise RuntimeError(f"the server stopped during the run (not by this run); its log ends:\n{self.log_tail()}")

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"{self.origin}{path}", timeout=30, context=self.context) as response:
            return response.read()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with status {self.process.returncode}:\n{self.error_log.read_text()[-3000:]}"
                )
            try:
                self.get("/api/v1/knowledge/version")
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {BOOT_TIMEOUT} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def warm_up(server: Server, rounds: int = 4) -> None:
    """A few pages through the workers before memory is measured (engines built, caches filled)."""
    for _ in range(rounds):
        for path in ("/", "/api/v1/knowledge"):
            server.get(path)


@dataclass
class Kill:
    at: float  # seconds after the first request of the run
    moment: float = 0.0  # time.time() of the kill
    pid: int | None = None
    connections: int = 0
    before: list[int] = field(default_factory=list)
    after: list[int] = field(default_factory=list)
    respawn_seconds: float | None = None


def _first_event_time(events: Path, deadline: float) -> float | None:
    while time.monotonic() < deadline:
        if events.exists() and events.stat().st_size:
            with events.open() as handle:
                line = handle.readline()
            if line.endswith("\n"):
                return json.loads(line)["t"]
        time.sleep(0.05)
    return None


def _kill_worker(server: Server, kill: Kill, workers: int) -> None:
    kill.before = worker_pids(server.pid)
    if not kill.before:
        raise RuntimeError(f"no gunicorn worker to kill; the server's log ends:\n{server.log_tail()}")
    # The worker holding the most connections: killing an idle one would prove nothing.
    held = {pid: established_connections(pid, server.port) for pid in kill.before}
    kill.pid = max(kill.before, key=lambda pid: held[pid])
    kill.connections = held[kill.pid]
    kill.moment = time.time()
    os.kill(kill.pid, signal.SIGKILL)
    deadline = time.monotonic() + RESPAWN_TIMEOUT
    while time.monotonic() < deadline:
        now = worker_pids(server.pid)
        if len(now) == workers and kill.pid not in now:
            kill.after = now
            kill.respawn_seconds = round(time.time() - kill.moment, 2)
            return
        time.sleep(0.05)
    kill.after = worker_pids(server.pid)


def run_locust(
    server: Server,
    seconds: int,
    users: int,
    workdir: Path,
    env: dict[str, str],
    kill: Kill | None = None,
    workers: int = 2,
) -> Path:
    """One headless locust run; the path of its events file (one JSON line per request and per journey).

    The figures come from the events file, not from locust's CSV: the CSV is written once a second
    and leaves out the last requests, those of the journeys that finish after the run time.
    """
    workdir.mkdir(exist_ok=True)
    events = workdir / "events.jsonl"
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        server.origin,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",  # users finish the journey they are in
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    locust_env = {**env, "LOAD_EVENTS": str(events)}
    output = workdir / "locust.out"
    with output.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=locust_env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + seconds + MARGIN
    try:
        if kill is not None:
            first = _first_event_time(events, deadline)
            if first is None:
                raise RuntimeError("locust made no request")
            time.sleep(max(0.0, first + kill.at - time.time()))
            _kill_worker(server, kill, workers)
        process.wait(timeout=max(1.0, deadline - time.monotonic()))
    except BaseException:
        process.kill()
        process.wait()
        raise
    if not events.exists():
        text = output.read_text(errors="replace")
        raise RuntimeError(f"locust made no request (exit {process.returncode}):\n{text[-3000:]}")
    return events


def read_events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open() as handle:
        return [json.loads(line) for line in handle if line.endswith("\n")]


def server_log_errors(log: str, killed_pid: int | None) -> list[str]:
    """Lines logged at ERROR or above (or tracebacks), except gunicorn's line for the worker we killed."""
    found = []
    for line in log.splitlines():
        if not ERROR_LINE.search(line):
            continue
        kill = KILL_LINE.search(line)
        if kill and killed_pid is not None and int(kill.group(1)) == killed_pid:
            continue
        found.append(line.strip()[:300])
    return found


def run(
    seconds: int = 60,
    users: int = 32,
    workers: int = 2,
    threads: int = 4,
    knowledge_dir: str | None = None,
    warmup: int = 10,
    tls: bool = False,
    kill_worker_at: float | None = None,
    expensive_share: float = 0.1,
    keep: Path | None = None,
) -> LoadFigures:
    """One load run; `keep` is a folder to leave the logs, statistics and events in (else a temporary one)."""
    if kill_worker_at is not None and not 0 < kill_worker_at < seconds:
        raise ValueError("--kill-worker-at must fall inside the run")
    env = {
        **os.environ,
        "PATHWAY_ENV": "production",
        "PATHWAY_SECRET_KEY": secrets.token_hex(32),
        "PATHWAY_TRUSTED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
        "LOAD_EXPENSIVE_SHARE": str(expensive_share),
    }
    if knowledge_dir:
        env["PATHWAY_KNOWLEDGE_DIR"] = knowledge_dir
    kill = Kill(kill_worker_at) if kill_worker_at is not None else None
    with tempfile.TemporaryDirectory(prefix="pathway-load-") as tmp:
        workdir = Path(keep or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        server = Server(workdir, workers, threads, env, tls)
        try:
            boot = server_rss_mib(server.pid)
            warm_up(server)
            if warmup:  # journeys not counted: every worker thread builds its engines and the caches fill
                run_locust(server, warmup, users, workdir / "warmup", env)
            start = server_rss_mib(server.pid)
            access_offset = server.access_log.stat().st_size if server.access_log.exists() else 0
            events_file = run_locust(server, seconds, users, workdir / "run", env, kill, workers)
            end = server_rss_mib(server.pid)
            server.check_running()
            probe_offset = server.access_log.stat().st_size
            if kill is not None:
                for _ in range(PROBES):  # urllib opens a new connection each time
                    server.get("/")
        finally:
            server.stop()
        log = server.error_log.read_text(errors="replace")
        with server.access_log.open(errors="replace") as handle:
            handle.seek(access_offset)
            access = handle.read(probe_offset - access_offset)
            probes = handle.read()
        events = read_events(events_file)
    figures = figures_of(seconds, warmup, users, workers, threads, tls, events, kill, log, access, boot, start, end)
    if kill is not None:
        new_pids = {f"<{p}>" for p in kill.after if p not in kill.before}
        figures.probes_served_by_new_worker = sum(
            1 for line in probes.splitlines() if line.split(" ", 1)[0] in new_pids
        )
    return figures


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def figures_of(
    seconds, warmup, users, workers, threads, tls, events, kill, log, access, boot, start, end
) -> LoadFigures:
    requests = [e for e in events if "status" in e and e["status"] != -1]  # -1: a journey check, not a request
    failed = [e for e in events if e.get("error")]
    first = min((e["t"] for e in requests), default=0.0)
    in_run = sum(1 for e in requests if e["t"] < first + seconds)
    times = [e["ms"] for e in requests]
    failures = Counter(f"{e['method']} {e['name']}: {e['error']}" for e in failed)
    busy = [e for e in requests if e.get("busy")]
    journeys = [e for e in events if e.get("journey") == "complete"]
    abandoned = [e for e in events if e.get("journey") == "abandoned-busy"]
    statuses = re.findall(r'^<\d+> ".*" (\d{3})$', access, re.M)
    figures = LoadFigures(
        seconds=seconds,
        warmup=warmup,
        users=users,
        workers=workers,
        threads=threads,
        tls=tls,
        requests=len(requests),
        requests_per_second=round(in_run / seconds, 1),
        p50_ms=round(percentile(times, 0.50), 1),
        p99_ms=round(percentile(times, 0.99), 1),
        errors=len(failed),
        busy_503=len(busy),
        journeys=len(journeys),
        journeys_abandoned_busy=len(abandoned),
        memory_boot_mib=round(boot, 1),
        memory_start_mib=round(start, 1),
        memory_end_mib=round(end, 1),
        server_errors_logged=server_log_errors(log, kill.pid if kill else None),
        server_5xx_logged=sum(1 for s in statuses if s.startswith("5") and s != "503"),
        failures=[f"{count}x {what}" for what, count in failures.most_common()],
    )
    if kill is None:
        figures.errors_outside_kill = len(failed)
        return figures

    def ends(e: dict) -> float:
        return e["t"] + e["ms"] / 1000

    window_end = kill.moment + KILL_WINDOW
    at_kill = [e for e in failed if e.get("transport") and kill.moment <= ends(e) <= window_end]
    after = [e for e in requests if e["t"] > window_end]
    new_pids = {f"<{p}>" for p in kill.after if p not in kill.before}
    figures.kill_at = kill.at
    figures.kill_logged = any(int(pid) == kill.pid for pid in KILL_LINE.findall(log))
    figures.killed_pid = kill.pid
    figures.killed_worker_connections = kill.connections
    figures.worker_pids_before = kill.before
    figures.worker_pids_after = kill.after
    figures.respawn_seconds = kill.respawn_seconds
    figures.errors_at_kill = len(at_kill)
    figures.errors_outside_kill = len(failed) - len(at_kill)
    figures.requests_after_kill_window = len(after)
    figures.failures_after_kill_window = sum(1 for e in failed if e["t"] > window_end)
    figures.journeys_after_kill_window = sum(1 for e in journeys if e["t"] > window_end)
    figures.requests_served_by_new_worker = sum(1 for line in access.splitlines() if line.split(" ", 1)[0] in new_pids)
    return figures


def report(figures: LoadFigures) -> str:
    f = figures
    scheme = "HTTPS" if f.tls else "plain HTTP"
    lines = [
        f"{f.seconds} s over {scheme} (after {f.warmup} s warm-up), {f.users} users, "
        f"gunicorn gthread {f.workers} workers x {f.threads} threads",
        f"  requests: {f.requests} ({f.journeys} complete journeys), {f.requests_per_second} requests/s",
        f"  latency p50: {f.p50_ms:.0f} ms, p99: {f.p99_ms:.0f} ms",
        f"  errors: {f.errors} (at the kill: {f.errors_at_kill}, outside it: {f.errors_outside_kill})",
        f"  503 busy (expensive pages, retried): {f.busy_503}; journeys given up while busy: {f.journeys_abandoned_busy}",
        f"  server memory (RSS, master + workers): boot {f.memory_boot_mib} MiB, "
        f"start {f.memory_start_mib} MiB, end {f.memory_end_mib} MiB",
        f"  server log: {len(f.server_errors_logged)} lines at ERROR besides the kill, "
        f"{f.server_5xx_logged} 5xx other than 503",
    ]
    if f.killed_pid is not None:
        lines += [
            f"  kill at {f.kill_at} s: SIGKILL to worker {f.killed_pid} holding {f.killed_worker_connections} "
            f"connections; workers before {f.worker_pids_before}, after {f.worker_pids_after} "
            f"(replacement forked after {f.respawn_seconds} s)",
            f"  after the kill (+{KILL_WINDOW:.0f} s): {f.requests_after_kill_window} requests, "
            f"{f.failures_after_kill_window} failed, {f.journeys_after_kill_window} journeys completed; "
            f"the new worker served {f.requests_served_by_new_worker} requests "
            f"(users keep their connections) and {f.probes_served_by_new_worker} of {PROBES} fresh connections after the run",
        ]
    lines += [f"  failure: {failure}" for failure in f.failures]
    lines += [f"  server error: {line}" for line in f.server_errors_logged]
    return "\n".join(lines)


def healthy(figures: LoadFigures) -> bool:
    """No error other than the kill's (bounded by the connections the killed worker held), nothing logged."""
    kill_bound = figures.killed_worker_connections or 0
    return (
        figures.journeys > 0
        and figures.errors_outside_kill == 0
        and figures.errors_at_kill <= kill_bound
        and not figures.server_errors_logged
        and figures.server_5xx_logged == 0
        and (
            figures.killed_pid is None
            or (figures.requests_after_kill_window > 0 and not figures.failures_after_kill_window)
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=10, help="seconds of uncounted journeys before measuring")
    parser.add_argument("--tls", action="store_true", help="HTTPS with a certificate made for the run")
    parser.add_argument(
        "--kill-worker-at", type=float, default=None, metavar="SECONDS", help="SIGKILL one worker this far into the run"
    )
    parser.add_argument(
        "--expensive-share",
        type=float,
        default=0.1,
        help="share of journeys that open the tree file and what would change",
    )
    parser.add_argument("--knowledge", default=None, help="knowledge folder (default: the built-in one)")
    parser.add_argument("--keep", type=Path, default=None, help="leave logs, statistics and events in this folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = run(
        args.seconds,
        args.users,
        args.workers,
        args.threads,
        args.knowledge,
        args.warmup,
        args.tls,
        args.kill_worker_at,
        args.expensive_share,
        args.keep,
    )
    print(json.dumps(asdict(figures), indent=2) if args.json else report(figures))
    sys.exit(0 if healthy(figures) else 1)


if __name__ == "__main__":
    main()
