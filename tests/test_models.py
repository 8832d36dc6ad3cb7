"""``sdkcore.BaseModel``: extra fields kept, ``construct`` never fails on shape, dumps."""

from __future__ import annotations

import datetime
import json
from typing import Annotated, Literal

import pydantic

from sdkcore import BaseModel


class Inner(BaseModel):
    n: int


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


Pet = Annotated[Cat | Dog, pydantic.Field(discriminator="kind")]


class Outer(BaseModel):
    id: str
    inner: Inner
    items: list[Inner] = pydantic.Field(default_factory=list)
    by_name: dict[str, Inner] = pydantic.Field(default_factory=dict)
    when: datetime.datetime | None = None
    pet: Pet | None = None
    renamed: int = pydantic.Field(default=0, alias="Renamed")


def test_construct_builds_nested_models_lists_and_dicts() -> None:
    outer = Outer.construct(
        id="o1", inner={"n": 1}, items=[{"n": 2}], by_name={"a": {"n": 3}}, Renamed=4
    )
    assert isinstance(outer.inner, Inner)
    assert outer.inner.n == 1
    assert isinstance(outer.items[0], Inner)
    assert outer.by_name["a"].n == 3
    assert outer.renamed == 4


def test_construct_keeps_mistyped_and_extra_fields_as_sent() -> None:
    outer = Outer.construct(id=5, inner={"n": "not a number", "more": [1]}, surprise={"x": 1})
    assert outer.id == 5
    assert outer.inner.n == "not a number"
    assert outer.inner.more == [1]  # type: ignore[attr-defined]  # an extra field, kept
    assert outer.surprise == {"x": 1}  # type: ignore[attr-defined]  # an extra field, kept


def test_construct_never_fails_on_a_missing_required_field() -> None:
    outer = Outer.construct(inner={"n": 1})
    assert outer.inner.n == 1
    assert "id" not in outer.model_fields_set


def test_construct_parses_datetimes_and_picks_the_union_member_that_fits() -> None:
    outer = Outer.construct(
        id="o", inner={"n": 1}, when="2024-05-01T10:00:00Z", pet={"kind": "dog", "good": True}
    )
    assert outer.when == datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.UTC)
    assert isinstance(outer.pet, Dog)


def test_construct_builds_the_closest_union_member_from_data_that_fits_none() -> None:
    outer = Outer.construct(id="o", inner={"n": 1}, pet={"kind": "dog", "good": "very"})
    assert isinstance(outer.pet, Dog)
    assert outer.pet.good == "very"


def test_construct_with_fields_set_records_them() -> None:
    inner = Inner.construct({"n"}, n=1)
    assert inner.model_fields_set == {"n"}


def test_to_dict_uses_api_names_and_leaves_out_unset_fields() -> None:
    outer = Outer.construct(id="o1", inner={"n": 1}, Renamed=2)
    assert outer.to_dict() == {"id": "o1", "inner": {"n": 1}, "Renamed": 2}
    assert outer.to_dict(use_api_names=False)["renamed"] == 2


def test_to_json_round_trips_through_json() -> None:
    outer = Outer.construct(id="o1", inner={"n": 1}, when="2024-05-01T10:00:00Z")
    decoded = json.loads(outer.to_json(indent=None))
    assert decoded == {"id": "o1", "inner": {"n": 1}, "when": "2024-05-01T10:00:00Z"}


def test_a_model_built_directly_has_no_request_id() -> None:
    assert Inner(n=1)._request_id is None
