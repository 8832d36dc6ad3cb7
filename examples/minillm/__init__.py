"""MiniLLM: an OpenAI-compatible example SDK on sdkcore, with its CLI and embedded server.

- `MiniLLM` / `AsyncMiniLLM`: the clients (``examples.minillm._client``), with the
  resources in ``examples.minillm.resources`` and the models in `types`.
- `MiniLLMServer` (``examples.minillm.server``): an OpenAI-compatible server on
  ``sdkcore.testing.LoopbackServer``, for demos and tests.
- ``python -m examples.minillm --help``: the CLI (``examples.minillm.cli``).

Example::

    from examples.minillm import MiniLLM, MiniLLMServer

    with MiniLLMServer() as server, MiniLLM(api_key="sk-local", base_url=server.base_url) as client:
        response = client.models.with_raw_response.list()
        print(response.status_code, response.request_id, response.parse().data[0].id)
"""

from . import types
from ._client import DEFAULT_BASE_URL, AsyncMiniLLM, MiniLLM, MiniLLMError
from .server import MiniLLMServer

__all__ = ["DEFAULT_BASE_URL", "AsyncMiniLLM", "MiniLLM", "MiniLLMError", "MiniLLMServer", "types"]
