"""The corpus's workspace, set up as a company sets one up (../shared/CONTRACT.md,
"The workspace"): its identity, its policy with an approver and exchange rates, and its
bookkeeping history."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bench.corpus.history import history_rows, write_history_csv
from bench.corpus.model import Invoice
from bench.corpus.world import World

__all__ = ["EXCHANGE_RATES", "write_workspace"]

# NOK per unit, as a company would configure them (Norges Bank, early 2026, rounded)
EXCHANGE_RATES = {"EUR": "11.65", "USD": "10.85", "SEK": "1.02", "GBP": "13.70"}


def config_toml(world: World) -> str:
    buyer = world.buyer
    return (
        "# The company the corpus's invoices are addressed to (bench/corpus/world.py).\n"
        "[company]\n"
        f'name = "{buyer.party.name}"\n'
        f'org_numbers = ["{buyer.party.org}", "{buyer.other_org}"]\n'
    )


def policy_toml() -> str:
    rates = "\n".join(f'{code} = "{rate}"' for code, rate in sorted(EXCHANGE_RATES.items()))
    return (
        "# Only the keys ../shared/CONTRACT.md names: everything else keeps bilag's defaults.\n"
        "[auto_post]\n"
        "enabled = true\n"
        "max_amount = 100000\n"
        "\n"
        "[exchange_rates]\n"
        f"{rates}\n"
        "\n"
        "[approval]\n"
        'default_approvers = ["kari"]\n'
    )


def write_workspace(
    folder: Path, world: World, invoices: Mapping[str, Invoice], *, seed: int = 1
) -> None:
    """``config.toml``, ``policy.toml`` and ``history.csv`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(config_toml(world), encoding="utf-8")
    (folder / "policy.toml").write_text(policy_toml(), encoding="utf-8")
    write_history_csv(folder / "history.csv", history_rows(world, seed=seed))
