"""S3 (and S3-compatible stores): a source of new objects under a prefix, and an archive.

The endpoint is configurable (``endpoint_url``) so MinIO, Ceph or a local test server
work as well as AWS. The client is injected; :func:`make_client` builds one.

* :class:`S3Source` lists objects under ``prefix``; a handled object is tagged
  ``bilag-status=processed|failed`` (default) or moved under ``processed_prefix`` /
  ``failed_prefix``. Origin key ``s3:<bucket>/<key>:<etag>``: an object overwritten
  with new content is new.
* :class:`S3Archive` stores originals content-addressed (``<prefix>ab/cd/<sha256>``),
  written once with ``If-None-Match: *`` so two writers never overwrite each other.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qs, urlsplit

from bilag.domain.document import IncomingDocument
from bilag.errors import ConfigError, SourceConnectionError, SourceError, StorageError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["S3Archive", "S3Source", "make_client"]

log = logging.getLogger(__name__)

STATUS_TAG = "bilag-status"
REASON_TAG = "bilag-reason"


def make_client(
    endpoint_url: str | None = None,
    region: str | None = None,
    *,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
) -> S3Client:
    """A boto3 S3 client; credentials default to boto3's chain (env, profile, role)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region or "us-east-1",
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=Config(
            retries={"max_attempts": 5, "mode": "standard"},
            s3={"addressing_style": "path"} if endpoint_url else {},
        ),
    )


def _error_code(e: Exception) -> str:
    response = getattr(e, "response", None)
    if isinstance(response, Mapping):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _is_connection_error(e: Exception) -> bool:
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

    return isinstance(e, BotoConnectionError | EndpointConnectionError | ReadTimeoutError)


def _tag_value(text: str) -> str:
    # S3 tag values allow letters, digits, spaces and + - = . _ : / @, up to 256 characters
    return re.sub(r"[^\w +\-=.:/@]", "_", text)[:256]


