"""The model's frozen dataclasses built from a dict of values in one step, for the EHF
reader's hot path (a 10-line invoice builds about 30 of them).

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``;
:func:`construct` copies the class's defaults and hands the instance its ``__dict__``
whole instead, which makes the reader's own time markedly shorter (``docs/ehf.md``).
That is why the domain's dataclasses keep a ``__dict__`` (no ``slots=True``). The
result is the constructor's: anything unusual (an unknown or missing name, a
default factory to call) is left to ``cls(**values)`` itself, errors included.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

__all__ = ["construct"]

_T = TypeVar("_T")

_FACTORY = object()  # the default of a field that has a default factory, or none

# class -> (every field's default or _FACTORY; the names of the _FACTORY fields)
_DEFAULTS: dict[type, tuple[dict[str, Any], tuple[str, ...]]] = {}


def _defaults(cls: type) -> tuple[dict[str, Any], tuple[str, ...]]:
    known = _DEFAULTS.get(cls)
    if known is None:
        fields = dataclasses.fields(cls)
        if hasattr(cls, "__post_init__") or "__slots__" in vars(cls):
            raise TypeError(f"construct() cannot set {cls.__name__} in one step")
        if any(not f.init or f.kw_only for f in fields):
            raise TypeError(f"construct() does not handle {cls.__name__}'s fields")
        defaults = {
            f.name: _FACTORY if f.default is dataclasses.MISSING else f.default for f in fields
        }
        special = tuple(name for name, value in defaults.items() if value is _FACTORY)
        known = _DEFAULTS[cls] = defaults, special
    return known


def construct(cls: type[_T], values: Mapping[str, Any]) -> _T:
    """``cls(**values)`` for a frozen dataclass of the domain model, in one step."""
    defaults, special = _defaults(cls)
    state = defaults.copy()
    state.update(values)
    if len(state) != len(defaults):
        return cls(**values)  # an unknown name: the constructor's TypeError
    for name in special:
        if state[name] is _FACTORY:
            return cls(**values)  # a factory to call, or a missing argument
    instance: _T = object.__new__(cls)
    object.__setattr__(instance, "__dict__", state)
    return instance
