from pathlib import Path

from ppwarm.data.rec.dictionary import CharDict
from ppwarm.data.rec.labels import load_label_files


def _write(root: Path, name: str, texts: list[str], missing: tuple[int, ...] = ()) -> Path:
    lines = []
    for i, text in enumerate(texts):
        rel = f"img/{name}_{i}.png"
        if i not in missing:
            (root / rel).parent.mkdir(exist_ok=True)
            (root / rel).write_bytes(b"x")
        lines.append(f"{rel}\t{text}\n")
    path = root / f"{name}.txt"
    path.write_text("".join(lines), encoding="utf-8")
    return path


DIGITS = CharDict(list("0123456789"))


def test_ratios_are_seeded_with_exact_counts(tmp_path):
    a = _write(tmp_path, "a", [str(i) for i in range(20)])
    b = _write(tmp_path, "b", [str(i) for i in range(10)])
    files = [(a, 1.0), (b, 0.5)]
    samples, report = load_label_files(files, tmp_path, DIGITS, 25, seed=3)
    assert len(samples) == 25 and report.kept == 25 and report.summary() == ""
    assert [t for _, t in samples[:20]] == [str(i) for i in range(20)]
    again, _ = load_label_files(files, tmp_path, DIGITS, 25, seed=3)
    assert again == samples
    other = [load_label_files(files, tmp_path, DIGITS, 25, seed=s)[0][20:] for s in range(5)]
    assert any(o != samples[20:] for o in other)
    assert samples[0][0] == str(tmp_path / "img/a_0.png")


def test_bad_labels_counted_with_examples(tmp_path):
    texts = ["12", "1a", "2b", "3c", "4d", "123456", "1234567", "77", "88"]
    path = _write(tmp_path, "c", texts, missing=(7,))
    (path.parent / "c.txt").write_text(path.read_text() + "no_tab_line\n", encoding="utf-8")
    samples, report = load_label_files([(path, 1.0)], tmp_path, DIGITS, 5, seed=0)
    assert [t for _, t in samples] == ["12", "88"]
    assert (report.unknown_chars, report.too_long, report.missing_images, report.malformed) == (4, 2, 1, 1)
    assert len(report.examples["unknown_chars"]) == 3
    assert report.examples["too_long"] == ["'123456' (6 > 5)", "'1234567' (7 > 5)"]
    summary = report.summary()
    assert "unknown_chars: 4" in summary and "missing_images: 1" in summary and "c_7.png" in summary
