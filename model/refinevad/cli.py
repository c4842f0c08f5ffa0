"""What every command-line tool shares: threads, progress lines on stderr, one JSON result line on stdout, and
clear one-line errors (exit code 2) instead of tracebacks for bad input."""
from __future__ import annotations

import json
import os
import sys
import time
from typing import Callable

import torch

from .config import ConfigError
from .data import DataError


class ToolError(ValueError):
    """The tool cannot do what was asked; the message says why."""


class UsageError(ToolError):
    """A bad command-line value or a missing input; the message says what was wrong and what is allowed."""


def configure_threads() -> None:
    # Debian's torch starts with one thread; all cores matter for training and export checks.
    threads = int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1))
    torch.set_num_threads(max(1, threads))


class Progress:
    """Progress lines on stderr with elapsed time, so that long work shows it is alive and stdout stays JSON."""

    def __init__(self, tool: str):
        self.tool = tool
        self.start = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{self.tool} {time.monotonic() - self.start:7.1f}s] {message}", file=sys.stderr, flush=True)

    def elapsed(self) -> float:
        return time.monotonic() - self.start


def run(tool: str, main: Callable[[Progress], dict]) -> None:
    configure_threads()
    progress = Progress(tool)
    try:
        result = main(progress)
    except (DataError, ConfigError, ToolError) as e:
        print(f"{tool}: error: {e}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(result, sort_keys=True))
