"""The load test's short form in CI: 5 s of complete journeys, 32 users, under gunicorn on loopback.

No timing is asserted (CI machines vary); only that nothing failed and the server's memory did
not grow beyond a generous bound. `make load` runs the 30-second form and prints the figures.
"""

from __future__ import annotations

import pytest

from .run import run

MEMORY_GROWTH_BOUND_MIB = 400  # the assessment memo and per-thread engines are bounded well below this


@pytest.mark.load
def test_complete_journeys_under_load_lose_nothing():
    figures = run(seconds=5, users=32, workers=2, threads=8, warmup=3)
    print(f"\nload (short form): {figures}")
    assert figures.journeys > 0
    assert figures.errors == 0, figures.failures
    assert figures.server_errors_logged == 0
    assert figures.memory_end_mib - figures.memory_start_mib < MEMORY_GROWTH_BOUND_MIB
