"""Settings of one workspace.

Precedence: CLI flags > ``BILAG_*`` environment > ``<home>/config.toml`` > defaults.

The workspace (``--home``, else ``$BILAG_HOME``, else ``./.bilag``) holds the
embedded ledger database, the document archive, the learned models and
``config.toml``. A folder is a workspace when it holds ``config.toml``. A missing
workspace is created on first use by the commands that write (the contract), and by
``bilag init``; the read-only commands (``queue``, ``status``, ``export``, ``show``,
``history``) refuse a
folder that is not one (``load_settings(..., create=False)``).
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bilag.errors import ConfigError

__all__ = [
    "NotAWorkspaceError",
    "Settings",
    "init_workspace",
    "is_workspace",
    "load_settings",
    "resolve_home",
]

DEFAULT_HOME = ".bilag"

_CONFIG_TEMPLATE = """\
# bilag workspace configuration. See README.md ("Configuration") for every key.

[company]
# Your own organisation number(s): never taken for a supplier's.
org_numbers = {org_numbers}
name = {name}
# contact = "Kari Nordmann"          # SAF-T: the company's contact person
# [company.address]                  # SAF-T: the company's address
# street = "Storgata"
# number = "1"
# postal_code = "0155"
# city = "Oslo"
# country = "NO"

# [sources.mailbox]
# kind = "imap"
# host = "imap.example.no"
# user = "faktura@example.no"
# password_env = "BILAG_IMAP_PASSWORD"
"""
_DEFAULT_CONFIG = _CONFIG_TEMPLATE.format(org_numbers="[]", name='""')


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


class NotAWorkspaceError(ConfigError):
    """A read-only command was pointed at a folder that is not a workspace."""


def resolve_home(
    home: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The workspace folder: ``home``, else ``$BILAG_HOME``, else ``./.bilag`` (absolute)."""
    env = os.environ if environ is None else environ
    return Path(home or env.get("BILAG_HOME") or DEFAULT_HOME).expanduser().resolve()


def is_workspace(home: Path) -> bool:
    return (home / "config.toml").is_file()


def init_workspace(
    home: str | os.PathLike[str] | None = None,
    *,
    name: str = "",
    org_numbers: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> tuple[Path, bool]:
    """Create a workspace with its ``config.toml`` (the company's name and numbers filled in).

    Returns:
        The workspace folder, and whether it was created (False: it was one already,
        and nothing in it was changed).

    Raises:
        ConfigError: the folder cannot be made, or an org number is not digits.
    """
    home_path = resolve_home(home, environ)
    if is_workspace(home_path):
        return home_path, False
    numbers = [o.replace(" ", "") for o in org_numbers]
    wrong = [o for o in numbers if not o.isdigit()]
    if wrong:
        raise ConfigError(f"not an organisation number (digits only): {', '.join(wrong)}")
    text = _CONFIG_TEMPLATE.format(
        org_numbers=json.dumps(numbers), name=json.dumps(name, ensure_ascii=False)
    )
    try:
        home_path.mkdir(parents=True, exist_ok=True)
        (home_path / "config.toml").write_text(text, encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{home_path}: cannot create workspace: {e.strerror}") from e
    return home_path, True


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
    create: bool = True,
) -> Settings:
    """Resolve the workspace and its settings.

    Args:
        create: make the workspace when missing (the commands that write); False refuses
            a folder that is not a workspace (the read-only commands).

    Raises:
        NotAWorkspaceError: ``create`` is False and the folder holds no ``config.toml``.
        ConfigError: the configuration is unreadable or wrong.
    """
    env = os.environ if environ is None else environ
    home_path = resolve_home(home, env)
    config_path = home_path / "config.toml"
    if not create and not is_workspace(home_path):
        raise NotAWorkspaceError(
            f"{home_path}: not a bilag workspace (no config.toml): "
            f"give --home the workspace, or create one with `bilag init --home {home_path}`"
        )
    try:
        home_path.mkdir(parents=True, exist_ok=True)
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
    part.replace(path)
