"""Check sdkcore-gen on a real OpenAPI document, end to end, and print the figures.

1. Generate the SDK into a temporary directory (operations generated / total, time).
2. ``mypy --strict`` on the package, with no configuration, and basedpyright in strict
   mode (error counts).
3. In a fresh interpreter: import time, client build time, first-call time.
4. Install Stoplight Prism (``npm install --prefix <tmp> @stoplight/prism-cli``, a
   dev-only tool), mock the document with it, and call through the generated SDK,
   sync and async: models list and retrieve, a chat completion (plain and
   ``stream=True``), embeddings, files list, a file upload and a delete.

Prism cannot serve ``text/event-stream`` from a schema (it refuses to write an object
as text), so it mocks a copy of the document in the temporary directory where each
event-stream answer has a string example of two events and ``[DONE]``; the SDK asks
for the stream with ``Accept: text/event-stream`` as it always does.

Usage (``make gen-check SPEC=...`` runs this)::

    .venv/bin/python tools/gen_check.py /work/shared/specs/openai.yaml [--keep DIR] [--no-prism]

The exit status is 0 when everything generated, type-checked and every call returned
its typed model; 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

PACKAGE = "openai_sdk"
CLIENT = "OpenAI"
PRISM = "@stoplight/prism-cli"
HERE = Path(__file__).resolve().parent


def _generate(spec: Path, out: Path) -> bool:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sdkcore.gen", "generate", str(spec), "--package", PACKAGE,
         "--out", str(out), "--client-name", CLIENT],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    skipped = [line for line in done.stdout.splitlines() if line.startswith("not generated")]
    listed = subprocess.run(
        [sys.executable, "-m", "sdkcore.gen", "list", str(spec)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    generated = len(listed.stdout.splitlines())
    print(f"operations generated: {generated}/{generated + len(skipped)}")
    print(f"generation time:      {elapsed:.1f} s (exit {done.returncode})")
    for line in skipped:
        print(f"  {line}")
    if done.returncode != 0:
        print(done.stderr)
    return done.returncode == 0 and not skipped


def _mypy(out: Path) -> bool:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", PACKAGE],
        cwd=out, capture_output=True, text=True, check=False,
    )  # fmt: skip
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    print(f"mypy --strict errors: {len(errors)} ({time.perf_counter() - started:.0f} s)")
    for line in errors[:20]:
        print(f"  {line}")
    return not errors


def _pyright(out: Path) -> bool:
    """basedpyright in strict mode on the package (the venv's, found beside this Python)."""
    started = time.perf_counter()
    config = out / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.11"}))
    binary = Path(sys.executable).parent / "basedpyright"
    env = {**os.environ, "PATH": f"{binary.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    try:
        done = subprocess.run(
            [str(binary), "--outputjson", PACKAGE], cwd=out, capture_output=True, text=True,
            check=False, env=env,
        )  # fmt: skip
    finally:
        config.unlink()
    summary = json.loads(done.stdout or "{}").get("summary", {})
    errors = summary.get("errorCount")
    print(f"pyright strict errors: {errors} ({time.perf_counter() - started:.0f} s)")
    return bool(errors == 0)


def _step(name: str, out: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    """Run one step of this script in a fresh interpreter (``--step``)."""
    command = [sys.executable, __file__, "--step", name, "--out", str(out), "--url", base_url]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)


def _timings(out: Path, base_url: str) -> bool:
    done = _step("timing", out, base_url)
    if done.returncode != 0:
        print(f"timings: FAILED\n{done.stderr[-2000:]}")
        return False
    imported, built, called, kind = done.stdout.split()
    print(f"import time:          {imported} s")
    print(f"client build time:    {built} s")
    print(f"first call time:      {called} s (embeddings.create -> {kind})")
    return max(float(imported), float(built), float(called)) < 1.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _streaming_copy(spec: Path, scratch: Path) -> Path:
    """The document with a string example on each event-stream answer, for Prism."""
    # Imported here: the timing step, run as this script, must import sdkcore itself.
    from sdkcore.gen.loader import parse_file

    document = parse_file(spec)
    chunk = {
        "id": "chatcmpl-check",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "gpt-4o",
        "choices": [{"index": 0, "delta": {"content": "Hello"}, "finish_reason": None}],
    }
    events = f"data: {json.dumps(chunk)}\n\ndata: {json.dumps(chunk)}\n\ndata: [DONE]\n\n"
    assert isinstance(document, dict)
    for item in document.get("paths", {}).values():
        for operation in item.values() if isinstance(item, dict) else ():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            for response in responses.values():
                stream = (
                    response.get("content", {}).get("text/event-stream")
                    if isinstance(response, dict)
                    else None
                )
                if isinstance(stream, dict):
                    stream["schema"] = {"type": "string"}
                    stream["example"] = events
    copy = scratch / "prism-openapi.json"
    copy.write_text(json.dumps(document), encoding="utf-8")
    return copy


class Prism:
    """Stoplight Prism mocking a document on a free local port, for the duration of a `with`."""

    def __init__(self, spec: Path, scratch: Path) -> None:
        self.spec = spec
        self.scratch = scratch
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Where Prism answers."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Prism:
        prefix = self.scratch / "prism"
        install = ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", PRISM]
        subprocess.run(install, check=True, capture_output=True)
        binary = prefix / "node_modules" / ".bin" / "prism"
        log = (self.scratch / "prism.log").open("wb")
        self.process = subprocess.Popen(
            [str(binary), "mock", str(self.spec), "-p", str(self.port), "-h", "127.0.0.1"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"prism exited: {(self.scratch / 'prism.log').read_text()[-2000:]}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("prism did not start within 180 s")

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _calls(out: Path, base_url: str) -> bool:
    done = _step("calls", out, base_url)
    print(done.stdout.rstrip())
    if done.returncode != 0:
        print(done.stderr[-3000:])
    return done.returncode == 0


# -- the steps that run in a fresh interpreter ---------------------------------------


def _timing_step(out: Path, base_url: str) -> None:
    sys.path.insert(0, str(out))
    started = time.perf_counter()
    sdk = importlib.import_module(PACKAGE)
    imported = time.perf_counter()
    client = getattr(sdk, CLIENT)(api_key="sk-check", base_url=base_url)
    built = time.perf_counter()
    answer = client.embeddings.create(input="hello", model="text-embedding-3-small")
    called = time.perf_counter()
    client.close()
    kind = type(answer).__name__
    print(f"{imported - started:.3f} {built - imported:.3f} {called - built:.3f} {kind}")


def _describe(value: Any) -> str:
    if isinstance(value, list):
        items: list[Any] = value
        return f"{len(items)} x {type(items[0]).__name__ if items else '-'}"
    data = getattr(value, "data", None)
    name = type(value).__name__
    if isinstance(data, list) and data and "[" not in name:
        return f"{name}[{type(data[0]).__name__}]"
    return name


_MESSAGES = [{"role": "user", "content": "Say hello"}]
_UPLOAD = ("data.jsonl", b'{"prompt": "hi"}\n', "application/jsonl")


def _sync_steps(client: Any) -> list[tuple[str, Callable[[], Any]]]:
    def chat() -> Any:
        return client.chat.completions

    return [
        ("models.list", lambda: client.models.list()),
        ("models.retrieve", lambda: client.models.retrieve("gpt-4o")),
        ("chat.completions.create", lambda: chat().create(model="gpt-4o", messages=_MESSAGES)),
        (
            "chat.completions.create(stream=True)",
            lambda: list(chat().create(model="gpt-4o", messages=_MESSAGES, stream=True)),
        ),
        ("embeddings.create", lambda: client.embeddings.create(input="hi", model="m")),
        ("files.list", lambda: client.files.list()),
        ("files.create (upload)", lambda: client.files.create(file=_UPLOAD, purpose="batch")),
        ("files.delete", lambda: client.files.delete("file-abc123")),
    ]


async def _collect(stream: Any) -> list[Any]:
    return [chunk async for chunk in await stream]


async def _awaited(value: Any) -> Any:
    return await value


def _async_steps(client: Any) -> list[tuple[str, Callable[[], Any]]]:
    def chat() -> Any:
        return client.chat.completions

    return [
        ("models.list", lambda: _awaited(client.models.list())),
        ("models.retrieve", lambda: client.models.retrieve("gpt-4o")),
        ("chat.completions.create", lambda: chat().create(model="gpt-4o", messages=_MESSAGES)),
        (
            "chat.completions.create(stream=True)",
            lambda: _collect(chat().create(model="gpt-4o", messages=_MESSAGES, stream=True)),
        ),
        ("embeddings.create", lambda: client.embeddings.create(input="hi", model="m")),
        ("files.list", lambda: _awaited(client.files.list())),
        ("files.create (upload)", lambda: client.files.create(file=_UPLOAD, purpose="batch")),
        ("files.delete", lambda: client.files.delete("file-abc123")),
    ]


def _report(label: str, run: Callable[[], Any], failures: list[str]) -> None:
    try:
        print(f"ok    {label:<44} {_describe(run())}")
    except Exception as exc:  # every failure is reported, then the next call runs
        failures.append(label)
        print(f"FAIL  {label:<44} {type(exc).__name__}: {str(exc)[:300]}")


def _calls_step(out: Path, base_url: str) -> None:
    import asyncio  # here: the timing step must not pay for it

    sys.path.insert(0, str(out))
    sdk = importlib.import_module(PACKAGE)
    failures: list[str] = []
    with getattr(sdk, CLIENT)(api_key="sk-check", base_url=base_url) as client:
        steps = _sync_steps(client)
        for label, run in steps:
            _report(f"sync  {label}", run, failures)

    async def run_async() -> None:
        async with getattr(sdk, f"Async{CLIENT}")(api_key="sk-check", base_url=base_url) as client:
            for label, run in _async_steps(client):
                try:
                    print(f"ok    {'async ' + label:<44} {_describe(await run())}")
                except Exception as exc:  # reported, then the next call runs
                    failures.append(label)
                    print(f"FAIL  {'async ' + label:<44} {type(exc).__name__}: {str(exc)[:300]}")

    asyncio.run(run_async())
    total = 2 * len(steps)
    print(f"calls through Prism: {total - len(failures)}/{total} returned their typed model")
    sys.exit(1 if failures else 0)


def main() -> int:
    """Run every check; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("spec", type=Path, nargs="?")
    parser.add_argument("--keep", type=Path, help="generate here and keep it (default: a temp dir)")
    parser.add_argument("--no-prism", action="store_true", help="skip the calls through Prism")
    parser.add_argument("--step", choices=["timing", "calls"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "timing":
        _timing_step(args.out, args.url)
        return 0
    if args.step == "calls":
        _calls_step(args.out, args.url)
        return 0
    if args.spec is None:
        parser.error("SPEC is required")
    scratch = Path(tempfile.mkdtemp(prefix="gen-check-"))
    out = args.keep or scratch / "out"
    try:
        ok = _generate(args.spec.resolve(), out)
        ok = _mypy(out) and ok
        ok = _pyright(out) and ok
        if args.no_prism:
            return 0 if ok else 1
        with Prism(_streaming_copy(args.spec.resolve(), scratch), scratch) as prism:
            ok = _timings(out, prism.url) and ok
            ok = _calls(out, prism.url) and ok
        return 0 if ok else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
