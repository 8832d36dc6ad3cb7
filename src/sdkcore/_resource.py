"""Base classes for an SDK's resources (``client.things``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncAPIResource", "SyncAPIResource"]


class SyncAPIResource:
    """A group of SDK methods with ``self._client`` and the ``_get/_post/...`` shortcuts.

    >>> class Things(SyncAPIResource):
    ...     def get(self, id: str) -> Thing:
    ...         return self._get(f"/things/{id}", cast_to=Thing)
    """

    _client: SyncAPIClient

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client
        self._get = client.get
        self._post = client.post
        self._put = client.put
        self._patch = client.patch
        self._delete = client.delete


class AsyncAPIResource:
    """The async twin of ``SyncAPIResource``."""

    _client: AsyncAPIClient

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
        self._get = client.get
        self._post = client.post
        self._put = client.put
        self._patch = client.patch
        self._delete = client.delete
