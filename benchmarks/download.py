"""Scenario 4: a 1 GiB body streamed to a file: MB/s and peak RSS growth.

Every download runs in a fresh process (``python -m benchmarks.download --child``)
so that its peak RSS says something: the child imports everything, warms the
code path up with a small download, resets its peak-RSS counter
(``/proc/self/clear_refs``), downloads, and reports ``VmHWM`` minus the RSS it
had before the download.

sdkcore: ``to_custom_streamed_response_wrapper(files.content,
StreamedBinaryAPIResponse)`` then ``stream_to_file``; openai: its
``to_custom_streamed_response_wrapper`` with openai's ``StreamedBinaryAPIResponse``
(what ``client.files.with_streaming_response.content`` uses); httpx2 (no SDK):
``Client.stream`` + ``iter_bytes`` into ``open(path, "wb")``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks._harness import HTTPX2, OPENAI, ROOT, SDKCORE, Row, Settings, progress

if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "download"
MIB = 1_048_576


def run(settings: Settings) -> list[Row]:
    """Interleave the three contenders, each download in a fresh process."""
    size = 256 * MIB if settings.quick else 1024 * MIB
    results: dict[str, list[dict[str, float]]] = {SDKCORE: [], OPENAI: [], HTTPX2: []}
    names = list(results)
    _prime(settings.download_dir, size)
    for r in range(settings.rounds):
        for name in names[r % 3 :] + names[: r % 3]:
            results[name].append(_child(name, settings, size))
        progress(f"download round {r + 1}/{settings.rounds}")
    seconds = {name: [x["seconds"] for x in runs] for name, runs in results.items()}
    growth = {name: max(x["rss_growth"] for x in runs) / MIB for name, runs in results.items()}
    mbps = {name: size / MIB / statistics.median(ts) for name, ts in seconds.items()}
    vs_plain = statistics.median(
        p / s for p, s in zip(seconds[HTTPX2], seconds[SDKCORE], strict=True)
    )
    vs_openai = statistics.median(
        o / s for o, s in zip(seconds[OPENAI], seconds[SDKCORE], strict=True)
    )
    row = Row(
        f"4 stream_to_file {size // MIB:,} MiB",
        {name: statistics.median(ts) for name, ts in seconds.items()},
        vs_plain,
        0.95,
        vs_plain,
        ratio_of="httpx2/sdkcore",
    )
    row.notes.append("MiB/s: " + ", ".join(f"{name} {value:,.0f}" for name, value in mbps.items()))
    row.notes.append(f"openai/sdkcore time {vs_openai:.2f}x")
    row.notes.append(
        "peak RSS growth (max of rounds): "
        + ", ".join(f"{name} {value:.2f} MiB" for name, value in growth.items())
        + (" -- sdkcore < 2 MiB: " + ("yes" if growth[SDKCORE] < 2 else "NO"))
    )
    row.checks.append(growth[SDKCORE] < 2)
    row.notes.append(f"files written to {settings.download_dir}")
    return [row]


def _prime(directory: Path, size: int) -> None:
    # The first write of fresh memory (page cache or tmpfs) is several times
    # slower on a VM whose host maps guest pages lazily; write once, untimed, so
    # that the contender that happens to go first is not penalised.
    path = directory / f"sdkcore-bench-prime-{os.getpid()}.bin"
    block = bytes(MIB)
    try:
        with path.open("wb") as out:
            for _ in range(size // MIB):
                out.write(block)
    finally:
        path.unlink(missing_ok=True)


def _child(name: str, settings: Settings, size: int) -> dict[str, float]:
    # Untimed: flush the previous download's dirty pages, so that their writeback
    # does not slow down whoever runs next (a no-op on tmpfs).
    os.sync()
    command = [sys.executable, "-m", "benchmarks.download", "--child", name]
    command += [settings.base_url, str(size), str(settings.download_dir)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"download child {name} failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the child process ----------------------------------------------------------


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _downloader(name: str, base_url: str) -> Callable[[int, Path], None]:
    if name == SDKCORE:
        return _sdkcore_downloader(base_url)
    if name == OPENAI:
        return _openai_downloader(base_url)
    return _httpx2_downloader(base_url)


def _sdkcore_downloader(base_url: str) -> Callable[[int, Path], None]:
    import sdkcore

    client = sdkcore.SyncAPIClient(base_url, max_retries=0)

    class Files(sdkcore.SyncAPIResource):
        def content(self, size: int, *, extra_headers: dict[str, str] | None = None) -> Any:
            options = sdkcore.make_request_options(extra_headers=extra_headers)
            return self._get(f"/bytes?size={size}", cast_to=bytes, options=options)

    content = sdkcore.to_custom_streamed_response_wrapper(
        Files(client).content, sdkcore.StreamedBinaryAPIResponse
    )

    def download(size: int, path: Path) -> None:
        with content(size) as response:
            response.stream_to_file(path)

    return download


def _openai_downloader(base_url: str) -> Callable[[int, Path], None]:
    import openai
    from openai import _legacy_response, _response
    from openai._base_client import make_request_options

    client = openai.OpenAI(base_url=base_url, api_key="x", max_retries=0)

    def content(size: int, *, extra_headers: dict[str, str] | None = None) -> Any:
        headers = {"Accept": "application/binary", **(extra_headers or {})}
        return client.get(
            f"/bytes?size={size}",
            cast_to=_legacy_response.HttpxBinaryResponseContent,
            options=make_request_options(extra_headers=headers),
        )

    streamed = _response.to_custom_streamed_response_wrapper(
        content, _response.StreamedBinaryAPIResponse
    )

    def download(size: int, path: Path) -> None:
        with streamed(size) as response:
            response.stream_to_file(path)

    return download


def _httpx2_downloader(base_url: str) -> Callable[[int, Path], None]:
    import httpx2

    client = httpx2.Client(base_url=base_url)

    def download(size: int, path: Path) -> None:
        with client.stream("GET", f"/bytes?size={size}") as response, path.open("wb") as out:
            for chunk in response.iter_bytes():
                out.write(chunk)

    return download


def child_main(name: str, base_url: str, size: int, directory: Path) -> None:
    """Download once (after a warm-up) and print ``{"seconds", "rss_growth"}`` as JSON."""
    download = _downloader(name, base_url)
    path = directory / f"sdkcore-bench-{name}-{os.getpid()}.bin"
    try:
        download(4 * MIB, path)  # warm-up: imports, connection, buffers
        before_kib = _status_kib("VmRSS")
        exact = _reset_peak_rss()
        start = time.perf_counter()
        download(size, path)
        seconds = time.perf_counter() - start
        if exact:
            peak_kib = _status_kib("VmHWM")
        else:  # ru_maxrss is KiB on Linux and never resets: an upper bound
            peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if path.stat().st_size != size:
            raise RuntimeError(f"wrote {path.stat().st_size} bytes, expected {size}")
    finally:
        path.unlink(missing_ok=True)
    print(json.dumps({"seconds": seconds, "rss_growth": max(0, peak_kib - before_kib) * 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", nargs=4, metavar=("NAME", "URL", "SIZE", "DIR"), required=True)
    args = parser.parse_args()
    name, base_url, size, directory = args.child
    child_main(name, base_url, int(size), Path(directory))


if __name__ == "__main__":
    main()
