"""tools/label_to_lmdb.py writes one LMDB environment per label file that the recognizer reads back."""

from __future__ import annotations

from ppwarm.cli import main as ppwarm_main
from ppwarm.data.rec.demo import DEMO_SETS, make_demo_rec
from ppwarm.data.rec.dictionary import CharDict
from ppwarm.data.rec.labels import load_label_files
from ppwarm.data.rec.lmdb_source import load_lmdb_folders

DIGITS = CharDict(list("0123456789"))


def test_converts_label_files_and_reads_back(tmp_path, capsys):
    root = make_demo_rec(tmp_path / "set", num_train=6, num_val=3, **DEMO_SETS["digits"])
    with (root / "train.txt").open("a", encoding="utf-8") as f:
        f.write("images/train/absent.png\t123\n")
    out = tmp_path / "lmdb"
    args = ["label_to_lmdb", "--root", str(root), "--labels", "train.txt", "val.txt", "--out", str(out)]
    assert ppwarm_main(args) == 0
    printed = capsys.readouterr().out
    assert f"-> {out / 'train'}: 6 records" in printed and "missing_images: 1" in printed
    assert f"-> {out / 'val'}: 3 records" in printed
    records, _ = load_lmdb_folders([(out / "train", 1.0)], DIGITS, 25, seed=0)
    pairs, _ = load_label_files([(root / "train.txt", 1.0)], root, DIGITS, 25, seed=0)
    assert records.texts == [text for _, text in pairs]


def test_refuses_to_overwrite_and_names_missing_files(tmp_path, capsys):
    root = make_demo_rec(tmp_path / "set", num_train=2, num_val=1, **DEMO_SETS["digits"])
    (tmp_path / "lmdb" / "train").mkdir(parents=True)
    kept = tmp_path / "lmdb" / "train" / "data.mdb"
    kept.write_bytes(b"earlier")
    args = ["label_to_lmdb", "--root", str(root), "--labels", "train.txt", "--out", str(tmp_path / "lmdb")]
    assert ppwarm_main(args) == 2
    assert "exists and is not empty" in capsys.readouterr().err and kept.read_bytes() == b"earlier"
    args[4] = "nope.txt"
    assert ppwarm_main(args) == 2
    assert "nope.txt does not exist" in capsys.readouterr().err
