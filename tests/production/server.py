"""The app as production runs it: gunicorn over TLS, `PATHWAY_ENV=production`, a fresh secret key.

`ProductionServer` starts the documented command

    gunicorn 'web:create_app()' -k gthread -w 2 --threads 4 --certfile CERT --keyfile KEY \
        -b 127.0.0.1:PORT --access-logfile FILE --error-logfile FILE

with a certificate made at test time, `PATHWAY_TRUSTED_HOSTS=127.0.0.1,localhost`, `TMPDIR` an
empty folder the server must never write to, its working directory a fresh empty folder (the
app is found through `PYTHONPATH`, so nothing of the repository is the server's cwd) and HOME a
folder of its own. Every wait is bounded; the server is stopped by its process id, and every
worker it had is checked gone.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import ssl
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from tests.tls_certificate import make_certificate

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
HOST = "127.0.0.1"
WORKERS = 2
THREADS = 4
BOOT_TIMEOUT = 90  # seconds for gunicorn to answer (two workers each load the knowledge base)
STOP_TIMEOUT = 20  # seconds for a graceful stop before the processes are killed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class ProductionServer:
    """gunicorn over TLS in production mode, in folders of its own under `base`."""

    base: Path
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    seen: dict[int, psutil.Process] = field(default_factory=dict)  # every server process ever seen, by pid

    def __post_init__(self) -> None:
        self.certs = self.base / "certs"
        self.tmpdir = self.base / "server-tmp"  # TMPDIR: must stay empty
        self.cwd = self.base / "server-cwd"  # the server's working directory: must stay empty
        self.logs = self.base / "logs"
        # HOME: gunicorn (>= 25) puts its control socket under ~/.gunicorn; a home of its own keeps
        # servers run side by side (other test sessions, the load test) from taking each other's.
        self.home = self.base / "server-home"
        for folder in (self.certs, self.tmpdir, self.cwd, self.logs, self.home):
            folder.mkdir(parents=True)
        self.cert, self.key = make_certificate(self.certs)
        self.access_log = self.logs / "access.log"
        self.error_log = self.logs / "error.log"
        self.output_log = self.logs / "stdout-stderr.log"  # anything printed outside the log files
        self.url = f"https://{HOST}:{self.port}"
        self.origin = self.url

    # --- start and stop ---------------------------------------------------------------------

    def command(self) -> list[str]:
        return [
            str(GUNICORN),
            "web:create_app()",
            "-k",
            "gthread",
            "-w",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--certfile",
            str(self.cert),
            "--keyfile",
            str(self.key),
            "-b",
            f"{HOST}:{self.port}",
            "--access-logfile",
            str(self.access_log),
            "--error-logfile",
            str(self.error_log),
        ]

    def environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            # nothing of the caller's configuration leaks in: the server gets exactly what production gets
            if not key.startswith(("PATHWAY_", "GUNICORN_", "FLASK_")) and key not in ("SECRET_KEY", "TEMP", "TMP")
        }
        env.update(
            {
                "PATHWAY_ENV": "production",
                "PATHWAY_SECRET_KEY": self.secret_key,
                "PATHWAY_TRUSTED_HOSTS": "127.0.0.1,localhost",
                "TMPDIR": str(self.tmpdir),
                "HOME": str(self.home),
                "PYTHONPATH": str(ROOT),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        return env

    def start(self) -> ProductionServer:
        output = self.output_log.open("wb")
        try:
            self.process = subprocess.Popen(
                self.command(), cwd=self.cwd, env=self.environment(), stdout=output, stderr=subprocess.STDOUT
            )
        finally:
            output.close()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + BOOT_TIMEOUT
        answered = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with status {self.process.returncode}:\n{self.startup_output()[-4000:]}"
                )
            self.remember_workers()
            try:
                status, _, _ = self.get("/api/v1/knowledge/version", timeout=5)
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
                continue
            if status == 200:
                answered += 1
            # both workers booted, and a few answers in a row (each worker loads the app itself)
            if answered >= 3 and len(self.workers()) == WORKERS:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {BOOT_TIMEOUT} s:\n{self.startup_output()[-4000:]}")

    def startup_output(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in (self.output_log, self.error_log) if path.exists()
        )

    def stop(self) -> None:
        """SIGTERM to the master (bounded), then SIGKILL to whatever of the server is left, by pid."""
        process = self.process
        if process is None:
            return
        self.remember_workers()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT)
        deadline = time.monotonic() + STOP_TIMEOUT
        for proc in self.seen.values():
            while _alive(proc) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(proc):
                proc.kill()  # psutil checks the process is the one seen (pid and start time)
        left = [proc.pid for proc in self.seen.values() if _alive(proc)]
        assert not left, f"gunicorn processes still running after stop: {left}"

    # --- looking at the running server --------------------------------------------------------

    def master(self) -> psutil.Process:
        assert self.process is not None
        return psutil.Process(self.process.pid)

    def workers(self) -> list[psutil.Process]:
        try:
            return self.master().children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def remember_workers(self) -> None:
        if self.process is not None and self.process.pid not in self.seen:
            try:
                self.seen[self.process.pid] = self.master()
            except psutil.NoSuchProcess:
                return
        for proc in self.workers():
            self.seen.setdefault(proc.pid, proc)

    def processes(self) -> list[psutil.Process]:
        """The master and every worker now running."""
        self.remember_workers()
        return [self.master(), *self.workers()]

    def open_files(self) -> Iterator[tuple[int, str, bytes]]:
        """(pid, path, content) of every regular file a server process has open now.

        psutil's `open_files()` lists them by path; a file deleted while open (a spooled upload,
        a temporary file) has no path left to read, so each file is also read through its
        descriptor in /proc, which reaches deleted files too.
        """
        for proc in self.processes():
            try:
                listed = {f.fd: f.path for f in proc.open_files()}
                fds = os.listdir(f"/proc/{proc.pid}/fd")
            except (psutil.NoSuchProcess, FileNotFoundError):
                continue
            for fd_name in fds:
                link = f"/proc/{proc.pid}/fd/{fd_name}"
                try:
                    if not stat.S_ISREG(os.stat(link).st_mode):
                        continue
                    target = listed.get(int(fd_name)) or os.readlink(link)
                    with open(link, "rb") as handle:
                        content = handle.read(64 * 2**20)
                except (FileNotFoundError, PermissionError, ProcessLookupError):
                    continue  # closed meanwhile
                yield proc.pid, target, content

    def files_under(self, folder: Path) -> list[Path]:
        return sorted(path for path in folder.rglob("*"))

    def log_text(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")
            for path in (self.access_log, self.error_log, self.output_log)
            if path.exists()
        )

    # --- an HTTPS client that checks the certificate -------------------------------------------

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def get(self, path: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=self.ssl_context()) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
