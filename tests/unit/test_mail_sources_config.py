"""Sources from ``[sources.NAME]``: secrets never in clear text, errors name file and key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bilag.errors import ConfigError
from connectors.filesystem import FolderSource
from connectors.imap import ImapSource
from connectors.s3 import S3Source
from connectors.sources import build_source, build_sources, source_warnings

CONF = Path("/ws/config.toml")


def _build(table: dict[str, Any], env: dict[str, str] | None = None, name: str = "m") -> Any:
    return build_source(
        name, {"sources": {name: table}}, config_path=CONF, home=Path("/ws"), environ=env or {}
    )


def test_imap_password_comes_from_the_environment() -> None:
    source = _build(
        {"kind": "imap", "host": "imap.x.no", "user": "f@x.no", "password_env": "PW"},
        {"PW": "hemmelig"},
    )
    assert isinstance(source, ImapSource)
    assert source.config.password == "hemmelig" and source.config.security == "ssl"
    assert source.config.effective_port == 993


def test_imap_password_from_a_secrets_file_and_starttls(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("fra-fil\n", encoding="utf-8")
    source = _build(
        {
            "kind": "imap",
            "host": "h",
            "user": "u",
            "password_file": str(secret),
            "security": "starttls",
            "attachment_names": ["*.pdf"],
        }
    )
    assert source.config.password == "fra-fil" and source.config.effective_port == 143
    assert source.config.attachment_names == ("*.pdf",)


def test_oauth2_token_replaces_the_password() -> None:
    source = _build(
        {"kind": "imap", "host": "h", "user": "u", "oauth2_token_env": "TOK"}, {"TOK": "ya29"}
    )
    assert source.config.oauth2_token == "ya29" and source.config.password is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"kind": "imap", "host": "h", "user": "u", "password": "x"}, "sources.m.password"),
        ({"kind": "imap", "host": "h", "user": "u"}, "sources.m.password_env"),
        ({"kind": "imap", "host": "h", "user": "u", "password_env": "NOPE"}, "NOPE is not set"),
        ({"kind": "imap", "user": "u", "password_env": "PW"}, "sources.m.host: is required"),
        ({"kind": "imap", "host": "h", "user": "u", "password_env": "PW", "port": "x"}, "port"),
        ({"kind": "ftp"}, "sources.m.kind"),
        ({"kind": "folder"}, "sources.m.path"),
        ({"kind": "folder", "path": "in", "colour": "blue"}, "sources.m.colour: unknown key"),
        ({"kind": "s3", "prefix": "x/"}, "sources.m.bucket"),
    ],
)
def test_mistakes_are_config_errors_naming_file_and_key(
    table: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        _build(table, {"PW": "x"})
    assert str(info.value).startswith(str(CONF))


def test_an_unknown_source_name_lists_the_known_ones() -> None:
    config = {"sources": {"drop": {"kind": "folder", "path": "in"}}}
    with pytest.raises(ConfigError, match="known: drop"):
        build_source("mailbox", config, config_path=CONF, home=Path("/ws"))


def test_folder_paths_are_relative_to_the_workspace_and_s3_takes_an_endpoint() -> None:
    config = {
        "sources": {
            "drop": {"kind": "folder", "path": "innboks", "settle_seconds": 0},
            "bucket": {"kind": "s3", "bucket": "b", "endpoint_url": "http://127.0.0.1:9"},
        }
    }
    sources = build_sources(config, config_path=CONF, home=Path("/ws"), environ={})
    drop, bucket = sources["drop"], sources["bucket"]
    assert isinstance(drop, FolderSource) and drop.inbox == Path("/ws/innboks")
    assert isinstance(bucket, S3Source) and bucket.client.meta.endpoint_url == "http://127.0.0.1:9"


def test_oauth2_token_logs_in_with_xoauth2(monkeypatch: pytest.MonkeyPatch) -> None:
    import connectors.imap as imap

    calls: list[tuple[str, ...]] = []

    class FakeMailBox:
        def __init__(self, host: str, port: int, timeout: float) -> None:
            calls.append(("connect", host, str(port)))

        def xoauth2(self, user: str, token: str, initial_folder: str) -> FakeMailBox:
            calls.append(("xoauth2", user, token, initial_folder))
            return self

        def login(self, *args: Any, **kwargs: Any) -> FakeMailBox:
            raise AssertionError("a token must not fall back to a password login")

    monkeypatch.setattr(imap, "MailBoxUnencrypted", FakeMailBox)
    config = imap.ImapConfig(host="h", user="u", security="plain", oauth2_token="ya29", folder="F")
    imap.connect(config)
    assert calls == [("connect", "h", "143"), ("xoauth2", "u", "ya29", "F")]


def test_every_source_and_archive_keeps_the_connector_protocols(tmp_path: Path) -> None:
    from connectors.archive import LocalArchive
    from connectors.base import Archive, DocumentSource
    from connectors.s3 import S3Archive, make_client

    config = {
        "sources": {
            "mailbox": {"kind": "imap", "host": "h", "user": "u", "password_env": "PW"},
            "drop": {"kind": "folder", "path": "in"},
            "bucket": {"kind": "s3", "bucket": "b"},
        }
    }
    sources = build_sources(config, config_path=CONF, home=tmp_path, environ={"PW": "x"})
    assert all(isinstance(s, DocumentSource) for s in sources.values())
    client = make_client("http://127.0.0.1:9", "us-east-1")
    assert isinstance(LocalArchive(tmp_path), Archive)
    assert isinstance(S3Archive(client, "b"), Archive)


PLAIN = {"kind": "imap", "host": "imap.x.no", "user": "f@x.no", "password_env": "PW"}


def test_a_plain_text_mailbox_is_warned_of_at_configuration_check() -> None:
    config = {
        "sources": {
            "plain": {**PLAIN, "security": "plain"},
            "tls": {**PLAIN, "security": "starttls"},
            "default": PLAIN,
            "drop": {"kind": "folder", "path": "inbox"},
        }
    }
    [warning] = source_warnings(config, CONF)
    assert warning.startswith("/ws/config.toml: sources.plain.security: ")
    assert "unencrypted" in warning and '"ssl"' in warning


def test_building_a_plain_text_mailbox_logs_the_warning(caplog: pytest.LogCaptureFixture) -> None:
    source = _build({**PLAIN, "security": "plain"}, {"PW": "x"}, name="innboks")
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        "/ws/config.toml: sources.innboks.security: "
        '"plain" sends the password and every mail unencrypted; use "ssl" (port 993) '
        'or "starttls"'
    ]
    assert source.warnings == (
        'innboks: IMAP to imap.x.no:143 without TLS (security = "plain"): the password '
        "and every mail cross the network unencrypted",
    )
    assert _build(PLAIN, {"PW": "x"}).warnings == ()


def test_every_fetch_from_a_plain_text_mailbox_says_so_in_the_run_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bilag.services.intake import fetch

    class Quiet:
        name = "innboks"
        warnings = ("innboks: IMAP to h:143 without TLS",)

        def fetch_new(self) -> Any:
            return iter(())

        def acknowledge(self, doc: Any, *, ok: bool = True, reason: str = "") -> None:
            raise AssertionError("nothing to acknowledge")

    for _ in range(2):
        report = fetch(None, Quiet())  # type: ignore[arg-type]  # nothing arrives: no deps used
        assert report.notes == Quiet.warnings
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warned == list(Quiet.warnings) * 2
