"""Between result rows and row dataclasses: columns read and written by their field's name,
times made aware."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["aware", "maybe_aware", "row_of", "values_of"]

R = TypeVar("R", bound="DataclassInstance")


def row_of(cls: type[R], m: Mapping[Any, Any], **converted: Any) -> R:
    """A ``cls`` whose every field is the column of the same name in ``m``, except the
    fields given in ``converted`` (a column that needs a type of its own)."""
    plain = {f.name: m[f.name] for f in fields(cls) if f.name not in converted}
    return cls(**plain, **converted)


def values_of(row: DataclassInstance, **more: Any) -> dict[str, Any]:
    """The columns to insert for ``row`` (the other way of :func:`row_of`): each field under
    its name, and the columns ``more`` names (those the dataclass does not carry)."""
    return {f.name: getattr(row, f.name) for f in fields(row)} | more


def aware(at: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def maybe_aware(at: datetime | None) -> datetime | None:
    return None if at is None else aware(at)
