"""transform / async_transform: TypedDict parameters become the JSON an API expects."""

from __future__ import annotations

import base64
import datetime
import io
import typing
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Literal, NotRequired, Optional, Required, Union

import pydantic
import pytest
import typing_extensions
from typing_extensions import ReadOnly, TypeAliasType, TypedDict

from sdkcore import BaseModel
from sdkcore._transform import PropertyInfo, async_transform, transform
from sdkcore._types import NOT_GIVEN, Omit

pytestmark = pytest.mark.anyio

DAY = datetime.date(2024, 5, 1)
MOMENT = datetime.datetime(2024, 5, 1, 12, 30, 5, tzinfo=datetime.UTC)
Timestamp = Annotated[datetime.datetime, PropertyInfo(format="iso8601")]


class Item(TypedDict, total=False):
    item_name: Required[Annotated[str, PropertyInfo(alias="itemName")]]
    quantity: int
    added: Timestamp


class Params(TypedDict, total=False):
    max_tokens: Annotated[int, PropertyInfo(alias="maxTokens")]
    created_after: Annotated[datetime.date, PropertyInfo(format="iso8601")]
    items: list[Item]
    by_name: dict[str, Item]
    parent: Item | None
    sequence: Sequence[Item]
    iterable: Iterable[Item]
    day_text: Annotated[datetime.date, PropertyInfo(format="custom", format_template="%d/%m/%Y")]
    moments: Annotated[list[datetime.datetime], PropertyInfo(format="iso8601")]
    updated_at: Annotated[Timestamp, PropertyInfo(alias="updatedAt")]
    not_required: NotRequired[Annotated[int, PropertyInfo(alias="notRequired")]]
    read_only: ReadOnly[Annotated[int, PropertyInfo(alias="readOnly")]]
    required_outside: Annotated[Required[int], PropertyInfo(alias="requiredOutside")]


class Thing(BaseModel):
    thing_id: str = pydantic.Field(alias="thingId")
    size: int | None = None
    made: datetime.date | None = None


def thing_of(thing_id: str, **fields: object) -> Thing:
    return Thing.model_validate({"thingId": thing_id, **fields})


class WithModel(TypedDict, total=False):
    thing: Thing
    things: list[Thing]
    either: Thing | Item


class Cat(TypedDict):
    kind: Literal["cat"]
    lives: Annotated[int, PropertyInfo(alias="livesLeft")]


class Dog(TypedDict):
    kind: Literal["dog"]
    lives: Annotated[int, PropertyInfo(alias="dogYears")]


class Pets(TypedDict, total=False):
    pet: Cat | Dog
    tagged: Annotated[Cat | Dog, PropertyInfo(discriminator="kind")]
    many: list[Union[Cat, Dog]]  # noqa: UP007  # typing.Union too


class Upload(TypedDict, total=False):
    data: Annotated[bytes | typing.IO[bytes] | Path, PropertyInfo(format="base64")]
    files: Annotated[list[Path], PropertyInfo(format="base64")]
    name: str


class PlainStd(typing.TypedDict, total=False):
    a: int
    b: list[str]
    nested: Optional[PlainStd]  # noqa: UP045  # typing.Optional too


class Tree(TypedDict, total=False):
    label: Annotated[str, PropertyInfo(alias="Label")]
    children: list[Tree]


ItemAlias = TypeAliasType("ItemAlias", list[Item])


class WithAlias(TypedDict, total=False):
    rows: ItemAlias


def test_alias_renames_the_key() -> None:
    assert transform({"max_tokens": 5}, Params) == {"maxTokens": 5}


def test_iso8601_formats_dates_and_datetimes() -> None:
    data = {"created_after": DAY, "updated_at": MOMENT}
    assert transform(data, Params) == {
        "created_after": "2024-05-01",
        "updatedAt": "2024-05-01T12:30:05+00:00",
    }


def test_custom_format_uses_the_template() -> None:
    assert transform({"day_text": DAY}, Params) == {"day_text": "01/05/2024"}


def test_a_format_reaches_the_items_of_a_list_it_annotates() -> None:
    assert transform({"moments": [MOMENT, MOMENT]}, Params) == {
        "moments": ["2024-05-01T12:30:05+00:00"] * 2
    }


def test_a_format_from_a_type_alias_merges_with_the_keys_alias() -> None:
    assert transform({"updated_at": MOMENT}, Params) == {"updatedAt": MOMENT.isoformat()}


