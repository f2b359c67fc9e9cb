"""Shared fixtures: the knowledge base, the real corpus beside the repository, a CLI runner."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from geobrief.kb.loader import KnowledgeBase, load

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("GEOBRIEF_CORPUS", ROOT.parent / "shared" / "corpus"))
EXAMPLES = ROOT / "examples"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


def corpus_file(prefix: str) -> Path:
    """The corpus article whose file name starts with ``prefix`` (e.g. "07_")."""
    found = [p for p in corpus_files() if p.name.startswith(prefix)]
    if not found:
        pytest.skip(f"corpus article {prefix}* not found in {CORPUS}")
    return found[0]


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh store for each test, also set as GEOBRIEF_DB so nothing touches the user's own."""
    path = tmp_path / "store.db"
    monkeypatch.setenv("GEOBRIEF_DB", str(path))
    return path


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run(db: Path) -> Callable[..., Result]:
    """Run the CLI's ``main`` in this process, capturing output and exit code."""
    from geobrief.cli import main

    def _run(*args: str) -> Result:
        out, err = io.StringIO(), io.StringIO()
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                code = int(exc.code or 0)
        return Result(code, out.getvalue(), err.getvalue())

    return _run


@pytest.fixture
def run_process(db: Path) -> Callable[..., Result]:
    """Run ``python -m geobrief`` in a new process, as a user's shell would."""

    def _run(*args: str, stdin: bytes | None = None) -> Result:
        proc = subprocess.run(
            [sys.executable, "-m", "geobrief", *args], input=stdin, capture_output=True, timeout=120, check=False
        )
        return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))

    return _run
