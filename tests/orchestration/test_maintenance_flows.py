"""post_pending and daily_report as Prefect runs them; the webhook sink's secret from a
Prefect Secret block."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.posting_workspace import invoices, posting_workspace

BIN = Path(sys.executable).parent

pytestmark = pytest.mark.prefect


@pytest.mark.slow
def test_post_pending_delivers_posted_vouchers_with_a_secret_from_a_prefect_block(
    prefect_harness: None, tmp_path: Path
) -> None:
    from prefect.blocks.system import Secret

    from flows.maintenance import daily_report, post_pending
    from tests.fixtures.openapi_server.server import SpecServer, running
    from tests.fixtures.openapi_server.specs import load_spec
    from tests.fixtures.openapi_server.webhook import WebhookReceiver

    Secret(value="w-secret").save("bilag-test-hook-secret", overwrite=True)
    fake = WebhookReceiver(secret="w-secret")
    server = SpecServer(fake, load_spec("webhook"), lost_delay=1.0)
    with running(server):
        home = posting_workspace(
            tmp_path / "home",
            f'[sinks.erp]\nkind = "webhook"\nurl = "{server.url}/bilag"\n'
            'secret_block = "bilag-test-hook-secret"\n',
        )
        docs = tmp_path / "docs"
        docs.mkdir()
        for name, content in invoices(3):
            (docs / name).write_bytes(content)
        for argv in (["learn", str(home / "history.csv")], ["process", str(docs)]):
            done = subprocess.run(
                [str(BIN / "bilag"), *argv, "--home", str(home)],
                capture_output=True,
                text=True,
                check=False,
            )
            assert done.returncode == 0, done.stderr
        state = post_pending(home=str(home), return_state=True)
        assert state.is_completed(), state.message
        [erp] = state.result()["sinks"]
        assert erp["sink"] == "erp" and erp["counts"] == {"delivered": 3}
        assert len(fake.deliveries) == 3
        again = post_pending(home=str(home), return_state=True)
        assert again.is_completed() and len(fake.deliveries) == 3  # nothing sent twice

    report = daily_report(home=str(home), day=None, return_state=True)
    assert report.is_completed()  # yesterday: nothing arrived, the queues are empty
    assert report.result()["arrived_total"] == 0


def test_bilag_serve_hands_over_to_the_flows_package_without_importing_prefect(
    tmp_path: Path,
) -> None:
    from argparse import Namespace

    from bilag.cli.serve_cmd import command

    argv = command(Namespace(home=str(tmp_path / "ws"), port=4300))
    assert argv[1:3] == ["-m", "flows.serve"]
    assert argv[3:] == ["--home", str((tmp_path / "ws").resolve()), "--port", "4300"]
    probe = "import sys, bilag.cli, bilag.cli.serve_cmd; sys.exit('prefect' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], check=False).returncode == 0
