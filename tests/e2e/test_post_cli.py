"""``bilag post``, ``bilag sinks`` and ``bilag pay`` as an operator runs them, against the
Tripletex loopback server (skipped without ../shared/eval-data/openapi)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bilag.bootstrap import bootstrap
from bilag.config import load_settings
from bilag.services.process import process_incoming
from tests.fixtures.camt import camt054_for
from tests.fixtures.ledger import FakeCoder, FakeInvoiceParser, fake_invoice, incoming
from tests.fixtures.openapi_server.server import SpecServer, running
from tests.fixtures.openapi_server.specs import load_spec, specs_available
from tests.fixtures.openapi_server.tripletex import TripletexFake

pytestmark = [
    pytest.mark.evaldata,
    pytest.mark.skipif(not specs_available(), reason="../shared/eval-data/openapi is absent"),
]

BILAG = [str(Path(sys.executable).with_name("bilag"))]


def _workspace(home: Path, url: str) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text(
        f"""
[company]
name = "Kjøper AS"
org_numbers = ["923609016"]

[payments]
account = "15030000002"

[sinks.regnskap]
kind = "tripletex"
base_url = "{url}/v2"
consumer_token_env = "TX_CONSUMER"
employee_token_env = "TX_EMPLOYEE"
timeout = 2
""",
        encoding="utf-8",
    )
    (home / "policy.toml").write_text("[auto_post]\nrequire_known_supplier = false\n")
    deps = bootstrap(load_settings(home, environ={}), coder=FakeCoder(),
                     parsers=[FakeInvoiceParser()])  # fmt: skip
    today = datetime.now(UTC).date().isoformat()
    docs = [
        incoming(f"f{i}.xml", fake_invoice(number=f"F{i}", net=f"{100 * (i + 1)}.00", due=today,
                                           kid="1234567890003", date=today))
        for i in range(3)
    ]  # fmt: skip
    results = process_incoming(deps, docs)
    deps.ledger.dispose()
    assert all(r.status == "posted" for r in results), [r.reasons for r in results]


def _bilag(home: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*BILAG, *args, "--home", str(home)],
        capture_output=True, text=True, timeout=120, env={**os.environ, **env}, check=False,
    )  # fmt: skip


def test_post_check_and_pay_from_the_command_line(tmp_path: Path) -> None:
    fake = TripletexFake(consumer_token="c", employee_token="e")
    server = SpecServer(fake, load_spec("tripletex"))
    env = {"TX_CONSUMER": "c", "TX_EMPLOYEE": "e"}
    home = tmp_path / "home"
    with running(server):
        _workspace(home, server.url)
        listed = _bilag(home, "sinks", "list", env=env)
        assert [line.split()[:2] for line in listed.stdout.splitlines()[2:]] == [
            ["regnskap", "tripletex"]
        ]
        check = _bilag(home, "sinks", "check", "regnskap", env=env)
        assert check.returncode == 0, check.stderr
        assert "regnskap: ok" in check.stdout
        posted = _bilag(home, "post", "--sink", "regnskap", "--json", env=env)
        assert posted.returncode == 0, posted.stderr
        report = json.loads(posted.stdout)
        assert [r["state"] for r in report] == ["reconciled"] * 3
        assert len(fake.vouchers.rows) == 3
        again = _bilag(home, "post", "--sink", "regnskap", "--json", env=env)
        assert json.loads(again.stdout) == [] and len(fake.vouchers.rows) == 3
        assert server.violations == []
        bad = _bilag(home, "post", "--sink", "regnskap", env={"TX_CONSUMER": "c"})
        assert bad.returncode == 2 and "TX_EMPLOYEE" in bad.stderr
    out = tmp_path / "pain.xml"
    paid = _bilag(home, "pay", "--due-within", "0", "-o", str(out), env=env)
    assert paid.returncode == 0, paid.stderr
    assert "3 payment(s)" in paid.stderr and out.exists()
    camt = tmp_path / "camt.xml"
    camt.write_bytes(camt054_for(out.read_bytes(), date.today()))
    read = _bilag(home, "pay", "--camt", str(camt), "--json", env=env)
    assert read.returncode == 0, read.stderr
    assert len(json.loads(read.stdout)[0]["paid"]) == 3
    # where the first invoice went and that it is paid, on its own page: bilag show
    added = _bilag(home, "user", "add", "revisor", "--role", "auditor", "--no-password", env=env)
    assert added.returncode == 0, added.stderr
    doc = str(report[0]["document_id"])
    shown = _bilag(home, "show", doc, "--user", "revisor", env=env)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    [delivery] = [line for line in lines if line.startswith("delivery\t")]
    assert delivery.split("\t")[1:4] == ["regnskap", report[0]["voucher_id"], "reconciled"]
    [payment] = [line for line in lines if line.startswith("payment\t")]
    assert payment.split("\t")[1] == "paid" and "paid " in payment
    as_json = json.loads(_bilag(home, "show", doc, "--json", "--user", "revisor", env=env).stdout)
    assert as_json["deliveries"][0]["state"] == "reconciled"
    assert as_json["payment"]["state"] == "paid"
