"""``bilag web``: the web app for finance staff (review, approvals, overview, JSON API).

Served by uvicorn on 127.0.0.1:8000 by default. Behind a TLS-terminating proxy,
pass ``--proxy-headers`` so the app sees ``https`` and marks its cookies Secure.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilag.bootstrap import bootstrap
from bilag.cli.options import add_command
from bilag.config import load_settings


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(subparsers, "web", common, run, help="serve the web app for finance staff")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-Proto/For from a reverse proxy on this machine (TLS in front)",
    )


def run(args: argparse.Namespace) -> int:
    # the web app needs the ``web`` extra (FastAPI, uvicorn): without it, ``bilag --help``,
    # which imports every command, must still work
    import uvicorn

    from bilag.web.app import create_app
    from bilag.web.screens import warm_queue

    deps = bootstrap(load_settings(args.home), coder=False, actor="web")
    with deps.uow() as uow:
        if not uow.people.all_users():
            sys.stderr.write(
                "bilag web: no users yet; add the first with: bilag user add NAME --role admin\n"
            )
    app = create_app(deps)
    warm_queue(deps)  # page images of the waiting invoices, rendered in the background
    sys.stderr.write(f"bilag web: http://{args.host}:{args.port}/\n")
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips="127.0.0.1" if args.proxy_headers else None,
        log_level="warning",
    )
    deps.ledger.dispose()
    return 0
