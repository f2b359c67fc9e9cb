"""Every ingest test talks to files or local servers: none may hang."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _deadline() -> Iterator[None]:
    def expired(*_: object) -> None:
        raise TimeoutError("test took longer than 30 s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, 30)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, old)
