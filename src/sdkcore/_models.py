"""``BaseModel`` and the two ways a JSON value becomes a typed object.

* ``load_json(tp, data, strict=...)`` is the fast path: pydantic-core parses and
  validates the JSON bytes in one pass, through a validator looked up once per
  type. In lenient mode it validates strictly first (so nothing is coerced) and
  falls back to ``construct_value`` when the data does not fit.
* ``construct_value(tp, value)`` never fails on shape: it builds models from
  whatever came, keeping mistyped and extra fields as sent. What to do with each
  annotation (``_shape_of``) is worked out once per type.
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, TypeGuard, get_args, get_origin

import pydantic
import pydantic_core
from pydantic import ConfigDict

from ._typing import is_union, strip_annotated

__all__ = ["BaseModel", "construct_value", "json_loader", "load_json", "type_adapter"]


class BaseModel(pydantic.BaseModel):
    """Base class for the models an SDK returns.

    Unknown fields are kept (``model.extra_field`` works), and a model built from
    a response carries the request id as ``_request_id``.

    >>> class Thing(BaseModel):
    ...     id: str
    >>> Thing.construct(id=1, new_field="kept").to_dict()
    {'id': 1, 'new_field': 'kept'}
    """

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="allow", populate_by_name=True, arbitrary_types_allowed=True, protected_namespaces=()
    )

    # ``_request_id`` is deliberately not a pydantic ``PrivateAttr``: any private
    # attribute makes pydantic-core call back into Python (``init_private_attributes``)
    # for every model it builds, which tripled the cost of a streamed chunk. It is
    # set like an ordinary instance attribute (kept out of dumps, reprs and ``==``)
    # and reads as ``None`` until set, through ``__getattr__`` below.
    if TYPE_CHECKING:
        _request_id: str | None
    else:

        def __getattr__(self, item: str) -> Any:
            if item == "_request_id":
                return None
            return super().__getattr__(item)

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


_ValidateJson = Callable[..., Any]


def _validate_json_of(adapter: pydantic.TypeAdapter[Any]) -> _ValidateJson:
    # The core validator's own method skips TypeAdapter.validate_json's Python
    # wrapper, a sixth of the cost of a small model. A validator that is not built
    # yet (unresolved forward references) is a mock: keep the adapter's method,
    # which builds it when first used.
    validator = adapter.validator
    if isinstance(validator, pydantic_core.SchemaValidator):
        return validator.validate_json
    return adapter.validate_json


def json_loader(tp: Any, *, strict: bool) -> Callable[[str | bytes], Any]:
    """``load_json`` for ``tp`` as one function of the JSON text, built once per type.

    For a stream, which loads the same type once per event.

    >>> load = json_loader(Thing, strict=False)
    >>> load('{"id": "t1"}').id
    't1'
    """
    try:
        return _cached_loader(tp, strict)
    except TypeError:  # unhashable metadata inside Annotated[...]
        return _loader(tp, strict)


@functools.lru_cache(maxsize=512)
def _cached_loader(tp: Any, strict: bool) -> Callable[[str | bytes], Any]:
    return _loader(tp, strict)


def _loader(tp: Any, strict: bool) -> Callable[[str | bytes], Any]:
    validate_json = _validate_json_of(type_adapter(tp))
    if strict:
        return validate_json

    def load(data: str | bytes) -> Any:
        try:
            # Strict, so that nothing is coerced: data that does not fit exactly is
            # kept as sent by construct_value instead.
            return validate_json(data, strict=True)
        except pydantic.ValidationError as exc:
            if is_invalid_json(exc):
                raise
        return construct_value(tp, pydantic_core.from_json(data))

    return load


def load_json(tp: Any, data: str | bytes, *, strict: bool) -> Any:
    """Build ``tp`` from JSON text.

    pydantic-core parses and validates in one pass, through a validator looked up
    once per type. Raises ``pydantic.ValidationError`` when the text is not JSON
    (see ``is_invalid_json``) or, with ``strict``, when the value does not fit
    ``tp``. Without ``strict`` a value that does not fit is built by ``construct_value``.
    """
    return json_loader(tp, strict=strict)(data)


def is_invalid_json(exc: pydantic.ValidationError) -> bool:
    """Whether a validation error says the input was not JSON at all.

    A JSON syntax error is reported alone and at the top level, so only the first
    error is looked at: a large body that merely does not fit may carry thousands.
    """
    if exc.error_count() != 1:
        return False
    (error,) = exc.errors(include_url=False, include_context=False, include_input=False)
    return error["type"] == "json_invalid" and not error["loc"]


class _Shape(enum.Enum):
    """What ``construct_value`` does with a value, by the shape of its annotation."""

    MODEL = "a pydantic model"
    LIST = "list[X]"
    DICT = "dict[K, V]"
    UNION = "a union"
    DATE = "datetime or date"
    OTHER = "anything else: kept as sent"


def _shape_of(tp: Any) -> tuple[_Shape, Any]:
    """The shape of ``tp`` and what building it needs (the class, item type, members)."""
    tp = strip_annotated(tp)
    if _is_model_class(tp):
        return _Shape.MODEL, tp
    origin = get_origin(tp)
    if origin is list:
        (item_type,) = get_args(tp) or (Any,)
        return _Shape.LIST, item_type
    if origin is dict:
        args = get_args(tp)
        return _Shape.DICT, args[1] if len(args) == 2 else Any
    if is_union(tp):
        return _Shape.UNION, _union_members(tp)
    if tp in (datetime.datetime, datetime.date):
        return _Shape.DATE, tp
    return _Shape.OTHER, tp


_Builder = Callable[[Any, object], object]


def _plan_of(tp: Any) -> tuple[_Builder, Any]:
    shape, arg = _shape_of(tp)
    return _BUILDERS[shape], arg


@functools.lru_cache(maxsize=1024)
def _cached_plan(tp: Any) -> tuple[_Builder, Any]:
    return _plan_of(tp)


def construct_value(tp: Any, value: object) -> Any:
    """Build ``value`` into ``tp`` as far as it fits, keeping the rest as sent.

    The annotation is looked at once per type (cached); each value then takes
    one table lookup on the way down.

    >>> construct_value(list[Thing], [{"id": 1}])[0].id
    1
    """
    if value is None:
        return None
    try:
        build, arg = _cached_plan(tp)
    except TypeError:  # unhashable metadata inside Annotated[...]
        build, arg = _plan_of(tp)
    return build(arg, value)


def _construct_list(item_type: Any, value: object) -> object:
    if not _is_list(value):
        return value
    return [construct_value(item_type, item) for item in value]


def _construct_dict(value_type: Any, value: object) -> object:
    if not _is_dict(value):
        return value
    return {key: construct_value(value_type, item) for key, item in value.items()}


def _construct_date(tp: Any, value: object) -> object:
    return _validated_or_none(tp, value) or value


def _construct_model(cls: type[pydantic.BaseModel], data: object) -> object:
    if not _is_mapping(data):
        return data
    fields: dict[str, Any] = {}
    used: set[str] = set()
    for name, field in cls.__pydantic_fields__.items():
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


def _construct_union(members: tuple[Any, ...], value: object) -> object:
    for member in members:
        fitted = _validated_or_none(member, value)
        if fitted is not None:
            return fitted
    if _is_mapping(value):
        keys = value.keys()
        models = [m for m in map(strip_annotated, members) if _is_model_class(m)]
        if models:
            best = max(models, key=lambda m: _fit(m, value, keys))
            return _construct_model(best, value)
    return value


def _union_members(tp: Any) -> tuple[Any, ...]:
    """The members of a union, nested and annotated unions flattened."""
    members: list[Any] = []
    for member in get_args(tp):
        inner = strip_annotated(member)
        members.extend(_union_members(inner) if is_union(inner) else (member,))
    return tuple(members)


def _fit(model: type[pydantic.BaseModel], value: Mapping[str, object], keys: Any) -> int:
    """How well ``value`` fits ``model``: shared keys, and a matching ``Literal`` tag
    (a discriminator) outweighs them all."""
    score = len(keys & model.__pydantic_fields__.keys())
    for name, field in model.__pydantic_fields__.items():
        if name in value and get_origin(field.annotation) is Literal:
            score += 1000 if value[name] in get_args(field.annotation) else -1000
    return score


def _is_model_class(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, pydantic.BaseModel)


# JSON gives str keys; these say so to the type checkers without a cast.
def _is_mapping(value: object) -> TypeGuard[Mapping[str, object]]:
    return isinstance(value, Mapping)


def _is_dict(value: object) -> TypeGuard[dict[str, object]]:
    return isinstance(value, dict)


def _is_list(value: object) -> TypeGuard[list[object]]:
    return isinstance(value, list)


_BUILDERS: dict[_Shape, _Builder] = {
    _Shape.MODEL: _construct_model,
    _Shape.LIST: _construct_list,
    _Shape.DICT: _construct_dict,
    _Shape.UNION: _construct_union,
    _Shape.DATE: _construct_date,
    _Shape.OTHER: lambda _tp, value: value,
}


def _validated_or_none(tp: Any, value: object) -> Any:
    try:
        return type_adapter(tp).validate_python(value)
    except (pydantic.ValidationError, TypeError, ValueError):
        return None
