"""The workspace's configured sinks: building them, and checking credentials and mapping."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx
from sqlalchemy import distinct, select

from bilag.errors import SinkError
from bilag.ledger.tables import postings
from bilag.services.deps import Deps
from connectors.base import AccountingSink
from connectors.sinks import BuildContext, build_sink, sink_names

__all__ = ["SinkCheck", "check_sink", "configured_sinks", "open_sink"]

_COMMON_CODES = frozenset({"1", "11", "13"})


def configured_sinks(deps: Deps) -> list[str]:
    return sink_names(deps.settings.raw, deps.settings.config_path)


def open_sink(
    deps: Deps,
    name: str,
    *,
    resolver: Callable[[str], str] | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] | None = None,
    environ: Mapping[str, str] | None = None,
) -> AccountingSink:
    """The sink ``[sinks.NAME]`` of the workspace.

    Args:
        resolver: reads ``*_block`` secrets (Prefect Secret blocks); the flows pass one.
        transport, sleep: for tests and benchmarks (a loopback server, no real waiting).

    Raises:
        ConfigError: no such sink, or its table is wrong.
    """
    context = BuildContext(
        home=deps.settings.home,
        payable_account=deps.chart.payable_account,
        transport=transport,
        today=deps.clock().date(),
        **({"sleep": sleep} if sleep is not None else {}),
    )
    return build_sink(
        name,
        deps.settings.raw,
        config_path=deps.settings.config_path,
        context=context,
        environ=environ,
        resolver=resolver,
    )


@dataclass(frozen=True, slots=True)
class SinkCheck:
    sink: str
    accounts: tuple[str, ...]
    vat_codes: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_sink(deps: Deps, sink: AccountingSink) -> SinkCheck:
    """Log in and check that every account and VAT code bilag books to exists in the sink.

    The accounts and codes checked are those of the ledger's postings so far plus the
    common domestic input-VAT codes (25, 15 and 12 %): what a delivery can need.
    """
    with deps.uow() as uow:
        conn = uow.repo.conn
        accounts = {str(a) for (a,) in conn.execute(select(distinct(postings.c.account)))}
        used_codes = {
            str(c) for (c,) in conn.execute(select(distinct(postings.c.vat_code))) if c is not None
        }
    vat_accounts = {v.account for v in deps.chart.vat_codes.values() if v.account}
    reverse = {v.reverse_charge_account for v in deps.chart.vat_codes.values()}
    accounts -= vat_accounts | {a for a in reverse if a}  # the system books VAT itself
    accounts.discard(deps.chart.payable_account)
    codes = used_codes | (_COMMON_CODES & set(deps.chart.vat_codes))
    try:
        problems = sink.check(sorted(accounts), sorted(codes))
    except SinkError as e:
        problems = [f"cannot check: {e}"]
    return SinkCheck(sink.name, tuple(sorted(accounts)), tuple(sorted(codes)), tuple(problems))
