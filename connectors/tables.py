"""The configuration's named tables (``[sources.NAME]``, ``[sinks.NAME]``): found by
name and read with types and secrets, so that both kinds behave and fail alike."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from bilag.errors import ConfigError

__all__ = ["ConfigTable", "named_table", "table_names"]

TableT = TypeVar("TableT", bound="ConfigTable")


class ConfigTable:
    """Typed access to one ``[sources.NAME]`` or ``[sinks.NAME]``: errors name file and key."""

    def __init__(
        self,
        table: Mapping[str, Any],
        where: str,
        environ: Mapping[str, str],
        resolver: Callable[[str], str] | None = None,
    ) -> None:
        self.table = table
        self.where = where
        self.environ = environ
        self.resolver = resolver  # reads ``*_block`` secrets (Prefect Secret blocks)
        self.used: set[str] = {"kind"}

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.where}.{key}: {message}")

    def get(self, key: str, kind: type, default: Any = None, *, required: bool = False) -> Any:
        self.used.add(key)
        if key not in self.table:
            if required:
                raise self.error(key, "is required")
            return default
        value = self.table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(key, f"must be a {kind.__name__}, not {type(value).__name__}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key, list, [])
        if not all(isinstance(v, str) for v in value):
            raise self.error(key, "must be a list of strings")
        return tuple(value)

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = str(self.get(key, str, default))
        if value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def secret(self, stem: str, *, required: bool) -> str | None:
        """The value of ``<stem>_block`` (a Prefect Secret, through the resolver),
        ``<stem>_env`` (an environment variable) or ``<stem>_file``."""
        if stem in self.table:
            raise self.error(
                stem, f"a clear-text secret is not allowed here; use {stem}_env or {stem}_file"
            )
        block = self.get(f"{stem}_block", str)
        if block:
            if self.resolver is None:
                raise self.error(
                    f"{stem}_block",
                    f"Prefect Secret block {block!r} is read only when the flows run; "
                    f"on the command line use {stem}_env or {stem}_file",
                )
            return self.resolver(block)
        env_name = self.get(f"{stem}_env", str)
        file_name = self.get(f"{stem}_file", str)
        if env_name:
            value = self.environ.get(env_name)
            if value is None:
                raise self.error(f"{stem}_env", f"environment variable {env_name} is not set")
            return value
        if file_name:
            try:
                return Path(file_name).expanduser().read_text(encoding="utf-8").strip()
            except OSError as e:
                raise self.error(f"{stem}_file", f"cannot read {file_name}: {e.strerror}") from e
        if required:
            raise self.error(f"{stem}_env", f"set {stem}_env or {stem}_file")
        return None

    def check_unknown(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise self.error(unknown[0], "unknown key")


def table_names(config: Mapping[str, Any], config_path: Path | str, section: str) -> list[str]:
    """The names of the ``[section.NAME]`` tables, in file order."""
    tables = config.get(section, {})
    if not isinstance(tables, Mapping):
        raise ConfigError(f"{config_path}: [{section}] must be a table of [{section}.NAME] tables")
    return list(tables)


def named_table(
    kind: type[TableT],
    config: Mapping[str, Any],
    config_path: Path | str,
    section: str,
    name: str,
    environ: Mapping[str, str] | None,
    resolver: Callable[[str], str] | None,
) -> TableT:
    """The ``[section.NAME]`` table, read as ``kind`` (a :class:`ConfigTable`).

    Raises:
        ConfigError: no such table (naming those there are), or it is not a table.
    """
    names = table_names(config, config_path, section)
    if name not in names:
        known = ", ".join(names) or "none configured"
        raise ConfigError(f"{config_path}: no [{section}.{name}] (known: {known})")
    table = config[section][name]
    where = f"{config_path}: {section}.{name}"
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: must be a table")
    return kind(table, where, os.environ if environ is None else environ, resolver)
