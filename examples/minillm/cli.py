"""``python -m examples.minillm``: the MiniLLM command line.

Without ``--base-url`` / ``MINILLM_BASE_URL`` (or an explicit ``--api-key``) every
command runs against the embedded server, started on a free ``127.0.0.1`` port
and stopped at the end; with them it talks to that OpenAI-compatible server
(the key from ``--api-key``, ``MINILLM_API_KEY`` or ``OPENAI_API_KEY``; the
``OPENAI_*`` variables are read when the ``MINILLM_*`` ones are not set). ``tour``
always uses the embedded server; ``serve`` runs it in the foreground. Errors print
one ``error: ...`` line and exit 1.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import signal
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio

from sdkcore import NOT_GIVEN, NotGiven

from . import _async_commands as acmd
from . import _sync_commands as cmd
from ._jobs import Job
from ._parser import build_parser
from ._progress import stderr_terminal
from ._report import CLIError, describe_error
from ._tour import LOCAL_KEY, MODEL, VOICE_MODEL, Tour
from ._webhook import parse_headers, read_headers_file, sign, verify
from .sdk import AsyncMiniLLM, MiniLLM
from .sdk._client import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, LOG_ENV
from .server import MiniLLMServer

if TYPE_CHECKING:
    import argparse
    from collections.abc import Generator, Sequence

__all__ = ["main"]

#: Default models when talking to a server other than the embedded one.
REMOTE_MODEL = "gpt-4o-mini"
REMOTE_VOICE_MODEL = "tts-1"
#: The key sent to a server given by URL when no key is given at all.
PLACEHOLDER_KEY = "sk-no-key"
#: Commands that need no client.
_LOCAL_COMMANDS = frozenset({"serve", "webhook"})


def from_environment(names: tuple[str, ...]) -> str | None:
    """The value of the first of `names` set (and not empty), as the clients read them.

    Example: ``from_environment(BASE_URL_ENV)``
    """
    return next((os.environ[name] for name in names if os.environ.get(name)), None)


@dataclass(frozen=True)
class Settings:
    """The global options of one run, whether given before or after the command."""

    command: str
    base_url: str | None
    api_key: str | None
    model: str | None
    use_async: bool
    faults: bool
    max_retries: int
    timeout: float | None
    verbose: bool
    debug: bool

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Settings:
        """The settings in parsed `args` (the options are absent when not given)."""
        options = vars(args)
        action = options.get("files_command") or options.get("webhook_command")
        return cls(
            command=f"{args.command} {action}" if action else args.command,
            base_url=options.get("base_url"),
            api_key=options.get("api_key"),
            model=options.get("model"),
            use_async=options.get("use_async", False),
            faults=options.get("faults", False),
            max_retries=options.get("max_retries", 2),
            timeout=options.get("timeout"),
            verbose=options.get("verbose", False),
            debug=options.get("debug", False),
        )


@dataclass(frozen=True)
class Target:
    """Where the commands go: a base URL and key, and the embedded server if it is ours."""

    base_url: str
    api_key: str
    server: MiniLLMServer | None

    def job(self, settings: Settings, args: argparse.Namespace) -> Job:
        """The command of this run, with the models to use on this target."""
        if self.server is not None:
            model, voice_model = MODEL, VOICE_MODEL
        else:
            model = os.environ.get("MINILLM_MODEL", REMOTE_MODEL)
            voice_model = REMOTE_VOICE_MODEL
        chosen = settings.model
        return Job(settings.command, args, chosen or model, chosen or voice_model)


# -- where to connect -----------------------------------------------------------------------


@contextlib.contextmanager
def connect(settings: Settings) -> Generator[Target]:
    """The target of this run; starts (and finally stops) the embedded server when needed."""
    base_url, api_key = settings.base_url, settings.api_key
    if settings.command == "tour" and (base_url or api_key):
        raise CLIError("tour runs against the embedded server: drop --base-url / --api-key")
    if settings.command != "tour":
        base_url = base_url or from_environment(BASE_URL_ENV)
    if base_url and not base_url.startswith(("http://", "https://")):
        raise CLIError(f"--base-url {base_url!r}: give an http:// or https:// URL")
    if base_url or api_key:
        if settings.faults:
            raise CLIError("--faults switches the embedded server's faults; drop --base-url")
        key = api_key or from_environment(API_KEY_ENV)
        if not key:  # many local OpenAI-compatible servers take any key
            _note("no API key given (--api-key, $MINILLM_API_KEY): sending a placeholder")
            key = PLACEHOLDER_KEY
        yield Target(base_url or DEFAULT_BASE_URL, key, None)
        return
    with MiniLLMServer(faults=settings.faults) as server:
        _note(f"embedded server at {server.base_url} (stopped at exit)")
        yield Target(server.base_url, LOCAL_KEY, server)


def _note(message: str) -> None:
    stderr_terminal().print(f"minillm: {message}")


def _timeout(settings: Settings) -> float | NotGiven:
    # Without --timeout, the client's own default (ten minutes a call, five seconds to connect).
    return NOT_GIVEN if settings.timeout is None else settings.timeout


# -- running the commands ----------------------------------------------------------------


def run_sync(settings: Settings, job: Job, target: Target) -> None:
    """Run the command on `MiniLLM`."""
    client = MiniLLM(
        api_key=target.api_key,
        base_url=target.base_url,
        max_retries=settings.max_retries,
        timeout=_timeout(settings),
    )
    with client:
        cmd.run(client, job)


async def run_async(settings: Settings, job: Job, target: Target) -> None:
    """Run the command on `AsyncMiniLLM`."""
    client = AsyncMiniLLM(
        api_key=target.api_key,
        base_url=target.base_url,
        max_retries=settings.max_retries,
        timeout=_timeout(settings),
    )
    async with client:
        await acmd.run(client, job)


def serve(settings: Settings, port: int) -> None:
    """Run the embedded server in the foreground until interrupted (Ctrl-C or SIGTERM).

    `settings.api_key`, when given, is the only key it accepts.
    """
    if settings.base_url:
        raise CLIError(
            "serve runs a server here; --base-url names a server to talk to: drop it "
            "(--port chooses where this one listens)"
        )
    if not 0 <= port <= 65_535:
        raise CLIError(f"--port {port}: a port is 1 to 65535 (0: any free port)")
    server = MiniLLMServer(faults=settings.faults, api_key=settings.api_key, port=port)
    with server:
        keys = "only the --api-key given" if settings.api_key else "any bearer key"
        faults = "on" if server.faults else "off"
        print(f"MiniLLM server at {server.base_url} (faults {faults}, accepts {keys})")
        key = shlex.quote(settings.api_key or LOCAL_KEY)
        print(
            f"try: MINILLM_BASE_URL={server.base_url} MINILLM_API_KEY={key} "
            f"python -m examples.minillm chat 'hello' --model {MODEL}"
        )
        print("Ctrl-C stops it", flush=True)
        signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops it cleanly too
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    print("stopped")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def webhook(settings: Settings, args: argparse.Namespace) -> None:
    """``webhook verify`` / ``webhook sign``."""
    payload = args.payload.read_bytes()
    if settings.command == "webhook sign":
        for name, value in sign(payload, args.secret).items():
            print(f"--header {shlex.quote(f'{name}={value}')}")
        return
    headers = read_headers_file(args.headers_file) if args.headers_file else {}
    headers |= parse_headers(args.header)
    verify(payload, headers, args.secret, tolerance=args.tolerance)


def dispatch(settings: Settings, args: argparse.Namespace) -> None:
    """Run the parsed command line."""
    if settings.command == "serve":
        serve(settings, args.port)
        return
    if settings.command.startswith("webhook"):
        webhook(settings, args)
        return
    out = getattr(args, "out", None)
    if out is not None and not out.resolve().parent.is_dir():
        raise CLIError(f"cannot write {out}: its directory does not exist")
    with connect(settings) as target:
        if target.server is not None and settings.command == "tour":
            Tour(
                target.server, use_async=settings.use_async, max_retries=settings.max_retries
            ).run()
        elif settings.use_async:
            anyio.run(run_async, settings, target.job(settings, args), target)
        else:
            run_sync(settings, target.job(settings, args), target)


def _configure_logging(verbose: bool) -> None:
    # sdkcore's own log switch (read when the first client is made): INFO shows each retry,
    # so a wait for Retry-After is not silent; --verbose adds a DEBUG line per attempt.
    if verbose:
        os.environ[LOG_ENV] = "debug"
    else:
        os.environ.setdefault(LOG_ENV, "info")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv`, run the command, and return the exit status (0, 1, or 130).

    Example: ``main(["chat", "hello"])``
    """
    args = build_parser().parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):  # keep stdout in step with stderr in a pipe
        sys.stdout.reconfigure(line_buffering=True)
    settings = Settings.from_args(args)
    _configure_logging(settings.verbose)
    terminal = stderr_terminal()
    with terminal.capture_stderr():  # log lines and errors never land on a progress bar
        return _run(settings, args)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        dispatch(settings, args)
    except KeyboardInterrupt:
        print("\nerror: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if settings.debug:
            raise
        sys.stdout.flush()
        print(f"error: {describe_error(exc)}", file=sys.stderr)
        return 1
    return 0