def test_a_formatted_key_with_a_value_of_another_type_is_left_as_is() -> None:
    assert transform({"created_after": "yesterday"}, Params) == {"created_after": "yesterday"}


def test_nested_typeddicts_in_lists_dicts_sequences_and_optionals() -> None:
    item = {"item_name": "a", "added": MOMENT}
    wire = {"itemName": "a", "added": MOMENT.isoformat()}
    data = {"items": [item], "by_name": {"x": item}, "parent": item, "sequence": (item,)}
    assert transform(data, Params) == {
        "items": [wire],
        "by_name": {"x": wire},
        "parent": wire,
        "sequence": [wire],
    }


def test_an_iterable_is_consumed_into_a_json_array() -> None:
    rows = ({"item_name": str(n)} for n in range(3))
    assert transform({"iterable": rows}, Params) == {
        "iterable": [{"itemName": "0"}, {"itemName": "1"}, {"itemName": "2"}]
    }


def test_none_for_an_optional_typeddict_stays_none() -> None:
    assert transform({"parent": None}, Params) == {"parent": None}


def test_required_not_required_and_read_only_are_looked_through() -> None:
    data = {"not_required": 1, "read_only": 2, "required_outside": 3}
    assert transform(data, Params) == {"notRequired": 1, "readOnly": 2, "requiredOutside": 3}


def test_not_given_and_omit_are_dropped_at_every_depth() -> None:
    data = {"max_tokens": NOT_GIVEN, "parent": {"item_name": "a", "quantity": Omit()}}
    assert transform(data, Params) == {"parent": {"itemName": "a"}}


def test_keys_the_type_does_not_name_pass_through_untouched() -> None:
    extra = {"when": DAY, "list": [1]}
    out = transform({"max_tokens": 1, "extra": extra, "raw": DAY}, Params)
    assert out == {"maxTokens": 1, "extra": extra, "raw": DAY}
    assert isinstance(out, dict)
    assert out["extra"] is extra


def test_the_input_is_never_changed() -> None:
    def make() -> dict[str, object]:
        return {"items": [{"item_name": "a", "added": MOMENT}], "max_tokens": NOT_GIVEN}

    data = make()
    transform(data, Params)
    assert data == make()


def test_a_pydantic_model_value_is_dumped_as_json_by_alias_without_unset_fields() -> None:
    thing = thing_of("t1", made=DAY)
    data = {"thing": thing, "things": [thing_of("t2")]}
    assert transform(data, WithModel) == {
        "thing": {"thingId": "t1", "made": "2024-05-01"},
        "things": [{"thingId": "t2"}],
    }


def test_a_union_of_a_model_and_a_typeddict_picks_by_the_values_shape() -> None:
    assert transform({"either": thing_of("t")}, WithModel) == {"either": {"thingId": "t"}}
    assert transform({"either": {"item_name": "i"}}, WithModel) == {"either": {"itemName": "i"}}


def test_a_model_where_a_typeddict_is_expected_is_dumped() -> None:
    assert transform({"parent": thing_of("t")}, Params) == {"parent": {"thingId": "t"}}


def test_a_union_of_typeddicts_picks_the_member_whose_literal_tag_matches() -> None:
    assert transform({"pet": {"kind": "dog", "lives": 3}}, Pets) == {
        "pet": {"kind": "dog", "dogYears": 3}
    }
    assert transform(
        {"many": [{"kind": "cat", "lives": 9}, {"kind": "dog", "lives": 1}]}, Pets
    ) == {"many": [{"kind": "cat", "livesLeft": 9}, {"kind": "dog", "dogYears": 1}]}


def test_a_discriminator_picks_the_member_by_its_tag() -> None:
    assert transform({"tagged": {"kind": "dog", "lives": 2}}, Pets) == {
        "tagged": {"kind": "dog", "dogYears": 2}
    }


def test_a_union_of_typeddicts_picks_the_member_sharing_most_keys() -> None:
    class A(TypedDict, total=False):
        a_only: Annotated[int, PropertyInfo(alias="A")]
        shared: int

    class B(TypedDict, total=False):
        b_only: Annotated[int, PropertyInfo(alias="B")]
        shared: int

    assert transform({"b_only": 1, "shared": 2}, A | B) == {"B": 1, "shared": 2}
    assert transform({"a_only": 1}, Union[A, B]) == {"A": 1}  # noqa: UP007  # typing.Union too


