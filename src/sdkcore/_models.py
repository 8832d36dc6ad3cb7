"""``BaseModel`` and the two ways a JSON value becomes a typed object.

* ``load_json(tp, data, strict=...)`` is the fast path: pydantic-core parses and
  validates the JSON bytes in one pass, through a ``TypeAdapter`` built once per
  type. In lenient mode it validates strictly first (so nothing is coerced) and
  falls back to ``construct_value`` when the data does not fit.
* ``construct_value(tp, value)`` never fails on shape: it builds models from
  whatever came, keeping mistyped and extra fields as sent.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

import pydantic
import pydantic_core
from pydantic import ConfigDict, PrivateAttr
from typing_extensions import Self

from ._typing import is_union, strip_annotated

__all__ = ["BaseModel", "construct_value", "load_json", "type_adapter"]


class BaseModel(pydantic.BaseModel):
    """Base class for the models an SDK returns.

    Unknown fields are kept (``model.extra_field`` works), and a model built from
    a response carries the request id as ``_request_id``.

    >>> class Thing(BaseModel):
    ...     id: str
    >>> Thing.construct(id=1, new_field="kept").to_dict()
    {'id': 1, 'new_field': 'kept'}
    """

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, arbitrary_types_allowed=True, protected_namespaces=()
    )

    _request_id: str | None = PrivateAttr(default=None)

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_none: bool = False,
    ) -> dict[str, Any]:
        """The model as a dict, keyed by the API's field names; unset fields left out.

        >>> thing.to_dict(mode="json")
        """
        return self.model_dump(
            mode=mode,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_none=exclude_none,
            warnings=False,
        )

    def to_json(
        self,
        *,
        indent: int | None = 2,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_none: bool = False,
    ) -> str:
        """The model as a JSON string, keyed by the API's field names.

        >>> print(thing.to_json(indent=None))
        """
        return self.model_dump_json(
            indent=indent,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_none=exclude_none,
            warnings=False,
        )

    @classmethod
    def construct(cls, _fields_set: set[str] | None = None, **values: Any) -> Self:
        """Build the model from ``values`` without failing on missing or mistyped fields.

        Nested models, lists and dicts are built the same way; extra fields are kept.

        >>> Thing.construct(id=None).id is None
        True
        """
        built = construct_value(cls, values)
        assert isinstance(built, cls)
        if _fields_set is not None:
            object.__setattr__(built, "__pydantic_fields_set__", set(_fields_set))
        return built


@functools.lru_cache(maxsize=512)
def _cached_adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(tp)


def type_adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    """The ``TypeAdapter`` for ``tp``, built once per hashable type."""
    try:
        return _cached_adapter(tp)
    except TypeError:  # unhashable metadata inside Annotated[...]
        return pydantic.TypeAdapter(tp)


def load_json(tp: Any, data: str | bytes, *, strict: bool) -> Any:
    """Build ``tp`` from JSON text.

    Raises ``pydantic.ValidationError`` when the text is not JSON (error type
    ``json_invalid``) or, with ``strict``, when the value does not fit ``tp``.
    Without ``strict`` a value that does not fit is built by ``construct_value``.
    """
    adapter = type_adapter(tp)
    if strict:
        return adapter.validate_json(data)
    try:
        return adapter.validate_json(data, strict=True)
    except pydantic.ValidationError as exc:
        if is_invalid_json(exc):
            raise
    return construct_value(tp, pydantic_core.from_json(data))


def is_invalid_json(exc: pydantic.ValidationError) -> bool:
    """Whether a validation error says the input was not JSON at all."""
    return any(error["type"] == "json_invalid" for error in exc.errors(include_url=False))


def construct_value(tp: Any, value: object) -> Any:
    """Build ``value`` into ``tp`` as far as it fits, keeping the rest as sent.

    >>> construct_value(list[Thing], [{"id": 1}])[0].id
    1
    """
    tp = strip_annotated(tp)
    if value is None:
        return None
    if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
        return _construct_model(tp, value) if isinstance(value, Mapping) else value
    origin = get_origin(tp)
    if origin is list and isinstance(value, list):
        (item_type,) = get_args(tp) or (Any,)
        return [construct_value(item_type, item) for item in value]
    if origin is dict and isinstance(value, dict):
        args = get_args(tp)
        value_type = args[1] if len(args) == 2 else Any
        return {key: construct_value(value_type, item) for key, item in value.items()}
    if is_union(tp):
        return _construct_union(get_args(tp), value)
    if tp in (datetime.datetime, datetime.date):
        return _validated_or_none(tp, value) or value
    return value


def _construct_model(cls: type[pydantic.BaseModel], data: Mapping[Any, Any]) -> pydantic.BaseModel:
    fields: dict[str, Any] = {}
    used: set[str] = set()
    for name, field in cls.model_fields.items():
        key = field.alias if field.alias is not None and field.alias in data else name
        if key in data:
            fields[name] = construct_value(field.annotation, data[key])
            used.add(key)
    extras = {key: item for key, item in data.items() if key not in used}
    model = cls.model_construct(_fields_set=set(fields), **fields)
    if extras and cls.model_config.get("extra") == "allow":
        # model_construct stores unknown keys only when they arrive as kwargs,
        # and a key may not be a valid identifier; set them directly instead.
        model.__pydantic_extra__ = {**(model.__pydantic_extra__ or {}), **extras}
    return model


def _construct_union(members: tuple[Any, ...], value: object) -> Any:
    for member in members:
        fitted = _validated_or_none(member, value)
        if fitted is not None:
            return fitted
    if isinstance(value, Mapping):
        models = [m for m in map(strip_annotated, members) if _is_model_class(m)]
        if models:
            best = max(models, key=lambda m: len(value.keys() & m.model_fields.keys()))
            return _construct_model(best, value)
    return value


def _is_model_class(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, pydantic.BaseModel)


def _validated_or_none(tp: Any, value: object) -> Any:
    try:
        return type_adapter(tp).validate_python(value)
    except (pydantic.ValidationError, TypeError, ValueError):
        return None
