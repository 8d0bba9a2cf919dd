"""How benchmarks measure and report: ``BENCH <name> <figure>=<value> <unit> ...`` lines."""

from __future__ import annotations

import statistics
import time


def bench(name: str, **figures: tuple[float, str]) -> None:
    parts = []
    for figure, (value, unit) in figures.items():
        shown = f"{value:.0f}" if isinstance(value, int) else f"{value:.2f}" if value < 100 else f"{value:.1f}"
        parts.append(f"{figure}={shown} {unit}")
    print(f"BENCH {name} " + " ".join(parts), flush=True)


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    """p50 and p95 of the server's answer time in ms (the test client: no network in between)."""
    client.get(url)  # warm caches and connections
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]
