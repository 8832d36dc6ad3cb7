"""A pytest plugin running the async suite on aiohttp: ``python -m pytest -p tests.aiohttp_suite``.

Every ``AsyncAPIClient`` built without an ``http_client`` gets an ``AiohttpClient``,
made with the options the client core chose for its own default client (its timeout
and limits); the trio variants of the async tests are deselected, since aiohttp runs
on asyncio only. Tests that build an ``httpx2.AsyncClient`` themselves keep it.

The client core names the method that builds its default client as it likes: the
plugin finds it as the one ``AsyncAPIClient`` method that takes only ``self`` and is
declared to return an ``httpx2.AsyncClient``, and refuses to start when there is not
exactly one.
"""

from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from sdkcore import AsyncAPIClient
from sdkcore._aiohttp import AiohttpClient

if TYPE_CHECKING:
    from collections.abc import Callable

_patched: tuple[str, object] | None = None


def default_client_factory() -> str:
    """The name of the ``AsyncAPIClient`` method that builds its default http client."""
    found: list[str] = []
    for name in dir(AsyncAPIClient):
        member = inspect.getattr_static(AsyncAPIClient, name)
        if not inspect.isfunction(member):
            continue
        signature = inspect.signature(member)
        returned = str(signature.return_annotation)
        if len(signature.parameters) == 1 and returned.endswith("AsyncClient"):
            found.append(name)
    if len(found) != 1:
        raise pytest.UsageError(
            "aiohttp_suite: cannot tell which AsyncAPIClient method builds the default http "
            f"client; candidates: {found or 'none'}"
        )
    return found[0]


def on_aiohttp(create: Callable[[Any], httpx2.AsyncClient]) -> Callable[[Any], AiohttpClient]:
    """``create``, building an ``AiohttpClient`` with the arguments it gives httpx2."""

    @functools.wraps(create)
    def create_on_aiohttp(client: Any) -> AiohttpClient:
        # Only while `create` runs, so that its own choice of arguments is kept.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(httpx2, "AsyncClient", AiohttpClient)
            made = create(client)
        if not isinstance(made, AiohttpClient):  # built some other way: keep its timeout
            made = AiohttpClient(timeout=made.timeout)
        return made

    return create_on_aiohttp


def pytest_configure(config: pytest.Config) -> None:
    global _patched
    name = default_client_factory()
    original = getattr(AsyncAPIClient, name)
    _patched = (name, inspect.getattr_static(AsyncAPIClient, name))
    setattr(AsyncAPIClient, name, on_aiohttp(original))


def pytest_unconfigure(config: pytest.Config) -> None:
    if _patched is not None:
        setattr(AsyncAPIClient, *_patched)


def pytest_report_header(config: pytest.Config) -> str:
    name = "?" if _patched is None else _patched[0]
    return f"aiohttp_suite: AsyncAPIClient.{name} builds AiohttpClient; trio variants deselected"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = None if callspec is None else callspec.params.get("anyio_backend")
        (kept if backend in (None, "asyncio") else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
