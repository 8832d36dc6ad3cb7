"""``client.audio.speech``: text to speech, answered as a streamed binary body."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sdkcore import (
    NOT_GIVEN,
    AsyncAPIResource,
    AsyncBinaryAPIResponse,
    AsyncStreamedBinaryAPIResponse,
    BinaryAPIResponse,
    Headers,
    HttpxBinaryResponseContent,
    NotGiven,
    Query,
    StreamedBinaryAPIResponse,
    SyncAPIResource,
    async_to_custom_raw_response_wrapper,
    async_to_custom_streamed_response_wrapper,
    make_request_options,
    to_custom_raw_response_wrapper,
    to_custom_streamed_response_wrapper,
)

from ._common import given

if TYPE_CHECKING:
    from ..types import SpeechResponseFormat
    from ._common import Body, Timeout

__all__ = ["AsyncAudio", "AsyncSpeech", "Audio", "Speech"]

AUDIO_ACCEPT = {"Accept": "application/octet-stream"}


def speech_body(
    *,
    input: str,
    model: str,
    voice: str,
    response_format: SpeechResponseFormat | NotGiven,
    speed: float | NotGiven,
) -> dict[str, object]:
    """The JSON body of ``POST /audio/speech``; arguments left out are not sent."""
    return given(
        input=input, model=model, voice=voice, response_format=response_format, speed=speed
    )


class Speech(SyncAPIResource):
    """Generate speech audio.

    Example::

        with client.audio.speech.with_streaming_response.create(
            model="minillm-voice", voice="alloy", input="Hello!"
        ) as response:
            response.stream_to_file("hello.mp3")
    """

    def create(
        self,
        *,
        input: str,
        model: str,
        voice: str,
        response_format: SpeechResponseFormat | NotGiven = NOT_GIVEN,
        speed: float | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> HttpxBinaryResponseContent:
        """The audio of `input` spoken by `voice` (``POST /audio/speech``), read whole."""
        body = speech_body(
            input=input, model=model, voice=voice, response_format=response_format, speed=speed
        )
        options = make_request_options(
            extra_headers={**AUDIO_ACCEPT, **(extra_headers or {})},
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            path_template="/audio/speech",
        )
        return self._post(
            "/audio/speech", cast_to=HttpxBinaryResponseContent, body=body, options=options
        )

    @cached_property
    def with_raw_response(self) -> SpeechWithRawResponse:
        """``create`` returning the read `BinaryAPIResponse`."""
        return SpeechWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> SpeechWithStreamingResponse:
        """``create`` returning the unread `StreamedBinaryAPIResponse`."""
        return SpeechWithStreamingResponse(self)


class AsyncSpeech(AsyncAPIResource):
    """The async twin of `Speech`."""

    async def create(
        self,
        *,
        input: str,
        model: str,
        voice: str,
        response_format: SpeechResponseFormat | NotGiven = NOT_GIVEN,
        speed: float | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> HttpxBinaryResponseContent:
        """The audio of `input` spoken by `voice`, read whole; see `Speech.create`."""
        body = speech_body(
            input=input, model=model, voice=voice, response_format=response_format, speed=speed
        )
        options = make_request_options(
            extra_headers={**AUDIO_ACCEPT, **(extra_headers or {})},
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            path_template="/audio/speech",
        )
        return await self._post(
            "/audio/speech", cast_to=HttpxBinaryResponseContent, body=body, options=options
        )

    @cached_property
    def with_raw_response(self) -> AsyncSpeechWithRawResponse:
        """``create`` returning the read `AsyncBinaryAPIResponse`."""
        return AsyncSpeechWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncSpeechWithStreamingResponse:
        """``create`` returning the unread `AsyncStreamedBinaryAPIResponse`."""
        return AsyncSpeechWithStreamingResponse(self)


class SpeechWithRawResponse:
    """`Speech.create` returning `BinaryAPIResponse`."""

    def __init__(self, speech: Speech) -> None:
        self.create = to_custom_raw_response_wrapper(speech.create, BinaryAPIResponse)


class SpeechWithStreamingResponse:
    """`Speech.create` returning `StreamedBinaryAPIResponse`."""

    def __init__(self, speech: Speech) -> None:
        self.create = to_custom_streamed_response_wrapper(speech.create, StreamedBinaryAPIResponse)


class AsyncSpeechWithRawResponse:
    """`AsyncSpeech.create` returning `AsyncBinaryAPIResponse`."""

    def __init__(self, speech: AsyncSpeech) -> None:
        self.create = async_to_custom_raw_response_wrapper(speech.create, AsyncBinaryAPIResponse)


class AsyncSpeechWithStreamingResponse:
    """`AsyncSpeech.create` returning `AsyncStreamedBinaryAPIResponse`."""

    def __init__(self, speech: AsyncSpeech) -> None:
        self.create = async_to_custom_streamed_response_wrapper(
            speech.create, AsyncStreamedBinaryAPIResponse
        )


class Audio(SyncAPIResource):
    """``client.audio``: the audio API (``client.audio.speech``)."""

    @cached_property
    def speech(self) -> Speech:
        """Text to speech."""
        return Speech(self._client)

    @cached_property
    def with_raw_response(self) -> AudioWithRawResponse:
        """``client.audio.with_raw_response.speech.create(...)``."""
        return AudioWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AudioWithStreamingResponse:
        """``client.audio.with_streaming_response.speech.create(...)``."""
        return AudioWithStreamingResponse(self)


class AsyncAudio(AsyncAPIResource):
    """The async twin of `Audio`."""

    @cached_property
    def speech(self) -> AsyncSpeech:
        """Text to speech."""
        return AsyncSpeech(self._client)

    @cached_property
    def with_raw_response(self) -> AsyncAudioWithRawResponse:
        """``client.audio.with_raw_response.speech.create(...)``."""
        return AsyncAudioWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncAudioWithStreamingResponse:
        """``client.audio.with_streaming_response.speech.create(...)``."""
        return AsyncAudioWithStreamingResponse(self)


class AudioWithRawResponse:
    """`Audio` with raw-response sub-resources."""

    def __init__(self, audio: Audio) -> None:
        self.speech = audio.speech.with_raw_response


class AudioWithStreamingResponse:
    """`Audio` with streaming-response sub-resources."""

    def __init__(self, audio: Audio) -> None:
        self.speech = audio.speech.with_streaming_response


class AsyncAudioWithRawResponse:
    """`AsyncAudio` with raw-response sub-resources."""

    def __init__(self, audio: AsyncAudio) -> None:
        self.speech = audio.speech.with_raw_response


class AsyncAudioWithStreamingResponse:
    """`AsyncAudio` with streaming-response sub-resources."""

    def __init__(self, audio: AsyncAudio) -> None:
        self.speech = audio.speech.with_streaming_response
