"""The model's value objects, and the EHF reader's one-step constructor for them."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal

import pytest

from bilag.domain import model
from bilag.domain.model import Address, Finding, Invoice, InvoiceLine, Party, Severity
from parsers.ehf.construct import construct

CLASSES = [
    obj
    for obj in vars(model).values()
    if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == model.__name__
]


def test_every_model_dataclass_is_frozen_and_built_alike_in_one_step():
    assert {c.__name__ for c in CLASSES} >= {"Invoice", "InvoiceLine", "Party", "Finding"}
    for cls in CLASSES:
        assert cls.__dataclass_params__.frozen, cls  # type: ignore[attr-defined]
        values = dict(zip(_required(cls), _required(cls), strict=True))
        assert construct(cls, values) == cls(**values)


def _required(cls: type) -> list[str]:
    return [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]


def test_instances_stay_frozen_hashable_and_comparable():
    line = InvoiceLine(quantity=Decimal("2"), line_id="1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.quantity = Decimal(3)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del line.line_id  # type: ignore[misc]
    assert line == InvoiceLine(line_id="1", quantity=Decimal("2"))
    assert hash(line) == hash(InvoiceLine(line_id="1", quantity=Decimal("2")))
    assert repr(Address(city="Oslo")).startswith("Address(street=None, additional_street=None")
    assert dataclasses.replace(line, line_id="2").line_id == "2"
    assert copy.deepcopy(line) == line
    assert Finding("R", Severity.FATAL, "m") == Finding(
        rule="R", severity=Severity.FATAL, message="m"
    )


def test_defaults_factories_and_errors_are_the_dataclass_ones():
    invoice = Invoice("a.xml", "ehf", None)
    assert (
        invoice.supplier == Party() and invoice.supplier is not Invoice("b", "ehf", None).supplier
    )
    assert invoice.lines == () and dict(invoice.confidence) == {}
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Address(colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="missing 3 required positional arguments"):
        Invoice()  # type: ignore[call-arg]


def test_construct_is_the_constructor_with_a_dict():
    values = {"line_id": "1", "quantity": Decimal("1.50"), "item_name": "x"}
    assert construct(InvoiceLine, values) == InvoiceLine(**values)
    assert vars(construct(InvoiceLine, values)) == vars(InvoiceLine(**values))
    assert list(vars(construct(InvoiceLine, values))) == [
        f.name for f in dataclasses.fields(InvoiceLine)
    ]
    made = construct(Invoice, {"source": "a", "parser": "ehf", "document_type": None})
    assert made == Invoice("a", "ehf", None)  # the factories ran
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        construct(Address, {"colour": "red"})
    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        construct(Invoice, {"source": "a", "parser": "ehf"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.source = "b"  # type: ignore[misc]


def test_classes_construct_cannot_set_in_one_step_are_refused():
    @dataclasses.dataclass(frozen=True)
    class Later:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Slotted:
        a: int

    with pytest.raises(TypeError, match="does not handle Later"):
        construct(Later, {"a": 1})
    with pytest.raises(TypeError, match="cannot set Slotted"):
        construct(Slotted, {"a": 1})
