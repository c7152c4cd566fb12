"""Settings of one workspace.

Precedence: CLI flags > ``BILAG_*`` environment > ``<home>/config.toml`` > defaults.

The workspace (``--home``, else ``$BILAG_HOME``, else ``./.bilag``) holds the
embedded ledger database, the document archive, the learned models and
``config.toml``. A missing workspace is created on first use.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bilag.errors import ConfigError

__all__ = ["Settings", "load_settings"]

DEFAULT_HOME = ".bilag"

_DEFAULT_CONFIG = """\
# bilag workspace configuration. See README.md ("Configuration") for every key.

[company]
# Your own organisation number(s): never taken for a supplier's.
org_numbers = []
name = ""

# [sources.mailbox]
# kind = "imap"
# host = "imap.example.no"
# user = "faktura@example.no"
# password_env = "BILAG_IMAP_PASSWORD"
"""


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    database_url: str
    archive_url: str
    buyer_org_numbers: frozenset[str] = frozenset()
    company_name: str = ""
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def config_path(self) -> Path:
        return self.home / "config.toml"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def policy_path(self) -> Path:
        return self.home / "policy.toml"

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.raw.get(name, {})
        if not isinstance(value, Mapping):
            raise ConfigError(f"{self.config_path}: [{name}] must be a table")
        return value


def _read_config(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: {e}") from e
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from e


def load_settings(
    home: str | os.PathLike[str] | None = None,
    *,
    database_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve the workspace and its settings, creating the workspace if missing."""
    env = os.environ if environ is None else environ
    home_path = Path(home or env.get("BILAG_HOME") or DEFAULT_HOME).expanduser().resolve()
    try:
        home_path.mkdir(parents=True, exist_ok=True)
        config_path = home_path / "config.toml"
        if not config_path.exists():
            _write_atomically(config_path, _DEFAULT_CONFIG)
    except OSError as e:
        raise ConfigError(f"{home_path}: cannot create workspace: {e.strerror}") from e
    raw = _read_config(config_path)
    company = raw.get("company", {})
    if not isinstance(company, dict):
        raise ConfigError(f"{config_path}: [company] must be a table")
    org_numbers = company.get("org_numbers", [])
    if not isinstance(org_numbers, list) or not all(isinstance(o, str) for o in org_numbers):
        raise ConfigError(f"{config_path}: company.org_numbers must be a list of strings")
    storage = raw.get("storage", {}) if isinstance(raw.get("storage"), dict) else {}
    db_url = (
        database_url
        or env.get("BILAG_DATABASE_URL")
        or storage.get("database_url")
        or f"sqlite:///{home_path / 'ledger.sqlite3'}"
    )
    archive_url = (
        env.get("BILAG_ARCHIVE_URL") or storage.get("archive_url") or str(home_path / "archive")
    )
    return Settings(
        home=home_path,
        database_url=db_url,
        archive_url=archive_url,
        buyer_org_numbers=frozenset(o.replace(" ", "") for o in org_numbers),
        company_name=str(company.get("name", "")),
        raw=MappingProxyType(raw),
    )


def _write_atomically(path: Path, content: str) -> None:
    """Write ``path`` whole or not at all: a process killed half-way leaves no half file."""
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    part.write_text(content, encoding="utf-8")
    os.replace(part, path)
