"""Shared pieces of the intake integration tests: a workspace, a crashing pipeline, a
TCP proxy that drops the connection, and reading back what the ledger recorded."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilag.bootstrap import bootstrap
from bilag.config import load_settings
from bilag.domain.document import IncomingDocument
from bilag.services.deps import Deps
from bilag.services.process import process_incoming


def make_deps(home: Path) -> Deps:
    settings = load_settings(home)
    return bootstrap(settings, coder=None)


class SimulatedCrash(BaseException):
    """Ends a run the way a kill would: not an Exception, so nothing catches it."""


@dataclass
class CrashAfter:
    """The real pipeline, but the run dies right after the n-th item was processed
    (archived and recorded) and before the source could acknowledge it."""

    n: int
    seen: int = 0

    def __call__(self, deps: Deps, docs: Iterable[IncomingDocument]) -> Sequence[Any]:
        results = process_incoming(deps, docs)
        self.seen += 1
        if self.seen == self.n:
            raise SimulatedCrash(f"crash after item {self.n}")
        return results


class DroppingProxy:
    """A loopback TCP proxy that cuts every connection after ``budget`` bytes from the
    server: a mail server connection dropped in the middle of a FETCH."""

    def __init__(self, host: str, port: int, budget: int) -> None:
        self.target = (host, port)
        self.budget = budget
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = int(self.listener.getsockname()[1])
        self.dropped = 0
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            threading.Thread(target=self._pump, args=(client, server, None), daemon=True).start()
            threading.Thread(
                target=self._pump, args=(server, client, self.budget), daemon=True
            ).start()

    def _pump(self, src: socket.socket, dst: socket.socket, budget: int | None) -> None:
        sent = 0
        try:
            while data := src.recv(65536):
                if budget is not None and sent + len(data) > budget:
                    dst.sendall(data[: budget - sent])
                    self.dropped += 1
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        self._stop = True
        self.listener.close()


def recorded(deps: Deps) -> list[Any]:
    """Every document row the ledger holds (top level and parts)."""
    with deps.uow() as uow:
        return list(uow.repo.documents())


def voucher_count(deps: Deps) -> int:
    with deps.uow() as uow:
        return int(uow.repo.voucher_count())
