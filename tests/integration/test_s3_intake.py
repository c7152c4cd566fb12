"""The S3 source and archive over HTTP against moto's server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilag.errors import SourceConnectionError
from bilag.services.intake import fetch
from connectors.archive import open_archive
from connectors.s3 import S3Archive, S3Source, make_client
from tests.fixtures.s3 import S3Server
from tests.integration.intake_support import CrashAfter, SimulatedCrash, make_deps, recorded
from tests.mailfactory import SUPPLIERS, ehf_xml, mail

pytestmark = pytest.mark.s3


def _tags(server: S3Server, bucket: str, key: str) -> dict[str, str]:
    tags = server.client().get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
    return {t["Key"]: t["Value"] for t in tags}


def test_new_objects_under_the_prefix_are_processed_and_tagged(
    s3_server: S3Server, tmp_path: Path
) -> None:
    bucket = s3_server.new_bucket()
    client = s3_server.client()
    client.put_object(Bucket=bucket, Key="inbox/ehf.xml", Body=ehf_xml(SUPPLIERS[0]))
    client.put_object(Bucket=bucket, Key="inbox/hei.eml", Body=mail(subject="Hei").as_bytes())
    client.put_object(Bucket=bucket, Key="other/ignored.xml", Body=b"<x/>")
    deps = make_deps(tmp_path / "home")
    source = S3Source("bucket", client, bucket, "inbox/")
    report = fetch(deps, source)
    assert report.fetched == 2 and report.failed == 1
    assert _tags(s3_server, bucket, "inbox/ehf.xml")["bilag-status"] == "processed"
    failed = _tags(s3_server, bucket, "inbox/hei.eml")
    assert failed["bilag-status"] == "failed" and "BILAG-NOT-INVOICE" in failed["bilag-reason"]
    assert fetch(deps, source).fetched == 0
    keys = {r.origin_key for r in recorded(deps) if r.parent_id is None}
    assert all(k.startswith(f"s3:{bucket}/inbox/") for k in keys) and len(keys) == 2


def test_move_mode_moves_handled_objects_and_a_crash_is_finished_by_the_rerun(
    s3_server: S3Server, tmp_path: Path
) -> None:
    bucket = s3_server.new_bucket()
    client = s3_server.client()
    for i, spec in enumerate(SUPPLIERS):
        client.put_object(Bucket=bucket, Key=f"inbox/f{i}.xml", Body=ehf_xml(spec))
    deps = make_deps(tmp_path / "home")
    source = S3Source("bucket", client, bucket, "inbox/", after="move", processed_prefix="done/")
    with pytest.raises(SimulatedCrash):
        fetch(deps, source, process=CrashAfter(2))
    assert fetch(deps, source).fetched == 2
    listed = client.list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(o["Key"] for o in listed) == ["done/f0.xml", "done/f1.xml", "done/f2.xml"]
    tops = [r for r in recorded(deps) if r.parent_id is None]
    assert len(tops) == 3


def test_s3_archive_is_content_addressed_and_write_once(s3_server: S3Server) -> None:
    bucket = s3_server.new_bucket()
    archive = open_archive(f"s3://{bucket}/originals?endpoint_url={s3_server.endpoint_url}")
    assert isinstance(archive, S3Archive)
    sha = archive.put(b"faktura")
    assert archive.put(b"faktura") == sha  # a second writer of the same bytes is fine
    assert archive.get(sha) == b"faktura" and archive.exists(sha)
    assert not archive.exists("0" * 64)
    assert archive.uri(sha) == f"s3://{bucket}/originals/{sha[:2]}/{sha[2:4]}/{sha}"


def test_pipeline_archives_originals_in_the_bucket(
    s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = s3_server.new_bucket()
    url = f"s3://{bucket}/arkiv?endpoint_url={s3_server.endpoint_url}"
    monkeypatch.setenv("BILAG_ARCHIVE_URL", url)
    deps = make_deps(tmp_path / "home")
    assert isinstance(deps.archive, S3Archive)
    inbox = s3_server.new_bucket()
    s3_server.client().put_object(Bucket=inbox, Key="f.xml", Body=ehf_xml(SUPPLIERS[1]))
    fetch(deps, S3Source("in", s3_server.client(), inbox))
    [row] = [r for r in recorded(deps) if r.parent_id is None]
    assert deps.archive.get(row.sha256) == ehf_xml(SUPPLIERS[1])


def test_an_unreachable_endpoint_is_a_connection_error() -> None:
    client = make_client("http://127.0.0.1:1", "us-east-1")
    with pytest.raises(SourceConnectionError):
        list(S3Source("x", client, "bucket").fetch_new())
