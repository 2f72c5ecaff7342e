"""The load test's short form in CI: 10 s of complete journeys over HTTPS, one gunicorn worker killed
midway; and the accounting of tests/load/run.py checked on made-up logs and events.

No timing is asserted (CI machines vary): performance is reported (`make load` runs the 60-second
form and prints the figures), not asserted. What is asserted: journeys complete; no request fails
except at the kill, where only the requests on the connections the killed worker held may fail
(each such connection loses at most the one request on it: POSTs are not retried on a closed
connection, as a browser may not either); gunicorn replaced the worker and every request after
the kill succeeded; nothing was logged at ERROR except gunicorn's line for the worker we killed.
"""

from __future__ import annotations

import pytest

from .run import KILL_WINDOW, Kill, figures_of, healthy, run, server_log_errors

MEMORY_GROWTH_BOUND_MIB = 400  # the per-thread engines and caches are bounded well below this
USERS = 16


@pytest.mark.load
def test_journeys_over_https_survive_a_killed_worker():
    figures = run(seconds=10, users=USERS, workers=2, threads=4, warmup=2, tls=True, kill_worker_at=4)
    print(f"\nload (short form): {figures}")
    assert figures.tls
    assert figures.journeys > 0
    assert figures.errors_outside_kill == 0, figures.failures
    # The kill was real: a worker holding connections died, gunicorn said so (at ERROR), and replaced it.
    assert figures.killed_worker_connections > 0
    assert figures.kill_logged
    assert figures.killed_pid in figures.worker_pids_before
    assert figures.killed_pid not in figures.worker_pids_after
    assert len(figures.worker_pids_after) == 2
    # Only the requests on the killed worker's connections may fail, one per connection at most.
    assert figures.errors_at_kill <= figures.killed_worker_connections <= USERS, figures.failures
    # The server recovered: requests and whole journeys after the kill, none failed.
    assert figures.requests_after_kill_window > 0
    assert figures.failures_after_kill_window == 0
    assert figures.journeys_after_kill_window > 0
    assert figures.server_errors_logged == []
    assert figures.server_5xx_logged == 0
    assert figures.memory_end_mib - figures.memory_start_mib < MEMORY_GROWTH_BOUND_MIB
    assert healthy(figures)


GUNICORN_LOG = """\
[2026-03-01 12:00:00 +0000] [100] [INFO] Booting worker with pid: 101
[2026-03-01 12:00:04 +0000] [100] [ERROR] Worker (pid:101) was sent SIGKILL! Perhaps out of memory?
[2026-03-01 12:00:04 +0000] [100] [INFO] Booting worker with pid: 103
"""


def test_only_the_killed_workers_line_is_forgiven():
    assert server_log_errors(GUNICORN_LOG, killed_pid=101) == []
    assert len(server_log_errors(GUNICORN_LOG, killed_pid=None)) == 1  # no kill: the line counts
    other = GUNICORN_LOG.replace("pid:101", "pid:102")  # a worker we did not kill died
    assert len(server_log_errors(other, killed_pid=101)) == 1
    flask = "[2026-03-01 12:00:05,000] ERROR in app: Exception on /step/3 [POST]\nTraceback (most recent call last):\n"
    assert len(server_log_errors(GUNICORN_LOG + flask, killed_pid=101)) == 2
    critical = "[2026-03-01 12:00:06 +0000] [100] [CRITICAL] WORKER TIMEOUT (pid:103)\n"
    assert len(server_log_errors(critical, killed_pid=101)) == 1


def test_only_transport_failures_just_after_the_kill_are_the_kills():
    kill = Kill(at=4, moment=1000.0, pid=101, connections=3, before=[101, 102], after=[102, 103])

    def request(t, status=200, error=None, ms=10, transport=None):
        return {
            "t": t,
            "ms": ms,
            "method": "POST",
            "name": "/step/[n]",
            "status": status,
            "error": error,
            "transport": (error is not None and status == 0) if transport is None else transport,
            "busy": False,
        }

    events = [
        request(990),
        request(999.9, status=0, error="connection closed", ms=200),  # in flight at the kill
        request(1000.5, status=0, error="connection closed"),  # sent on a dead connection
        request(1000.7, error="Incomplete response", transport=True),  # a response cut short
        request(1000.6, status=400, error="status 400"),  # not the kill's: a real error
        request(999.0, status=0, error="connection refused"),  # before the kill: not the kill's
        request(1000 + KILL_WINDOW + 1, status=0, error="connection closed"),  # too late to be the kill's
        request(1000 + KILL_WINDOW + 2),
        {**request(1000 + KILL_WINDOW + 2.5, status=-1, error="no question form"), "method": "JOURNEY"},
        {"t": 1000 + KILL_WINDOW + 3, "journey": "complete"},
    ]
    access = '<101> "GET / HTTP/1.1" 200\n<103> "GET / HTTP/1.1" 200\n<103> "GET /x HTTP/1.1" 500\n'
    figures = figures_of(10, 0, 2, 2, 4, True, events, kill, GUNICORN_LOG, access, 1.0, 1.0, 1.0)
    assert figures.requests == 8
    assert figures.errors == 7
    assert figures.errors_at_kill == 3
    assert figures.errors_outside_kill == 4
    assert figures.requests_after_kill_window == 2
    assert figures.failures_after_kill_window == 2
    assert figures.journeys_after_kill_window == 1
    assert figures.requests_served_by_new_worker == 2
    assert figures.server_5xx_logged == 1
    assert figures.kill_logged
    assert not healthy(figures)
