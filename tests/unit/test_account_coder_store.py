"""The coder as a versioned artefact: saved atomically, refused (not crashed on) when stale."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from classifiers import store
from classifiers.account_coder import HistoryCoder
from classifiers.base import AccountCoder
from tests.fixtures.coding_history import realistic_history


@pytest.fixture(scope="module")
def trained() -> HistoryCoder:
    coder = HistoryCoder()
    coder.fit(realistic_history(seed=3, days=200))
    return coder


def test_history_coder_satisfies_the_account_coder_protocol(trained: HistoryCoder) -> None:
    assert isinstance(trained, AccountCoder)


def test_nothing_trained_loads_as_none(tmp_path: Path) -> None:
    assert store.load_coder(tmp_path / "models") is None


def test_a_saved_coder_loads_and_suggests_the_same(tmp_path: Path, trained: HistoryCoder) -> None:
    path = store.save_coder(trained, tmp_path)
    loaded = store.load_coder(tmp_path)
    assert loaded is not None
    assert not path.with_name(path.name + ".part").exists()
    item = realistic_history(seed=3, days=200)[-1].as_input()
    assert loaded.suggest(item) == trained.suggest(item)


def test_a_model_of_another_format_version_is_refused_not_loaded(
    tmp_path: Path, trained: HistoryCoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save_coder(trained, tmp_path)
    monkeypatch.setattr(store, "FORMAT_VERSION", store.FORMAT_VERSION + 1)
    assert store.load_coder(tmp_path) is None


def test_a_format_4_model_without_dimensions_is_refused_with_a_message_naming_both_formats(
    tmp_path: Path, trained: HistoryCoder, caplog: pytest.LogCaptureFixture
) -> None:
    header = {"format": 4, "versions": store._library_versions()}
    with (tmp_path / store.MODEL_FILE).open("wb") as fh:
        pickle.dump(header, fh)
        pickle.dump(trained, fh)
    with caplog.at_level("WARNING", logger=store.__name__):
        assert store.load_coder(tmp_path) is None
    assert f"model format 4, this bilag reads format {store.FORMAT_VERSION}" in caplog.text
    assert "retraining" in caplog.text


def test_a_model_from_another_sklearn_version_is_refused(
    tmp_path: Path, trained: HistoryCoder
) -> None:
    header = {"format": store.FORMAT_VERSION, "versions": {"sklearn": "0.1"}}
    with (tmp_path / store.MODEL_FILE).open("wb") as fh:
        pickle.dump(header, fh)
        pickle.dump(trained, fh)
    assert store.load_coder(tmp_path) is None


def test_a_truncated_model_file_is_refused(tmp_path: Path, trained: HistoryCoder) -> None:
    path = store.save_coder(trained, tmp_path)
    path.write_bytes(path.read_bytes()[:200])
    assert store.load_coder(tmp_path) is None


def test_a_failed_save_leaves_the_previous_model_intact(
    tmp_path: Path, trained: HistoryCoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = store.save_coder(trained, tmp_path)
    before = path.read_bytes()

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "fsync", explode)
    with pytest.raises(OSError, match="disk full"):
        store.save_coder(trained, tmp_path)
    assert path.read_bytes() == before
