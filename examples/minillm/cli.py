"""``python -m examples.minillm``: the MiniLLM command line.

Without ``--base-url`` / ``OPENAI_BASE_URL`` (or an explicit ``--api-key``) every
command runs against the embedded server, started on a free ``127.0.0.1`` port
and stopped at the end; with them it talks to that OpenAI-compatible server
(the key from ``--api-key`` or ``OPENAI_API_KEY``). ``tour`` always uses the
embedded server. Errors print one ``error: ...`` line and exit 1.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

from . import _async_commands as acmd
from . import _sync_commands as cmd
from ._client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, AsyncMiniLLM, MiniLLM
from ._report import CLIError, describe_error
from ._tour import LOCAL_KEY, MODEL, VOICE_MODEL, Tour
from .server import MiniLLMServer

if TYPE_CHECKING:
    from collections.abc import Generator, Sequence

    import httpx2

__all__ = ["main"]

#: Default models when talking to a server other than the embedded one.
REMOTE_MODEL = "gpt-4o-mini"
REMOTE_VOICE_MODEL = "tts-1"
#: The key sent to a server given by URL when no key is given at all.
PLACEHOLDER_KEY = "sk-no-key"


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
        return cls(
            command=args.command,
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

    @property
    def model(self) -> str:
        """The chat model to use unless ``--model`` says otherwise."""
        return MODEL if self.server else os.environ.get("MINILLM_MODEL", REMOTE_MODEL)

    @property
    def voice_model(self) -> str:
        """The speech model to use unless ``--model`` says otherwise."""
        return VOICE_MODEL if self.server else REMOTE_VOICE_MODEL


# -- arguments --------------------------------------------------------------------------

_EXAMPLES = """examples:
  python -m examples.minillm tour                       # everything, on the embedded server
  python -m examples.minillm chat "Hello" --async       # streamed, with AsyncMiniLLM
  python -m examples.minillm chat "Hello" --faults      # a 429 retried, then a cut stream
  python -m examples.minillm download file-minillm-sample sample.bin
  OPENAI_BASE_URL=http://localhost:8000/v1 python -m examples.minillm chat "Hi" --model M
"""


def _common_options() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the command is not reset by the command's parser.
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--base-url", metavar="URL", help="an OpenAI-compatible API root")
    common.add_argument("--api-key", metavar="KEY", help="its key (default: $OPENAI_API_KEY)")
    common.add_argument(
        "--model", help="embedded: minillm-1 / minillm-voice; else $MINILLM_MODEL or gpt-4o-mini"
    )
    common.add_argument("--async", dest="use_async", action="store_true", help="use AsyncMiniLLM")
    common.add_argument(
        "--faults", action="store_true", help="turn the embedded server's fault switch on"
    )
    common.add_argument("--max-retries", type=int, metavar="N", help="retries per call (2)")
    common.add_argument("--timeout", type=float, metavar="SECONDS", help="per-call timeout")
    common.add_argument("-v", "--verbose", action="store_true", help="log every request")
    common.add_argument("--debug", action="store_true", help="show tracebacks")
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: global options, valid before or after the command."""
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="python -m examples.minillm",
        description="MiniLLM: an OpenAI-compatible example SDK on sdkcore. Without "
        "--base-url or $OPENAI_BASE_URL it runs against its embedded server.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("tour", parents=[common], help="every feature once (embedded server)")
    commands.add_parser("models", parents=[common], help="list the models")
    commands.add_parser("raw", parents=[common], help="models.list() as a raw response")
    chat = commands.add_parser("chat", parents=[common], help="chat, streamed token by token")
    chat.add_argument("prompt")
    chat.add_argument("--no-stream", action="store_true", help="one whole answer instead")
    chat.add_argument("--max-tokens", type=int, metavar="N")
    download = commands.add_parser(
        "download", parents=[common], help="stream a file's content to disk, with progress"
    )
    download.add_argument("file_id", metavar="FILE_ID", help="e.g. file-minillm-sample")
    download.add_argument("out", metavar="OUT", type=Path)
    speech = commands.add_parser("speech", parents=[common], help="text to speech, streamed")
    speech.add_argument("text")
    speech.add_argument("out", metavar="OUT", type=Path)
    speech.add_argument("--voice", default="alloy")
    commands.add_parser("serve", parents=[common], help="run the embedded server until Ctrl-C")
    return parser


# -- where to connect -----------------------------------------------------------------------


