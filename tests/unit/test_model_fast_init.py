"""The model's fast constructors behave like the dataclass ones they replace."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal

import pytest

from bilag.domain import model
from bilag.domain.model import Address, Finding, Invoice, InvoiceLine, Party, Severity, make

CLASSES = [
    obj
    for obj in vars(model).values()
    if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == model.__name__
]


def test_every_model_dataclass_has_the_fast_init():
    assert {c.__name__ for c in CLASSES} >= {"Invoice", "InvoiceLine", "Party", "Finding"}
    for cls in CLASSES:
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
        source, _ = model.init_source(cls)
        assert "_set(self, '__dict__'" in source


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


def test_make_is_the_constructor_with_a_dict():
    values = {"line_id": "1", "quantity": Decimal("1.50"), "item_name": "x"}
    assert make(InvoiceLine, values) == InvoiceLine(**values)
    assert vars(make(InvoiceLine, values)) == vars(InvoiceLine(**values))
    assert list(vars(make(InvoiceLine, values))) == [
        f.name for f in dataclasses.fields(InvoiceLine)
    ]
    made = make(Invoice, {"source": "a", "parser": "ehf", "document_type": None})
    assert made == Invoice("a", "ehf", None)  # the factories ran
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        make(Address, {"colour": "red"})
    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        make(Invoice, {"source": "a", "parser": "ehf"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.source = "b"  # type: ignore[misc]


def test_fields_the_fast_init_cannot_set_are_refused():
    @dataclasses.dataclass(frozen=True)
    class Later:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    with pytest.raises(TypeError, match="does not handle Later"):
        model.fast_init(Later)