class S3Source:
    """A :class:`~connectors.base.DocumentSource` over the objects under a bucket prefix.

    Args:
        name: the source's name in the configuration.
        client: a boto3 S3 client.
        bucket: the bucket.
        prefix: only keys under this prefix are read (``"inbox/"``).
        after: ``"tag"`` the handled object, or ``"move"`` it under the two prefixes.
        max_object_bytes: larger objects are tagged failed without being read.
    """

    def __init__(
        self,
        name: str,
        client: S3Client,
        bucket: str,
        prefix: str = "",
        *,
        after: Literal["tag", "move"] = "tag",
        processed_prefix: str = "processed/",
        failed_prefix: str = "failed/",
        max_object_bytes: int = 256 * 1024 * 1024,
    ) -> None:
        self.name = name
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.after = after
        self.processed_prefix = processed_prefix
        self.failed_prefix = failed_prefix
        self.max_object_bytes = max_object_bytes
        # names (s3://bucket/key) this run takes; None: all. A flow that splits a batch
        # over several runs sets it, so an object of another part is not even read
        self.wanted: Callable[[str], bool] | None = None

    def _wrap(self, e: Exception, what: str) -> Exception:
        if _is_connection_error(e):
            return SourceConnectionError(f"{self.name}: s3://{self.bucket}: {what}: {e}")
        return SourceError(f"{self.name}: s3://{self.bucket}: {what}: {e}")

    def _handled(self, key: str) -> bool:
        if self.after == "move":
            return key.startswith((self.processed_prefix, self.failed_prefix))
        tags = self.client.get_object_tagging(Bucket=self.bucket, Key=key)["TagSet"]
        return any(t["Key"] == STATUS_TAG for t in tags)

    def fetch_new(self) -> Iterator[IncomingDocument]:
        """Objects under the prefix not yet tagged or moved, in key order."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                for obj in page.get("Contents", []):
                    key = obj["Key"]
                    if key.endswith("/"):
                        continue
                    if self.wanted is not None and not self.wanted(f"s3://{self.bucket}/{key}"):
                        continue
                    if self._handled(key):
                        continue
                    etag = str(obj.get("ETag", "")).strip('"')
                    if obj.get("Size", 0) > self.max_object_bytes:
                        self._mark(key, ok=False, reason="object over the size limit")
                        continue
                    body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
                    origin = {
                        "source": self.name,
                        "channel": "s3",
                        "bucket": self.bucket,
                        "s3_key": key,
                        "etag": etag,
                        "key": f"s3:{self.bucket}/{key}:{etag}",
                    }
                    yield IncomingDocument(
                        name=f"s3://{self.bucket}/{key}",
                        content=body,
                        media_type="message/rfc822" if key.lower().endswith(".eml") else None,
                        origin=MappingProxyType(origin),
                    )
        except (BotoCoreError, ClientError) as e:
            raise self._wrap(e, "listing or reading failed") from e

    def acknowledge(self, doc: IncomingDocument, *, ok: bool = True, reason: str = "") -> None:
        """Tag (or move) the object; an object already moved or deleted is fine."""
        key = doc.origin.get("s3_key")
        if key:
            self._mark(key, ok=ok, reason=reason)

    def _mark(self, key: str, *, ok: bool, reason: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        status = "processed" if ok else "failed"
        try:
            if self.after == "tag":
                tags = [{"Key": STATUS_TAG, "Value": status}]
                if reason:
                    tags.append({"Key": REASON_TAG, "Value": _tag_value(reason)})
                self.client.put_object_tagging(
                    Bucket=self.bucket, Key=key, Tagging={"TagSet": tags}
                )
                return
            relative = key.removeprefix(self.prefix)
            target = (self.processed_prefix if ok else self.failed_prefix) + relative
            self.client.copy_object(
                Bucket=self.bucket,
                Key=target,
                CopySource={"Bucket": self.bucket, "Key": key},
                Tagging=f"{STATUS_TAG}={status}",
                TaggingDirective="REPLACE",
            )
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except ClientError as e:
            if _error_code(e) in ("NoSuchKey", "404"):
                return  # acknowledged before: moved away already
            raise self._wrap(e, f"cannot mark {key} {status}") from e
        except BotoCoreError as e:
            raise self._wrap(e, f"cannot mark {key} {status}") from e


class S3Archive:
    """The content-addressed archive in a bucket. Write once; bilag never deletes."""

    def __init__(self, client: S3Client, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"

    @classmethod
    def from_url(cls, url: str, client: S3Client | None = None) -> S3Archive:
        """``s3://bucket/prefix?endpoint_url=http://127.0.0.1:9000&region=eu-north-1``.

        Without ``endpoint_url`` boto3's own settings apply (``AWS_ENDPOINT_URL``).
        """
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ConfigError(f"archive URL {url!r}: expected s3://bucket/prefix")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        client = client or make_client(query.get("endpoint_url"), query.get("region"))
        return cls(client, parts.netloc, parts.path.lstrip("/"))

    def _key(self, sha256: str) -> str:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def put(self, content: bytes) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        sha = hashlib.sha256(content).hexdigest()
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(sha), Body=content, IfNoneMatch="*"
            )
        except ClientError as e:
            # 412: stored already (by us or another writer): the same bytes by construction
            if _error_code(e) not in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                raise StorageError(f"cannot archive {sha} in s3://{self.bucket}: {e}") from e
        except BotoCoreError as e:
            raise StorageError(f"cannot archive {sha} in s3://{self.bucket}: {e}") from e
        return sha

    def put_many(self, contents: Sequence[bytes]) -> list[str]:
        """Store several originals (each a write-once PUT; S3 is durable on success)."""
        return [self.put(content) for content in contents]

    def get(self, sha256: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            body: Any = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"]
            data: bytes = body.read()
        except (BotoCoreError, ClientError) as e:
            raise StorageError(f"archive has no {sha256} in s3://{self.bucket}: {e}") from e
        return data

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError as e:
            if _error_code(e) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise StorageError(f"cannot check {sha256} in s3://{self.bucket}: {e}") from e
        except BotoCoreError as e:
            raise StorageError(f"cannot check {sha256} in s3://{self.bucket}: {e}") from e
        return True

    def uri(self, sha256: str) -> str:
        return f"s3://{self.bucket}/{self._key(sha256)}"
