"""Scenario 5: a 1 GiB body streamed to a file: MB/s and peak RSS growth.

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
import statistics
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks._children import (
    MIB,
    interleave_children,
    prime,
    run_child,
    timed_with_peak_rss,
)
from benchmarks._harness import OPENAI, PLAIN, SDKCORE, Row, Settings, median_ratio, spread_note

if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "download"
#: Peak RSS growth sdkcore must stay under while streaming to a file.
RSS_BOUND = 2 * MIB


def run(settings: Settings) -> list[Row]:
    """Interleave the three contenders, each download in a fresh process."""
    size = 256 * MIB if settings.quick else 1024 * MIB
    prime(settings.download_dir, size)

    def one(name: str) -> dict[str, Any]:
        # Untimed: flush the previous download's dirty pages, so that their writeback
        # does not slow down whoever runs next (a no-op on tmpfs).
        os.sync()
        args = [name, settings.base_url, str(size), str(settings.download_dir)]
        return run_child("benchmarks.download", args)

    results = interleave_children([SDKCORE, OPENAI, PLAIN], settings.rounds, one)
    seconds = {name: [x["seconds"] for x in runs] for name, runs in results.items()}
    growth = {name: max(x["rss_growth"] for x in runs) for name, runs in results.items()}
    # 1.03x (1,155 / 1,124 ms) and 0.97x: RESULTS.md before this run.
    row = Row(
        f"5 stream_to_file {size // MIB:,} MiB",
        {name: statistics.median(ts) for name, ts in seconds.items()},
        vs_openai=median_ratio(seconds, OPENAI, SDKCORE),
        vs_peer=median_ratio(seconds, PLAIN, SDKCORE),
        peer=PLAIN,
        target_openai=1.03,
        target_peer=0.97,
    )
    row.notes.append(
        "per-round ratios "
        + "; ".join(spread_note(seconds, other, SDKCORE) for other in (OPENAI, PLAIN))
    )
    mbps = {name: size / MIB / t for name, t in row.times.items()}
    row.notes.append("MiB/s: " + ", ".join(f"{name} {value:,.0f}" for name, value in mbps.items()))
    row.notes.append(
        "peak RSS growth (max of rounds): "
        + ", ".join(f"{name} {value / MIB:.2f} MiB" for name, value in growth.items())
        + f"; sdkcore < {RSS_BOUND // MIB} MiB: "
        + ("yes" if growth[SDKCORE] < RSS_BOUND else "NO")
    )
    row.checks.append(growth[SDKCORE] < RSS_BOUND)
    row.notes.append(f"files written to {settings.download_dir}")
    return [row]


# -- the child process ----------------------------------------------------------


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
    path = directory / f"sdkcore-bench-{name.split()[0]}-{os.getpid()}.bin"
    try:
        download(4 * MIB, path)  # warm-up: imports, connection, buffers
        result = timed_with_peak_rss(lambda: download(size, path))
        if path.stat().st_size != size:
            raise RuntimeError(f"wrote {path.stat().st_size} bytes, expected {size}")
    finally:
        path.unlink(missing_ok=True)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", nargs=4, metavar=("NAME", "URL", "SIZE", "DIR"), required=True)
    args = parser.parse_args()
    name, base_url, size, directory = args.child
    child_main(name, base_url, int(size), Path(directory))


if __name__ == "__main__":
    main()
