from onewindow.common.sorting import natural_key, natural_sorted


def test_numbers_sort_as_numbers():
    assert natural_sorted(["10", "2", "1", "11", "3"]) == ["1", "2", "3", "10", "11"]


def test_mixed_labels():
    labels = ["B10", "b2", "A1", "10-2", "10-10", "2", "绿色通道", ""]
    assert natural_sorted(labels) == ["", "2", "10-2", "10-10", "A1", "b2", "B10", "绿色通道"]


def test_key_never_compares_number_with_text():
    assert natural_key("A") > natural_key("9")
    assert natural_key(None) == ()
    assert natural_key(" 07 ") == natural_key("7")


def test_key_function():
    rows = [{"n": "12"}, {"n": "9"}]
    assert natural_sorted(rows, key=lambda r: r["n"]) == [{"n": "9"}, {"n": "12"}]
