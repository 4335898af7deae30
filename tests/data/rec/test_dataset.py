import numpy as np
import pytest
from paddle.io import DataLoader

from ppwarm.data.rec.dataset import RecDataset
from ppwarm.data.rec.dictionary import load_dict
from ppwarm.data.rec.labels import load_label_files

MAX_LEN = 10


@pytest.fixture
def dataset(demo_root):
    char_dict = load_dict(demo_root / "dict.txt")
    samples, report = load_label_files(
        [(demo_root / "train.txt", 1.0)], demo_root, char_dict, MAX_LEN, seed=0
    )
    assert report.summary() == "" and len(samples) == 12
    return RecDataset(samples, char_dict, (3, 32, 100), MAX_LEN, augment=True, seed=1)


def test_sample_contract(dataset):
    sample = dataset[2]
    assert set(sample) == {"image", "label", "length", "index"}
    assert sample["image"].shape == (3, 32, 100) and sample["image"].dtype == np.float32
    assert sample["image"].min() >= -1.0 and sample["image"].max() <= 1.0
    assert sample["label"].shape == (MAX_LEN,) and sample["label"].dtype == np.int64
    assert sample["length"].shape == () and sample["length"].dtype == np.int64
    assert sample["index"].dtype == np.int64 and int(sample["index"]) == 2
    text, length = dataset.texts[2], int(sample["length"])
    assert length == len(text)
    assert dataset.char_dict.decode(sample["label"][:length]) == text
    assert np.all(sample["label"][length:] == 0) and np.all(sample["label"][:length] > 0)


def test_augmentation_seeded_per_epoch(dataset):
    first = dataset[0]["image"]
    assert np.array_equal(first, dataset[0]["image"])
    images = []
    for epoch in range(1, 4):
        dataset.set_epoch(epoch)
        images.append(dataset[0]["image"])
    assert any(not np.array_equal(first, img) for img in images)


def test_unknown_label_rejected(demo_root):
    char_dict = load_dict(demo_root / "dict.txt")
    with pytest.raises(ValueError, match="outside the dictionary"):
        RecDataset([("x.png", "12a")], char_dict, max_text_length=MAX_LEN)
    with pytest.raises(ValueError, match="length"):
        RecDataset([("x.png", "1" * (MAX_LEN + 1))], char_dict, max_text_length=MAX_LEN)


def test_dataloader_collation(dataset):
    batch = next(iter(DataLoader(dataset, batch_size=4, shuffle=False)))
    assert batch["image"].shape == [4, 3, 32, 100]
    assert batch["label"].shape == [4, MAX_LEN]
    assert batch["length"].shape == [4]
    assert batch["index"].numpy().tolist() == [0, 1, 2, 3]
    assert batch["length"].numpy().tolist() == [len(t) for t in dataset.texts[:4]]
