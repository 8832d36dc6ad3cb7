"""sdkcore-gen: a typed SDK package on sdkcore from an OpenAPI 3.0 or 3.1 document.

Command line (also ``python -m sdkcore.gen``; the ``gen`` extra brings ruff, which formats
the package, and PyYAML, which YAML documents need: ``pip install "sdkcore[gen]"``)::

    sdkcore-gen generate SPEC --package NAME --out DIR [--client-name Acme] [--config FILE]
    sdkcore-gen list SPEC [--config FILE]

SPEC is a JSON or YAML file, or a directory holding exactly one file with a top-level
``openapi`` key (the root) and any number of files it reaches through ``$ref``.
``list`` prints ``operationId<TAB>client.a.b.method<TAB>METHOD /path`` per operation;
``generate`` writes ``DIR/NAME`` and prints
``not generated<TAB>operationId<TAB>METHOD /path<TAB>reason`` per operation it cannot
generate (the rest is generated all the same); it exits 0 unless no package was written.

The pipeline is a small compiler: `loader` reads the files, `refs` follows ``$ref``
(relative to the file each one appears in), `schemas`, `collect`, `operations`,
`responses` and `resources` build the model of the API (`model`) with every name
decided once, `finalize` and `layout` settle discriminators, cycles, names and
modules, and the ``emit_*`` modules write the package from that model alone; `format`
runs ``ruff format`` and `writer` replaces ``DIR/NAME`` whole.

Configuration, for what a document cannot say: ``--config FILE``, else
``<spec>.sdkcore.yaml`` or ``<spec stem>.sdkcore.yaml`` beside a spec file, else
``sdkcore-gen.yaml`` in the spec's directory. Every key is optional::

    client_name: Acme          # the client classes; the CLI's --client-name wins
    version: 1.2.0             # the package's __version__ and User-Agent (default 0.1.0)
    user_agent: acme-python    # the User-Agent's product, before /<version>
                               # (default: <package>-python)
    env:                       # the environment variables the clients read
      api_key: [ACME_API_KEY, OPENAI_API_KEY]  # in order, the first one set wins
      base_url: ACME_BASE_URL  # (defaults: ACME_API_KEY, ACME_BASE_URL for Acme)
      log: ACME_LOG            # info|debug turns on sdkcore's log, as SDKCORE_LOG does
    group_by: path             # resources from path segments (default), or "tag"
    strip_prefix: [api, v2]    # leading path segments left out of resource names
                               # (default: one leading version segment such as v1)
    operations:                # per operation, by operationId or "METHOD /path"
      createChatCompletion:
        method: chat.completions.create   # where the method lives, and its name
        page: cursor           # cursor | offset | page | link | none
        stream: stream         # the body's boolean that asks for an event stream;
                               # true: always a stream; false: never
      GET /health:
        skip: for the load balancer only  # not generated, with this reason

The package it writes::

    NAME/__init__.py      Acme, AsyncAcme, AcmeError, sdkcore's errors, __version__
    NAME/_client.py       the clients: api_key= or ACME_API_KEY, base_url= or
                          ACME_BASE_URL or the document's first server (the variables
                          as API_KEY_ENV, BASE_URL_ENV, and LOG_ENV when configured)
    NAME/_utils.py        what the methods share (arguments left out, headers, files)
    NAME/_version.py
    NAME/py.typed
    NAME/resources/       one module per resource; a package when it has sub-resources;
                          past 400 lines, a resource's async twin moves to <resource>_async.py
    NAME/types/           one module per model (or per cycle of models) and per
                          request TypedDict; types/__init__.py imports on first use

Every method takes ``extra_headers``, ``extra_query``, ``extra_body`` and ``timeout``;
one that sends a multipart body also takes ``upload_progress`` (called as
``(bytes_sent, total)``); each call is traced under the document's path template
(``POST /chat/completions``) when ``sdkcore[otel]`` is set up.

Example::

    from pathlib import Path
    from sdkcore.gen import generate

    result = generate(Path("openapi.yaml"), package="acme", out=Path("src"))
    print(result.path, [skipped.reason for skipped in result.api.skipped])
"""

from __future__ import annotations

from .errors import GenerationError, SpecError
from .generate import Generated, generate, plan

__all__ = ["Generated", "GenerationError", "SpecError", "generate", "plan"]
