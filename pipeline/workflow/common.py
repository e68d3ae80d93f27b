"""What every command shares: the progress lines. Standard library only: the command line imports it."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def count_text(n: int) -> str:
    """A count as the Dutch write it: 1.032."""
    return f"{n:,}".replace(",", ".")


@dataclass
class Reporter:
    """One line per stage on stderr, with its row counts and seconds."""

    quiet: bool = False

    def stage(self, name: str, work: Callable[[], T], summary: Callable[[T], str]) -> T:
        began = time.perf_counter()
        result = work()
        if not self.quiet:
            seconds = time.perf_counter() - began
            self.say(f"{name:<9} {summary(result)} ({f'{seconds:.2f}'.replace('.', ',')} s)")
        return result

    def say(self, line: str) -> None:
        """A progress line; a closed pipe (`... 2>&1 | head -1`) silences the rest, it never stops the run."""
        if self.quiet:
            return
        try:
            print(line, file=sys.stderr, flush=True)
        except BrokenPipeError:
            self.quiet = True
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stderr.fileno())  # nothing more reaches the closed pipe, not even at exit
