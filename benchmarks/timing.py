"""The one timing helper: warm-up runs, then repetitions summarised by median and min."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timing:
    """Repeated samples of one quantity, in the unit the sampler returns (seconds or ms)."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    def as_dict(self) -> dict[str, object]:
        return {"median": self.median, "min": self.min, "samples": list(self.samples)}


def collect(sample: Callable[[], float], *, repeat: int, warmup: int = 1) -> Timing:
    """Call `sample` `warmup` times (discarded), then `repeat` times; keep what it returns."""
    return collect_interleaved({"": sample}, repeat=repeat, warmup=warmup)[""]


def collect_interleaved(
    samplers: Mapping[str, Callable[[], float]], *, repeat: int, warmup: int = 1
) -> dict[str, Timing]:
    """Like `collect` for several samplers, taken in turns (round-robin), so that a drift
    of the machine (another process, CPU frequency, page cache) affects all of them
    alike and their ratios stay sound.

    Garbage is collected before each call so one run's leftovers are not charged to the
    next; the collector stays on during the call because the code under test runs with it.
    """
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, got {repeat}")
    samples: dict[str, list[float]] = {name: [] for name in samplers}
    for round_number in range(warmup + repeat):
        for name, sample in samplers.items():
            gc.collect()
            value = sample()
            if round_number >= warmup:
                samples[name].append(value)
    return {name: Timing(tuple(values)) for name, values in samples.items()}


def timed(
    action: Callable[[], object], clock: Callable[[], float] = time.perf_counter
) -> Callable[[], float]:
    """A sampler returning the seconds of one call of `action` by `clock` (wall clock by
    default; `time.process_time` for CPU-bound work on a shared machine, see
    `cpu_timed`)."""

    def sample() -> float:
        started = clock()
        action()
        return clock() - started

    return sample


def cpu_timed(action: Callable[[], object]) -> Callable[[], float]:
    """A sampler returning the CPU seconds this process spends in one call of `action`.

    For single-threaded, CPU-bound work: CPU time leaves out the time other processes
    hold the cores, which on a shared machine swings wall-clock ratios by tens of percent.
    """
    return timed(action, time.process_time)


def measure(action: Callable[[], object], *, repeat: int, warmup: int = 1) -> Timing:
    """Wall-clock seconds of `action`, as `collect` repeats it."""
    return collect(timed(action), repeat=repeat, warmup=warmup)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the baseline is zero (nothing to compare)."""
    return numerator / denominator if denominator else None
