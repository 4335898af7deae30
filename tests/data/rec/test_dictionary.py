from ppwarm.data.rec.dictionary import CharDict, load_dict


def test_encode_decode_round_trip():
    d = CharDict(list("abc"))
    assert d.encode("cab") == [3, 1, 2]
    assert d.decode([3, 1, 2]) == "cab"
    assert d.decode([3, 0, 1, 0]) == "ca"  # 0 is blank/padding
    assert d.num_classes == 4


def test_unknown_chars_give_none():
    d = CharDict(list("abc"))
    assert d.encode("abx") is None
    assert d.unknown_chars("abxyx") == {"x", "y"}
    assert d.unknown_chars("abc") == set()


def test_space_handling(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("a\nb\n\n", encoding="utf-8")
    plain = load_dict(path)
    assert plain.chars == ["a", "b"] and plain.num_classes == 3
    assert plain.encode("a b") is None
    spaced = load_dict(path, use_space=True)
    assert spaced.chars == ["a", "b", " "] and spaced.num_classes == 4
    assert spaced.encode("a b") == [1, 3, 2]
