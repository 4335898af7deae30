import cv2

from ppwarm.data.rec.demo import DEMO_SETS, ensure_demo_rec, make_demo_rec
from ppwarm.data.rec.dictionary import load_dict
from tests.data.rec.conftest import DEMO


def test_layout_and_labels(demo_root):
    train = (demo_root / "train.txt").read_text(encoding="utf-8").splitlines()
    val = (demo_root / "val.txt").read_text(encoding="utf-8").splitlines()
    assert len(train) == 12 and len(val) == 4
    rel, text = train[0].split("\t")
    assert rel == "images/train/000000.png" and 3 <= len(text) <= 8 and text.isdigit()
    img = cv2.imread(str(demo_root / rel))
    assert img.shape[0] == 32 and img.shape[1] > 0
    assert not list(demo_root.parent.glob(".*partial*"))


def test_same_seed_same_labels(demo_root, tmp_path):
    again = make_demo_rec(tmp_path / "again", **DEMO)
    for name in ("train.txt", "val.txt", "dict.txt"):
        assert (again / name).read_bytes() == (demo_root / name).read_bytes()
    assert (again / "images/val/000001.png").read_bytes() == (
        demo_root / "images/val/000001.png"
    ).read_bytes()
    other = make_demo_rec(tmp_path / "other", **{**DEMO, "seed": 6})
    assert (other / "train.txt").read_bytes() != (demo_root / "train.txt").read_bytes()


def test_presets_have_different_dictionaries(tmp_path):
    dicts = {}
    for name, preset in DEMO_SETS.items():
        root = make_demo_rec(tmp_path / name, num_train=3, num_val=1, name=name, **preset)
        dicts[name] = load_dict(root / "dict.txt")
    assert [dicts[name].num_classes for name in ("digits", "hex", "alnum")] == [11, 17, 37]
    for target in ("hex", "alnum"):
        assert set(DEMO_SETS["digits"]["fonts"]).isdisjoint(DEMO_SETS[target]["fonts"])


def test_ensure_generates_once(tmp_path):
    kwargs = dict(num_train=2, num_val=1, **DEMO_SETS["digits"])
    assert ensure_demo_rec(tmp_path / "d", **kwargs) is True
    assert ensure_demo_rec(tmp_path / "d", **kwargs) is False
