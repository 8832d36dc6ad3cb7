"""The ``sdkcore-gen`` command (also ``python -m sdkcore.gen``).

::

    sdkcore-gen generate SPEC --package NAME --out DIR [--client-name Acme] [--config FILE]
    sdkcore-gen list SPEC [--config FILE]

``list`` prints ``operationId<TAB>client.a.b.method<TAB>METHOD /path`` per generated
operation. ``generate`` writes ``DIR/NAME`` and prints, per operation it could not
generate, ``not generated<TAB>operationId<TAB>METHOD /path<TAB>reason``; warnings and a
summary go to stderr. The exit status is 0 unless no package was written (1), or the
command line is wrong (2).

Example::

    $ sdkcore-gen generate openapi.yaml --package acme --out src
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import GenerationError
from .generate import generate, plan

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sdkcore-gen", description="A typed SDK on sdkcore from an OpenAPI document."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write the SDK package")
    gen.add_argument("spec", type=Path, help="the document: a file, or a directory with one root")
    gen.add_argument("--package", required=True, help="the package name (a Python identifier)")
    gen.add_argument("--out", required=True, type=Path, help="the directory the package goes in")
    gen.add_argument("--client-name", help="the client class (default: from the package name)")
    gen.add_argument(
        "--config", type=Path, help="the configuration file (default: found beside SPEC)"
    )
    listing = commands.add_parser("list", help="print where each operation lives in the SDK")
    listing.add_argument("spec", type=Path)
    listing.add_argument("--config", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return _list(args.spec, args.config)
        return _generate(args)
    except GenerationError as exc:
        sys.stderr.write(f"sdkcore-gen: {exc}\n")
        return 1


def _list(spec: Path, config: Path | None) -> int:
    result = plan(spec, package="sdk", client_name=None, config_path=config)
    for op in result.api.operations:
        sys.stdout.write(f"{op.op_id}\t{op.call_path}\t{op.method.upper()} {op.wire_path}\n")
    return 0


def _generate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    result = generate(
        args.spec,
        package=args.package,
        out=args.out,
        client_name=args.client_name,
        config_path=args.config,
    )
    for skipped in result.api.skipped:
        where = f"{skipped.method} {skipped.path}"
        sys.stdout.write(f"not generated\t{skipped.op_id}\t{where}\t{skipped.reason}\n")
    for warning in result.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    api = result.api
    total = len(api.operations) + len(api.skipped)
    elapsed = time.perf_counter() - started
    sys.stderr.write(
        f"sdkcore-gen: wrote {result.path} ({len(api.operations)}/{total} operations, "
        f"{result.files} files) in {elapsed:.1f}s\n"
    )
    return 0
