"""The CLI's arguments: global options (valid before or after the command) and commands."""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from ._backend import PURPOSES

__all__ = ["build_parser"]

_EXAMPLES = """examples:
  python -m examples.minillm tour                       # everything, on the embedded server
  python -m examples.minillm chat "Hello" --async       # streamed, with AsyncMiniLLM
  python -m examples.minillm chat "Hello" --faults      # a 429 retried, then a cut stream
  python -m examples.minillm files ls --limit 5         # every file, 5 a page
  python -m examples.minillm files upload data.jsonl --purpose batch
  python -m examples.minillm usage --by-model           # this week's tokens, per model
  python -m examples.minillm serve --port 8000 --api-key sk-mine
  MINILLM_BASE_URL=http://localhost:8000/v1 MINILLM_API_KEY=sk-mine \\
      python -m examples.minillm chat "Hi" --model minillm-1
  python -m examples.minillm webhook verify body.json --secret whsec_... \\
      --header webhook-id=msg_1 --header webhook-timestamp=1717000000 \\
      --header webhook-signature=v1,...
"""


def _common_options() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the command is not reset by the command's parser.
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument(
        "--base-url", metavar="URL", help="an OpenAI-compatible API root ($MINILLM_BASE_URL)"
    )
    common.add_argument(
        "--api-key", metavar="KEY", help="its key ($MINILLM_API_KEY); serve: the only key taken"
    )
    common.add_argument(
        "--model", help="embedded: minillm-1 / minillm-voice; else $MINILLM_MODEL or gpt-4o-mini"
    )
    common.add_argument("--async", dest="use_async", action="store_true", help="use AsyncMiniLLM")
    common.add_argument(
        "--faults", action="store_true", help="turn the embedded server's fault switch on"
    )
    common.add_argument("--max-retries", type=int, metavar="N", help="retries per call (2)")
    common.add_argument("--timeout", type=float, metavar="SECONDS", help="per-call timeout")
    common.add_argument(
        "-v", "--verbose", action="store_true", help="sdkcore's debug log: every attempt"
    )
    common.add_argument("--debug", action="store_true", help="show tracebacks")
    return common


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: global options, valid before or after the command."""
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="python -m examples.minillm",
        description="MiniLLM: an OpenAI-compatible example SDK on sdkcore. Without "
        "--base-url or $MINILLM_BASE_URL it runs against its embedded server.",
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
    files = commands.add_parser("files", parents=[common], help="list, upload, events")
    _files_commands(files, common)
    usage = commands.add_parser("usage", parents=[common], help="tokens used per day")
    week_ago = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=6)
    usage.add_argument("--start", type=_iso_date, default=week_ago, metavar="YYYY-MM-DD")
    usage.add_argument("--end", type=_iso_date, metavar="YYYY-MM-DD", help="default: today")
    usage.add_argument("--by-model", action="store_true", help="a bucket per model and day")
    serve = commands.add_parser("serve", parents=[common], help="run the embedded server")
    serve.add_argument("--port", type=int, default=0, help="where to listen (default: any)")
    webhook = commands.add_parser("webhook", parents=[common], help="verify or sign a webhook")
    _webhook_commands(webhook, common)
    return parser


def _files_commands(files: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    actions = files.add_subparsers(dest="files_command", required=True, metavar="ACTION")
    listing = actions.add_parser("ls", parents=[common], help="every file, page after page")
    listing.add_argument("--limit", type=int, metavar="N", help="files per page (server: 20)")
    listing.add_argument("--purpose", choices=PURPOSES, help="only files for this purpose")
    upload = actions.add_parser("upload", parents=[common], help="upload a file, with progress")
    upload.add_argument("path", metavar="PATH", type=Path)
    upload.add_argument("--purpose", choices=PURPOSES, default="user_data")
    events = actions.add_parser("events", parents=[common], help="a file's events (Link pages)")
    events.add_argument("file_id", metavar="FILE_ID")
    events.add_argument("--per-page", type=int, metavar="N", help="events per page (30)")


def _webhook_commands(webhook: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    actions = webhook.add_subparsers(dest="webhook_command", required=True, metavar="ACTION")
    verify = actions.add_parser("verify", parents=[common], help="check a delivery's signature")
    verify.add_argument("payload", metavar="PAYLOAD_FILE", type=Path)
    verify.add_argument("--secret", required=True, help="the endpoint's whsec_... secret")
    verify.add_argument(
        "--header", action="append", default=[], metavar="NAME=VALUE", help="repeatable"
    )
    verify.add_argument("--headers-file", type=Path, help="JSON object or 'Name: value' lines")
    verify.add_argument("--tolerance", type=float, default=300, metavar="SECONDS")
    sign = actions.add_parser("sign", parents=[common], help="sign a payload as a sender would")
    sign.add_argument("payload", metavar="PAYLOAD_FILE", type=Path)
    sign.add_argument("--secret", required=True, help="the endpoint's whsec_... secret")