def test_typing_and_typing_extensions_typeddicts_both_work() -> None:
    data: dict[str, object] = {"a": 1, "b": ["x"], "nested": {"a": NOT_GIVEN, "b": []}}
    assert transform(data, PlainStd) == {"a": 1, "b": ["x"], "nested": {"b": []}}


def test_a_type_alias_type_is_looked_through() -> None:
    assert transform({"rows": [{"item_name": "r"}]}, WithAlias) == {"rows": [{"itemName": "r"}]}


def test_a_recursive_typeddict_transforms_every_level() -> None:
    tree: dict[str, object] = {"label": "root", "children": [{"label": "leaf", "children": []}]}
    assert transform(tree, Tree) == {
        "Label": "root",
        "children": [{"Label": "leaf", "children": []}],
    }


def test_top_level_lists_and_annotated_types_are_transformed() -> None:
    assert transform([{"item_name": "a"}], list[Item]) == [{"itemName": "a"}]
    assert transform(DAY, Annotated[datetime.date, PropertyInfo(format="iso8601")]) == "2024-05-01"


def test_a_type_without_anything_to_do_returns_the_data_itself() -> None:
    data = {"a": [1, 2], "b": {"c": DAY}}
    assert transform(data, dict[str, object]) is data
    assert transform(data, list[int]) is data


def test_base64_encodes_bytes_streams_and_paths(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00from disk\xff")
    out = transform(
        {"data": b"raw bytes", "files": [path], "name": "n"},
        Upload,
    )
    assert out == {
        "data": base64.b64encode(b"raw bytes").decode(),
        "files": [base64.b64encode(b"\x00from disk\xff").decode()],
        "name": "n",
    }
    stream = io.BytesIO(b"from a stream")
    assert transform({"data": stream}, Upload) == {
        "data": base64.b64encode(b"from a stream").decode()
    }


def test_base64_refuses_a_text_mode_file_naming_binary_mode(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"binary mode \('rb'\)"):
        transform({"data": io.StringIO("text")}, Upload)


async def test_async_transform_reads_paths_and_streams_through_anyio(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"async disk")
    out = await async_transform({"files": [path, path], "data": io.BytesIO(b"s")}, Upload)
    encoded = base64.b64encode(b"async disk").decode()
    assert out == {"files": [encoded, encoded], "data": base64.b64encode(b"s").decode()}


async def test_async_transform_matches_transform_without_files() -> None:
    data = {"items": ({"item_name": str(n), "added": MOMENT} for n in range(2)), "max_tokens": 1}
    again = {"items": [{"item_name": str(n), "added": MOMENT} for n in range(2)], "max_tokens": 1}
    assert await async_transform(data, Params) == transform(again, Params)


def test_each_type_is_analysed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    class Fresh(TypedDict, total=False):
        when: Annotated[datetime.date, PropertyInfo(format="iso8601")]
        item: Item

    calls: list[object] = []
    real = typing_extensions.get_type_hints

    def counting(tp: object, *args: object, **kwargs: object) -> dict[str, object]:
        calls.append(tp)
        return real(tp, *args, **kwargs)  # type: ignore[arg-type]  # passed on unchanged

    monkeypatch.setattr(typing_extensions, "get_type_hints", counting)
    for _ in range(3):
        assert transform({"when": DAY, "item": {"item_name": "x"}}, Fresh) == {
            "when": "2024-05-01",
            "item": {"itemName": "x"},
        }
    assert calls == [Fresh, Item]


def test_an_unresolvable_annotation_raises_type_error_naming_the_typeddict() -> None:
    class Broken(TypedDict):
        x: Missing  # type: ignore[name-defined]  # noqa: F821  # the point of the test

    with pytest.raises(TypeError, match=r"annotations of .*Broken.*Missing"):
        transform({"x": 1}, Broken)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"format": "iso"},
        {"format": "custom"},
        {"format": "iso8601", "format_template": "%Y"},
        {"format_template": "%Y"},
    ],
)
def test_property_info_refuses_bad_formats(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="PropertyInfo"):
        PropertyInfo(**kwargs)  # type: ignore[arg-type]  # the point of the test


def test_property_info_is_hashable_so_annotated_types_are_cached() -> None:
    assert hash(PropertyInfo(alias="a")) == hash(PropertyInfo(alias="a"))
