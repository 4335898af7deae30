"""PaddleOCR LMDB datasets read through the config give exactly what the same label files give."""

from __future__ import annotations

import multiprocessing
import os
import pickle
from pathlib import Path

import lmdb
import numpy as np
import pytest
from paddle.io import DataLoader

from ppwarm.data.rec.dataset import RecDataset, read_rgb
from ppwarm.data.rec.demo import DEMO_SETS, make_demo_rec
from ppwarm.data.rec.dictionary import CharDict
from ppwarm.data.rec.labels import load_label_files
from ppwarm.data.rec.lmdb_io import label_file_to_lmdb, reader, write_lmdb
from ppwarm.data.rec.lmdb_source import load_lmdb_folders
from ppwarm.data.rec.load import load_rec_data
from ppwarm.errors import ConfigError

DIGITS = CharDict(list("0123456789"))
MAX_LEN = 10


def _pairs(root: Path, label_file: str) -> list[tuple[Path, str]]:
    lines = (root / label_file).read_text(encoding="utf-8").splitlines()
    return [(root / rel, text) for rel, text in (line.split("\t") for line in lines)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo set as label files, plus the same lines as LMDB: train split over two environments."""
    root = make_demo_rec(
        tmp_path_factory.mktemp("lmdb") / "digits", num_train=20, num_val=8, **DEMO_SETS["digits"]
    )
    train = _pairs(root, "train.txt")
    write_lmdb(train[:12], root / "lmdb/train/part_a")
    write_lmdb(train[12:], root / "lmdb/train/part_b")
    report = label_file_to_lmdb(root / "val.txt", root, root / "lmdb/val")
    assert report.kept == 8 and report.dropped == 0
    return root


def _rec_data(make_config, root: Path, **data) -> tuple:
    cfg = make_config(
        {"task": "rec", "rec": {"max_text_length": MAX_LEN, "data": {"root": str(root), **data}}}
    )
    return load_rec_data(cfg.rec, cfg.seed)


def test_written_environment_has_paddleocr_keys(demo):
    train = _pairs(demo, "train.txt")
    with lmdb.open(str(demo / "lmdb/train/part_b"), readonly=True, lock=False) as env, env.begin() as txn:
        assert txn.get(b"num-samples") == b"8"
        assert txn.get(b"label-000000001") == train[12][1].encode("utf-8")
        assert txn.get(b"image-000000008") == train[19][0].read_bytes()
        assert txn.get(b"image-000000009") is None and txn.get(b"image-000000000") is None


@pytest.mark.parametrize("ratio", [1.0, 0.5])
def test_config_path_reads_the_same_samples_as_label_files(make_config, demo, ratio):
    _, files_train, files_val = _rec_data(make_config, demo, train_ratios=[ratio])
    chars, train, val = _rec_data(
        make_config,
        demo,
        format="lmdb",
        train_files=["lmdb/train"],
        train_ratios=[ratio],
        val_file="lmdb/val",
    )
    assert len(train) == round(20 * ratio) and len(val) == 8
    for records, pairs in ((train, files_train), (val, files_val)):
        assert records.texts == [text for _, text in pairs]
        for i, (path, _) in enumerate(pairs):
            assert np.array_equal(records.load_image(i), read_rgb(path))
    lmdb_set = RecDataset(train, chars, max_text_length=MAX_LEN, augment=True, seed=3)
    file_set = RecDataset(files_train, chars, max_text_length=MAX_LEN, augment=True, seed=3)
    lmdb_set.set_epoch(2)
    file_set.set_epoch(2)
    for i in range(len(train)):
        a, b = lmdb_set[i], file_set[i]
        assert all(np.array_equal(a[key], b[key]) for key in ("image", "label", "length", "index"))


def test_bad_labels_counted_exactly_as_in_label_files(demo, tmp_path):
    train = _pairs(demo, "train.txt")
    samples = [train[0], (train[1][0], "12a"), (train[2][0], "1" * 12), train[3], (train[4][0], "b9")]
    write_lmdb(samples, tmp_path / "bad")
    records, report = load_lmdb_folders([(tmp_path / "bad", 1.0)], DIGITS, MAX_LEN, seed=0)
    assert records.texts == [train[0][1], train[3][1]]
    assert (report.kept, report.unknown_chars, report.too_long, report.missing_images) == (2, 2, 1, 0)
    assert report.examples == {
        "unknown_chars": ["'12a' has 'a'", "'b9' has 'b'"],
        "too_long": ["'111111111111' (12 > 10)"],
    }
    label_file = tmp_path / "bad.txt"
    label_file.write_text("".join(f"{path}\t{text}\n" for path, text in samples), encoding="utf-8")
    _, file_report = load_label_files([(label_file, 1.0)], Path("/"), DIGITS, MAX_LEN, seed=0)
    assert file_report == report


def _raw_environment(folder: Path, items: dict[bytes, bytes]) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    with lmdb.open(str(folder), map_size=1 << 20) as env, env.begin(write=True) as txn:
        for key, value in items.items():
            txn.put(key, value)


def test_missing_records_counted_and_undecodable_image_raises(demo, tmp_path):
    png = _pairs(demo, "train.txt")[0][0].read_bytes()
    _raw_environment(
        tmp_path / "holes",
        {
            b"num-samples": b"4",
            b"image-000000001": png,
            b"label-000000001": b"12",
            b"image-000000002": png,  # no label-000000002
            b"label-000000003": b"34",  # no image-000000003
            b"image-000000004": b"not an image",
            b"label-000000004": b"56",
        },
    )
    records, report = load_lmdb_folders([(tmp_path / "holes", 1.0)], DIGITS, MAX_LEN, seed=0)
    assert records.texts == ["12", "56"]
    assert (report.kept, report.malformed, report.missing_images) == (2, 1, 1)
    assert report.examples["missing_images"] == [f"{tmp_path / 'holes'} image-000000003"]
    assert "label-000000002 missing" in report.examples["malformed"][0]
    assert np.array_equal(records.load_image(0), read_rgb(str(_pairs(demo, "train.txt")[0][0])))
    with pytest.raises(ValueError, match=r"image-000000004 of LMDB .*holes"):
        records.load_image(1)


def test_layout_errors_name_the_folder(make_config, demo, tmp_path):
    (demo / "lmdb/empty/sub").mkdir(parents=True)
    with pytest.raises(ConfigError, match=r"lmdb/empty: no LMDB environment \(a folder holding data.mdb\)"):
        _rec_data(make_config, demo, format="lmdb", train_files=["lmdb/train"], val_file="lmdb/empty")
    with pytest.raises(ConfigError, match=r"lmdb/nowhere does not exist or is not a folder"):
        _rec_data(make_config, demo, format="lmdb", train_files=["lmdb/nowhere"], val_file="lmdb/val")
    _raw_environment(tmp_path / "data/no_count", {b"label-000000001": b"1"})
    with pytest.raises(ConfigError, match=r"data/no_count: LMDB environment has no 'num-samples' key"):
        load_lmdb_folders([(tmp_path / "data", 1.0)], DIGITS, MAX_LEN, seed=0)


def test_workers_open_their_own_environments(demo):
    records, _ = load_lmdb_folders([(demo / "lmdb/train", 1.0)], DIGITS, MAX_LEN, seed=0)
    dataset = RecDataset(records, DIGITS, max_text_length=MAX_LEN, augment=True, seed=1)
    dataset[0]  # the parent opens its environments before the workers fork
    copy = pickle.loads(pickle.dumps(dataset))  # what a spawned worker receives
    assert np.array_equal(copy[5]["image"], dataset[5]["image"])
    batches = [
        next(iter(DataLoader(dataset, batch_size=8, shuffle=False, num_workers=workers)))
        for workers in (0, 2)
    ]
    assert batches[0]["index"].numpy().tolist() == list(range(8))
    for key in ("image", "label", "length", "index"):
        assert np.array_equal(batches[0][key].numpy(), batches[1][key].numpy())


def _handle_is_new_and_reads(path: Path, parent_id: int) -> tuple[bool, bytes]:
    env = reader(path)
    with env.begin() as txn:
        return id(env) != parent_id, txn.get(b"num-samples")


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="no fork on this platform")
def test_a_forked_process_opens_its_own_handle(demo):
    inherited = reader(demo / "lmdb/val")
    assert reader(demo / "lmdb/val") is inherited  # one handle per path and process
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_handle_is_new_and_reads, (demo / "lmdb/val", id(inherited))) == (True, b"8")
