"""The kit's errors: each is an `sdkcore.SdkError` and the built-in error it refines."""

from __future__ import annotations

from sdkcore._exceptions import SdkError


class PortInUseError(SdkError, OSError):
    """`LoopbackServer.start` could not bind its fixed port: another socket listens on it.

    It is an `OSError` with ``errno.EADDRINUSE``, so ``except OSError`` still catches it.

    Example::

        with pytest.raises(PortInUseError, match="port=0"):
            LoopbackServer(port=taken).start()
    """


class FormError(SdkError, ValueError):
    """`Request.form` got a body that is not a well-formed ``multipart/form-data`` form.

    Example::

        with pytest.raises(FormError, match="not multipart/form-data"):
            request.form()
    """


class BodyNotKeptError(SdkError, RuntimeError):
    """The request body was larger than the server's ``max_body_kept``, so it was not kept.

    `Request.body_size` and `Request.body_sha256` still describe it exactly.

    Example::

        if not request.body_kept:
            assert request.body_sha256 == expected_digest
    """
