"""The generator's errors: a whole run that cannot go on, or one part of a document.

`GenerationError` stops the command (no document, no root, a bad configuration);
`SpecError` marks one part of the document as unusable (a broken ``$ref``, a value
of the wrong shape): the operation that needs it is reported and the rest goes on.

Example::

    try:
        docs = load_document(Path("missing.yaml"))
    except GenerationError as exc:
        print(exc)
"""

from __future__ import annotations

from sdkcore import SdkError

__all__ = ["GenerationError", "SpecError"]


class GenerationError(SdkError):
    """The generator cannot go on: the document, its root or the configuration is unusable.

    >>> raise GenerationError("no OpenAPI root in specs/")
    """


class SpecError(SdkError):
    """One part of the document cannot be used; ``where`` names it (``file#/pointer``).

    >>> raise SpecError("$ref target not found: #/components/schemas/Nope", where="api.yaml#/paths")
    """

    def __init__(self, message: str, *, where: str = "") -> None:
        super().__init__(f"{message} (at {where})" if where else message)
        self.reason = message
        self.where = where
