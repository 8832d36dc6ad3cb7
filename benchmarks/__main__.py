"""Run the benchmark scenarios: ``python -m benchmarks [--quick] [--only NAME ...]``.

Each scenario runs sdkcore, the OpenAI SDK's runtime (used as a generic client),
hand-written peers (httpx2's ``EventSource``, ``httpx-sse``, plain httpx2 with
pydantic) and a floor that only reads the bytes, against one local server
process, interleaved over ``--rounds`` repetitions, and reports the median of
the per-round time ratios. See benchmarks/RESULTS.md for the latest figures.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx2
import openai
import pydantic
import pydantic_core

import sdkcore
from benchmarks import (
    async_fanout,
    download,
    overhead,
    pagination,
    raw_requests,
    sse_decode,
    typed_sse,
    upload,
)
from benchmarks._harness import Row, Settings, guarded, server_process
from benchmarks._report import report

if TYPE_CHECKING:
    from types import ModuleType

SCENARIOS: dict[str, ModuleType] = {
    module.NAME: module
    for module in (
        typed_sse,
        async_fanout,
        sse_decode,
        raw_requests,
        download,
        pagination,
        upload,
        overhead,
    )
}


def _default_download_dir() -> Path:
    # tmpfs measures the client, not the disk (which on a shared VM is the slowest
    # and noisiest part); pass --download-dir to include a real filesystem.
    shm = Path("/dev/shm")
    return shm if shm.is_dir() else Path(tempfile.gettempdir())


def environment() -> list[str]:
    """Lines naming the machine and the library versions."""
    from importlib.metadata import version

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"machine: {platform.machine()}, {cpus} CPUs, {platform.system()} {platform.release()}",
        f"python: {platform.python_version()} ({platform.python_implementation()})",
        f"sdkcore {sdkcore.__version__}, openai {openai.__version__}, httpx2 {httpx2.__version__}, "
        f"pydantic {pydantic.VERSION}, pydantic-core {pydantic_core.__version__}, "
        f"httpx-sse {version('httpx-sse')}, aiohttp {version('aiohttp')}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller workloads")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(SCENARIOS),
        metavar="NAME",
        help=f"run only this scenario (repeatable): {', '.join(SCENARIOS)}",
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--download-dir", type=Path, default=_default_download_dir())
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    chosen = args.only or list(SCENARIOS)
    started = time.perf_counter()
    rows: list[Row] = []
    with server_process() as base_url:
        settings = Settings(base_url, args.quick, args.rounds, args.download_dir)
        for name in chosen:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            rows += guarded(name, functools.partial(SCENARIOS[name].run, settings))
    print("\n".join(environment()))
    print(
        f"rounds: {args.rounds}{' (quick)' if args.quick else ''}; "
        f"total {time.perf_counter() - started:,.0f} s\n"
    )
    print(report(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
