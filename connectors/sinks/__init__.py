"""The accounting systems bilag delivers vouchers to, configured per workspace.

``[sinks.NAME]`` tables in ``config.toml`` name them (see
:mod:`connectors.sinks.config` for what every table shares and each module for
its own keys); :data:`KINDS` is the explicit registry of kinds and
:func:`build_sink` makes one from its table (``docs/connectors.md``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from connectors.base import AccountingSink
from connectors.sinks.config import SecretResolver, SinkTable
from connectors.tables import named_table, table_names

__all__ = ["KINDS", "BuildContext", "build_sink", "sink_names"]


@dataclass(frozen=True)
class BuildContext:
    """What a sink needs from outside its table."""

    home: Path  # the workspace: where tokens that must outlive a run are kept
    payable_account: str = "2400"
    transport: httpx.BaseTransport | None = None  # tests and benchmarks inject one
    sleep: Callable[[float], None] = time.sleep
    today: date | None = None

    def client(self, base_url: str, timeout: float, **kwargs: Any) -> httpx.Client:
        return httpx.Client(
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=self.transport,
            headers={"User-Agent": "bilag"},
            **kwargs,
        )

    def state_dir(self, sink: str) -> Path:
        path = self.home / "sinks" / sink
        path.mkdir(parents=True, exist_ok=True)
        return path


Builder = Callable[[str, SinkTable, BuildContext], AccountingSink]


# Each kind's module loads when a sink of that kind is built: Xero's needs the xero extra,
# and a workspace pays only for the systems it delivers to.
def _tripletex(name: str, t: SinkTable, ctx: BuildContext) -> AccountingSink:
    from connectors.sinks.tripletex import from_table

    return from_table(name, t, ctx)


def _fiken(name: str, t: SinkTable, ctx: BuildContext) -> AccountingSink:
    from connectors.sinks.fiken import from_table

    return from_table(name, t, ctx)


def _xero(name: str, t: SinkTable, ctx: BuildContext) -> AccountingSink:
    from connectors.sinks.xero import from_table

    return from_table(name, t, ctx)


def _webhook(name: str, t: SinkTable, ctx: BuildContext) -> AccountingSink:
    from connectors.sinks.webhook import from_table

    return from_table(name, t, ctx)


# the modules are imported when a sink of their kind is built: xero-python is an extra
KINDS: Mapping[str, Builder] = {
    "tripletex": _tripletex,
    "fiken": _fiken,
    "xero": _xero,
    "webhook": _webhook,
}


def sink_names(config: Mapping[str, Any], config_path: Path | str) -> list[str]:
    """The configured sinks, in file order."""
    return table_names(config, config_path, "sinks")


def build_sink(
    name: str,
    config: Mapping[str, Any],
    *,
    config_path: Path | str,
    context: BuildContext,
    environ: Mapping[str, str] | None = None,
    resolver: SecretResolver | None = None,
) -> AccountingSink:
    """One configured sink.

    Args:
        name: the ``NAME`` of ``[sinks.NAME]``.
        config: the whole parsed configuration file.
        config_path: the file, for messages.
        context: the workspace, and the transport and clock tests inject.
        environ: where ``*_env`` secrets are looked up (default ``os.environ``).
        resolver: reads a ``*_block`` secret (a Prefect Secret block); the flows pass one.

    Raises:
        ConfigError: no such sink, or its table is wrong (names file and key).
    """
    t = named_table(SinkTable, config, config_path, "sinks", name, environ, resolver)
    kind = t.get("kind", str, required=True)
    builder = KINDS.get(kind)
    if builder is None:
        raise t.error("kind", f"must be one of {', '.join(KINDS)}, not {kind!r}")
    sink = builder(name, t, context)
    t.check_unknown()
    return sink