@contextlib.contextmanager
def connect(settings: Settings) -> Generator[Target]:
    """The target of this run; starts (and finally stops) the embedded server when needed."""
    base_url, api_key = settings.base_url, settings.api_key
    if settings.command == "tour" and (base_url or api_key):
        raise CLIError("tour runs against the embedded server: drop --base-url / --api-key")
    if settings.command != "tour":
        base_url = base_url or os.environ.get("OPENAI_BASE_URL")
    if base_url or api_key:
        if settings.faults:
            raise CLIError("--faults switches the embedded server's faults; drop --base-url")
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key:  # many local OpenAI-compatible servers take any key
            _note("no API key given (--api-key, $OPENAI_API_KEY): sending a placeholder")
            key = PLACEHOLDER_KEY
        yield Target(base_url or DEFAULT_BASE_URL, key, None)
        return
    with MiniLLMServer(faults=settings.faults) as server:
        _note(f"embedded server at {server.base_url} (stopped at exit)")
        yield Target(server.base_url, LOCAL_KEY, server)


def _note(message: str) -> None:
    print(f"minillm: {message}", file=sys.stderr, flush=True)


def _timeout(settings: Settings) -> float | httpx2.Timeout:
    return DEFAULT_TIMEOUT if settings.timeout is None else settings.timeout


# -- running the commands ----------------------------------------------------------------


def run_sync(settings: Settings, args: argparse.Namespace, target: Target) -> None:
    """Run the command on `MiniLLM`."""
    model = settings.model or target.model
    client = MiniLLM(
        api_key=target.api_key,
        base_url=target.base_url,
        max_retries=settings.max_retries,
        timeout=_timeout(settings),
    )
    with client:
        match args.command:
            case "models":
                cmd.list_models(client)
            case "raw":
                cmd.show_raw(client)
            case "chat" if args.no_stream:
                cmd.chat_once(client, model, args.prompt, max_tokens=args.max_tokens)
            case "chat":
                cmd.chat_stream(client, model, args.prompt, max_tokens=args.max_tokens)
            case "download":
                cmd.download(client, args.file_id, args.out)
            case "speech":
                voice_model = settings.model or target.voice_model
                cmd.speech(client, voice_model, args.voice, args.text, args.out)
            case other:
                raise CLIError(f"unknown command {other!r}")


async def run_async(settings: Settings, args: argparse.Namespace, target: Target) -> None:
    """Run the command on `AsyncMiniLLM`."""
    model = settings.model or target.model
    client = AsyncMiniLLM(
        api_key=target.api_key,
        base_url=target.base_url,
        max_retries=settings.max_retries,
        timeout=_timeout(settings),
    )
    async with client:
        match args.command:
            case "models":
                await acmd.list_models(client)
            case "raw":
                await acmd.show_raw(client)
            case "chat" if args.no_stream:
                await acmd.chat_once(client, model, args.prompt, max_tokens=args.max_tokens)
            case "chat":
                await acmd.chat_stream(client, model, args.prompt, max_tokens=args.max_tokens)
            case "download":
                await acmd.download(client, args.file_id, args.out)
            case "speech":
                voice_model = settings.model or target.voice_model
                await acmd.speech(client, voice_model, args.voice, args.text, args.out)
            case other:
                raise CLIError(f"unknown command {other!r}")


def serve(settings: Settings) -> None:
    """Run the embedded server in the foreground until interrupted."""
    with MiniLLMServer(faults=settings.faults) as server:
        print(f"MiniLLM server at {server.base_url} (faults {'on' if server.faults else 'off'})")
        print(
            f"try: OPENAI_BASE_URL={server.base_url} OPENAI_API_KEY=sk-local "
            "python -m examples.minillm chat 'hello'"
        )
        print("Ctrl-C stops it", flush=True)
        signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops it cleanly too
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    print("stopped")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def dispatch(settings: Settings, args: argparse.Namespace) -> None:
    """Run the parsed command line."""
    if settings.command == "serve":
        serve(settings)
        return
    out: Path | None = getattr(args, "out", None)
    if out is not None and not out.resolve().parent.is_dir():
        raise CLIError(f"cannot write {out}: its directory does not exist")
    with connect(settings) as target:
        if target.server is not None and settings.command == "tour":
            Tour(
                target.server, use_async=settings.use_async, max_retries=settings.max_retries
            ).run()
        elif settings.use_async:
            anyio.run(run_async, settings, args, target)
        else:
            run_sync(settings, args, target)


def _configure_logging(verbose: bool) -> None:
    # sdkcore logs each retry at INFO: show it, so a wait for Retry-After is not silent.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("  sdkcore: %(message)s"))
    logger = logging.getLogger("sdkcore")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv`, run the command, and return the exit status (0, 1, or 130).

    Example: ``main(["chat", "hello"])``
    """
    args = build_parser().parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):  # keep stdout in step with stderr in a pipe
        sys.stdout.reconfigure(line_buffering=True)
    settings = Settings.from_args(args)
    _configure_logging(settings.verbose)
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
