"""Scenario 7: a 256 MiB file uploaded as multipart/form-data: MB/s and peak RSS growth.

Every upload runs in a fresh process (``python -m benchmarks.upload --child``),
like the downloads: the child warms up with a small upload, resets its peak-RSS
counter, uploads, and reports the time and ``VmHWM`` minus its RSS before.

sdkcore: ``client.post("/upload", cast_to=Uploaded, body={...}, files={"file": path})``
(contract section 7: a path is streamed from disk); openai: its runtime's
``post(..., files=[("file", path)])`` with the ``multipart/form-data`` header its
resources set; httpx2 (no SDK): ``Client.post(..., files={"file": open(path, "rb")})``,
which streams the file. Skipped with a note until sdkcore's clients take ``files=``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks._children import MIB, interleave_children, run_child, timed_with_peak_rss
from benchmarks._harness import (
    OPENAI,
    PLAIN,
    SDKCORE,
    Row,
    Settings,
    accepts,
    guarded,
    median_ratio,
    spread_note,
)

if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "upload"
#: Memory growth the contract allows a streamed upload (section 7, for 1 GiB).
RSS_BOUND = 16 * MIB
_FORM = {"purpose": "fine-tune"}


def run(settings: Settings) -> list[Row]:
    """One row; skipped while sdkcore's ``post`` has no ``files=``."""
    size = 64 * MIB if settings.quick else 256 * MIB
    title = f"7 multipart upload {size // MIB} MiB"
    import sdkcore

    # The request methods may be bound per client: look at an instance's.
    with sdkcore.SyncAPIClient("http://127.0.0.1:9", max_retries=0) as probe:
        if not accepts(probe.post, "files"):
            return [Row(title, skipped="skipped: waiting on files= on the clients' post()")]
    return guarded(title, lambda: [_measure(settings, title, size)])


def _measure(settings: Settings, title: str, size: int) -> Row:
    path = settings.download_dir / f"sdkcore-bench-upload-{os.getpid()}.bin"
    _write_file(path, size)
    try:
        results = interleave_children(
            [SDKCORE, OPENAI, PLAIN],
            settings.rounds,
            lambda name: run_child("benchmarks.upload", [name, settings.base_url, str(path)]),
        )
    finally:
        path.unlink(missing_ok=True)
    seconds = {name: [x["seconds"] for x in runs] for name, runs in results.items()}
    growth = {name: max(x["rss_growth"] for x in runs) for name, runs in results.items()}
    row = Row(
        title,
        {name: statistics.median(ts) for name, ts in seconds.items()},
        vs_openai=median_ratio(seconds, OPENAI, SDKCORE),
        vs_peer=median_ratio(seconds, PLAIN, SDKCORE),
        peer=PLAIN,
    )
    row.notes.append(
        "per-round ratios "
        + "; ".join(spread_note(seconds, other, SDKCORE) for other in (OPENAI, PLAIN))
    )
    mbps = {name: size / MIB / t for name, t in row.times.items()}
    row.notes.append("MiB/s: " + ", ".join(f"{name} {value:,.0f}" for name, value in mbps.items()))
    row.notes.append(
        "peak RSS growth (max of rounds): "
        + ", ".join(f"{name} {value / MIB:.1f} MiB" for name, value in growth.items())
        + f"; sdkcore < {RSS_BOUND // MIB} MiB: "
        + ("yes" if growth[SDKCORE] < RSS_BOUND else "NO")
    )
    return row


def _write_file(path: Path, size: int) -> None:
    block = bytes(range(256)) * 4096
    with path.open("wb") as out:
        for _ in range(size // MIB):
            out.write(block)


# -- the child process ----------------------------------------------------------


def _uploader(name: str, base_url: str) -> Callable[[Path], int]:
    from benchmarks import _schemas

    if name == SDKCORE:
        import sdkcore

        ours = sdkcore.SyncAPIClient(base_url, max_retries=0)
        model = _schemas.SDKCORE.Uploaded

        def with_sdkcore(path: Path) -> int:
            files: Any = {"file": path}
            done = ours.post("/upload", cast_to=model, body=_FORM, files=files)  # type: ignore[call-arg]
            return int(done.bytes)

        return with_sdkcore
    if name == OPENAI:
        return _openai_uploader(base_url, _schemas.OPENAI.Uploaded)
    import httpx2

    plain = httpx2.Client(base_url=base_url)

    def with_httpx2(path: Path) -> int:
        with path.open("rb") as file:
            response = plain.post("/upload", data=_FORM, files={"file": (path.name, file)})
        return int(response.raise_for_status().json()["bytes"])

    return with_httpx2


def _openai_uploader(base_url: str, model: Any) -> Callable[[Path], int]:
    import openai
    from openai._base_client import make_request_options

    theirs = openai.OpenAI(base_url=base_url, api_key="x", max_retries=0)
    # What openai's own upload methods send: the header makes the runtime build a form.
    options = make_request_options(extra_headers={"Content-Type": "multipart/form-data"})

    def with_openai(path: Path) -> int:
        files: Any = [("file", path)]
        done = theirs.post("/upload", cast_to=model, body=_FORM, files=files, options=options)
        return int(done.bytes)

    return with_openai


def child_main(name: str, base_url: str, path: Path) -> None:
    """Upload once (after a warm-up) and print ``{"seconds", "rss_growth"}`` as JSON."""
    upload = _uploader(name, base_url)
    small = path.with_name(f"{path.stem}-warmup-{os.getpid()}.bin")
    try:
        _write_file(small, 4 * MIB)
        upload(small)  # warm-up: imports, connection, buffers
    finally:
        small.unlink(missing_ok=True)
    received: list[int] = []
    result = timed_with_peak_rss(lambda: received.append(upload(path)))
    if received[0] < path.stat().st_size:
        raise RuntimeError(f"server received {received[0]} bytes, file is {path.stat().st_size}")
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", nargs=3, metavar=("NAME", "URL", "PATH"), required=True)
    args = parser.parse_args()
    name, base_url, path = args.child
    child_main(name, base_url, Path(path))


if __name__ == "__main__":
    main()
