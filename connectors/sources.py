"""Document sources from the workspace configuration's ``[sources.NAME]`` tables.

::

    [sources.mailbox]
    kind = "imap"                      # imap | folder | s3
    host = "imap.example.no"
    security = "ssl"                   # ssl | starttls | plain
    user = "faktura@example.no"
    password_env = "BILAG_IMAP_PASSWORD"   # or password_file, password_block (a Prefect
                                           # Secret, read by the flows), oauth2_token_env ...
    folder = "INBOX"
    after = "move"                     # move | flag
    senders = ["@fjordkraft.no"]       # optional filters
    attachment_names = ["*.pdf", "*.xml"]

    [sources.drop]
    kind = "folder"
    path = "inbox"                     # relative to the workspace

    [sources.bucket]
    kind = "s3"
    bucket = "invoices"
    prefix = "inbox/"
    endpoint_url = "http://127.0.0.1:9000"   # optional, for S3-compatible stores

A password is never read from the configuration file itself: only from an
environment variable or a secrets file named there, or (``*_block``) from a
Prefect Secret block, which the flows resolve: bilag never imports Prefect, so
the command line refuses such a source with a message that says so. Every mistake is a
:class:`~bilag.errors.ConfigError` naming the file and the key. What is allowed
but unsafe (``security = "plain"``: the password and every mail cross the network
unencrypted) is a warning: :func:`source_warnings` lists them, building the source
logs them, and the source repeats them in the log of every run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from connectors.base import DocumentSource
from connectors.filesystem import FolderSource
from connectors.tables import ConfigTable, named_table, table_names

__all__ = ["PLAIN_IMAP", "build_source", "build_sources", "source_names", "source_warnings"]

log = logging.getLogger(__name__)

KINDS = ("imap", "folder", "s3")
PLAIN_IMAP = (
    '"plain" sends the password and every mail unencrypted; use "ssl" (port 993) or "starttls"'
)


def _imap(name: str, t: ConfigTable) -> DocumentSource:
    # imported when configured: imap_tools costs ~0.1-0.3 s of start-up, boto3 (S3) ~1 s
    from connectors.imap import ImapConfig, ImapSource

    token = t.secret("oauth2_token", required=False)
    password = None if token else t.secret("password", required=True)
    security = t.choice("security", ("ssl", "starttls", "plain"), "ssl")
    if security == "plain":
        log.warning("%s.security: %s", t.where, PLAIN_IMAP)
    config = ImapConfig(
        host=t.get("host", str, required=True),
        user=t.get("user", str, required=True),
        port=t.get("port", int),
        security=security,  # type: ignore[arg-type]
        password=password,
        oauth2_token=token,
        folder=t.get("folder", str, "INBOX"),
        after=t.choice("after", ("move", "flag"), "move"),  # type: ignore[arg-type]
        processed_folder=t.get("processed_folder", str, "bilag-processed"),
        failed_folder=t.get("failed_folder", str, "bilag-failed"),
        senders=t.strings("senders"),
        subjects=t.strings("subjects"),
        attachment_names=t.strings("attachment_names"),
        batch_size=t.get("batch_size", int, 50),
        timeout=t.get("timeout", float, 60.0),
        ca_file=t.get("ca_file", str),
    )
    t.check_unknown()
    return ImapSource(name, config)


def _folder(name: str, t: ConfigTable, home: Path) -> DocumentSource:
    def resolve(key: str, default: Path | None) -> Path | None:
        value = t.get(key, str)
        return (home / Path(value).expanduser()) if value else default

    inbox = resolve("path", None)
    if inbox is None:
        raise t.error("path", "is required")
    source = FolderSource(
        name,
        inbox,
        processed_dir=resolve("processed", None),
        failed_dir=resolve("failed", None),
        settle_seconds=t.get("settle_seconds", float, 2.0),
    )
    t.check_unknown()
    return source


def _s3(name: str, t: ConfigTable) -> DocumentSource:
    from connectors.s3 import S3Source, make_client  # boto3: see _imap

    client = make_client(
        t.get("endpoint_url", str),
        t.get("region", str),
        access_key_id=t.secret("access_key_id", required=False),
        secret_access_key=t.secret("secret_access_key", required=False),
    )
    source = S3Source(
        name,
        client,
        t.get("bucket", str, required=True),
        t.get("prefix", str, ""),
        after=t.choice("after", ("tag", "move"), "tag"),  # type: ignore[arg-type]
        processed_prefix=t.get("processed_prefix", str, "processed/"),
        failed_prefix=t.get("failed_prefix", str, "failed/"),
    )
    t.check_unknown()
    return source


def source_names(config: Mapping[str, Any], config_path: Path | str) -> list[str]:
    """The names of the configured sources, in file order."""
    return table_names(config, config_path, "sources")


def source_warnings(config: Mapping[str, Any], config_path: Path | str) -> list[str]:
    """What the configured sources allow but should not: one line each, naming file and key.

    Reads the tables only (no secret is resolved, nothing connects); a table that is
    wrong is left to :func:`build_source`, which raises for it.
    """
    warnings = []
    for name in source_names(config, config_path):
        table = config["sources"][name]
        plain = isinstance(table, Mapping) and table.get("kind") == "imap"
        if plain and table.get("security") == "plain":
            warnings.append(f"{config_path}: sources.{name}.security: {PLAIN_IMAP}")
    return warnings


def build_source(
    name: str,
    config: Mapping[str, Any],
    *,
    config_path: Path | str,
    home: Path,
    environ: Mapping[str, str] | None = None,
    resolver: Callable[[str], str] | None = None,
) -> DocumentSource:
    """One configured source.

    Args:
        name: the ``NAME`` of ``[sources.NAME]``.
        config: the whole parsed configuration file.
        config_path: the file, for error messages.
        home: the workspace; relative folder paths are resolved against it.
        environ: where ``*_env`` secrets are looked up (default ``os.environ``).
        resolver: reads ``*_block`` secrets (Prefect Secret blocks); the flows pass one.

    Raises:
        ConfigError: the source is missing or its table is wrong (names file and key).
    """
    t = named_table(ConfigTable, config, config_path, "sources", name, environ, resolver)
    kind = t.get("kind", str, required=True)
    if kind == "imap":
        return _imap(name, t)
    if kind == "folder":
        return _folder(name, t, home)
    if kind == "s3":
        return _s3(name, t)
    raise t.error("kind", f"must be one of {', '.join(KINDS)}, not {kind!r}")


def build_sources(
    config: Mapping[str, Any],
    *,
    config_path: Path | str,
    home: Path,
    names: Iterable[str] | None = None,
    environ: Mapping[str, str] | None = None,
    resolver: Callable[[str], str] | None = None,
) -> dict[str, DocumentSource]:
    """Every configured source (or the ``names`` given), by name."""
    wanted = list(names) if names is not None else source_names(config, config_path)
    return {
        n: build_source(
            n, config, config_path=config_path, home=home, environ=environ, resolver=resolver
        )
        for n in wanted
    }
