"""A user's CSV becomes a dataset, or is refused with one sentence that says how to fix it."""
import numpy as np
import pytest

from pipelines import InputError, load_csv
from pipelines.csv_loader import MAX_CSV_MEGABYTES, MIN_ROWS, csv_columns


def table(rows: int = 20, header: str = "a,b,c", seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    lines = [header] + [",".join(f"{v:.4f}" for v in rng.normal(size=len(header.split(",")))) for _ in range(rows)]
    return "\n".join(lines) + "\n"


def test_numeric_columns_become_float32_features(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(table())
    dataset = load_csv(path)
    assert dataset.X.shape == (20, 3) and dataset.X.dtype == np.float32
    assert dataset.feature_names == ("a", "b", "c")
    assert dataset.name == "csv:data.csv" and dataset.scaling == "standardize"
    assert dataset.y is None and dataset.notes == ()


def test_the_fingerprint_follows_the_content():
    assert load_csv(table().encode()).fingerprint == load_csv(table().encode()).fingerprint
    assert load_csv(table().encode()).fingerprint != load_csv(table(seed=1).encode()).fingerprint


def test_a_text_label_column_is_categorical_and_not_a_feature():
    rows = ["x,y,kind"] + [f"{i},{i % 3},{'ab'[i % 2]}" for i in range(20)]
    dataset = load_csv("\n".join(rows).encode(), label_column="kind")
    assert dataset.feature_names == ("x", "y")
    assert dataset.label_kind == "categorical" and set(dataset.y) == {"a", "b"}


def test_a_numeric_label_with_many_values_is_continuous():
    rows = ["x,y,t"] + [f"{i % 7},{i % 5},{i * 0.5}" for i in range(80)]
    assert load_csv("\n".join(rows).encode(), label_column="t").label_kind == "continuous"


def test_semicolons_and_tabs_are_detected():
    for separator in (";", "\t"):
        dataset = load_csv(table().replace(",", separator).encode())
        assert dataset.X.shape == (20, 3)


def test_text_columns_are_dropped_with_a_note():
    rows = ["a,name,b"] + [f"{i},n{i},{i * i}" for i in range(20)]
    dataset = load_csv("\n".join(rows).encode())
    assert dataset.feature_names == ("a", "b")
    assert any("name" in note and "non-numeric" in note for note in dataset.notes)


def test_rows_with_missing_or_infinite_values_are_dropped_and_counted():
    text = table(30).splitlines()
    text[3] = "1.0,,2.0"
    text[5] = "inf,1.0,2.0"
    text[7] = "NaN,1.0,2.0"
    dataset = load_csv("\n".join(text).encode())
    assert dataset.X.shape == (27, 3)
    assert any("Dropped 3 of 30 rows" in note for note in dataset.notes)


def test_constant_columns_are_dropped_with_a_note():
    rows = ["a,b,flat"] + [f"{i},{i % 4},7" for i in range(20)]
    dataset = load_csv("\n".join(rows).encode())
    assert dataset.feature_names == ("a", "b")
    assert any("constant" in note for note in dataset.notes)


def test_duplicate_column_names_are_made_unique_with_a_note():
    dataset = load_csv(table(header="a,a,b").encode())
    assert len(set(dataset.feature_names)) == 3
    assert any("Repeated column names" in note for note in dataset.notes)


def test_a_file_without_header_gets_column_names():
    headerless = "\n".join(table(25).splitlines()[1:])
    dataset = load_csv(headerless.encode())
    assert dataset.feature_names == ("column_1", "column_2", "column_3") and len(dataset.X) == 25


def test_latin1_text_is_read_with_a_note():
    rows = ["größe,b,c"] + [f"{i},{i % 3},{i % 5}" for i in range(20)]
    dataset = load_csv("\n".join(rows).encode("latin-1"))
    assert dataset.feature_names[0] == "größe"
    assert any("Latin-1" in note for note in dataset.notes)


def test_html_in_column_names_is_kept_as_plain_text():
    dataset = load_csv(table(header="<b>bold</b>,**md**,c").encode())
    assert dataset.feature_names[:2] == ("<b>bold</b>", "**md**")


def test_a_very_wide_file_loads():
    rng = np.random.default_rng(0)
    header = ",".join(f"f{i}" for i in range(5000))
    body = "\n".join(",".join(f"{v:.3f}" for v in row) for row in rng.random((30, 5000)))
    dataset = load_csv(f"{header}\n{body}\n".encode())
    assert dataset.X.shape == (30, 5000) and dataset.scaling == "unit"


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"a,b,c\n", "no data rows"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    (("name,city\n" + "\n".join(f"n{i},c{i}" for i in range(20))).encode(), "no numeric columns"),
    (b"a,b\n1,2\n", f"at least {MIN_ROWS}"),
    (("a,b\n" + "\n".join(f"{i},{i}" for i in range(5))).encode(), f"at least {MIN_ROWS}"),
    (("a,b\n" + "\n".join(",3" for _ in range(20))).encode(), "Every row"),
    (("a,b\n" + "\n".join(f"{i},5" for i in range(20))).encode(), "fewer than 2 varying"),
    (b'a,b\n1,"2\n3,4\n', "could not be read"),
])
def test_bad_files_are_refused_with_a_clear_sentence(content, message):
    with pytest.raises(InputError, match=message) as error:
        load_csv(content, name="bad.csv")
    assert "\n" not in str(error.value)


def test_a_label_column_with_one_class_is_refused():
    rows = ["a,b,kind"] + [f"{i},{i % 3},same" for i in range(20)]
    with pytest.raises(InputError, match="only one value"):
        load_csv("\n".join(rows).encode(), label_column="kind")


def test_a_label_with_a_unique_value_per_row_is_an_identifier():
    rows = ["a,b,name"] + [f"{i},{i % 3},sample{i}" for i in range(20)]
    dataset = load_csv("\n".join(rows).encode(), label_column="name")
    assert dataset.label_kind == "identifier"
    assert any("every row" in note for note in dataset.notes)


def test_a_missing_label_column_lists_the_columns():
    with pytest.raises(InputError, match="'a', 'b', 'c'"):
        load_csv(table().encode(), label_column="species")


def test_missing_and_oversized_files_are_refused(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_csv(tmp_path / "missing.csv")
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(MAX_CSV_MEGABYTES * 1024 * 1024 + 1)
    with pytest.raises(InputError, match="larger than"):
        load_csv(big)


def _rows_with(separator: str, decimal: str = ".", rows: int = 20) -> bytes:
    """`table()` rewritten with another field separator and decimal mark."""
    return table(rows).replace(",", "\0").replace(".", decimal).replace("\0", separator).encode()


def test_semicolons_with_decimal_commas_are_read_as_numbers_with_a_note():
    dataset = load_csv(_rows_with(";", decimal=","))
    assert dataset.feature_names == ("a", "b", "c")
    np.testing.assert_array_equal(dataset.X, load_csv(table().encode()).X)
    assert any("semicolon-separated" in note and "decimal commas" in note for note in dataset.notes)


@pytest.mark.parametrize("separator, word", [("\t", "tab"), ("|", "pipe")])
def test_tab_and_pipe_separated_files_are_read_with_a_note(separator, word):
    dataset = load_csv(_rows_with(separator))
    assert dataset.feature_names == ("a", "b", "c")
    np.testing.assert_array_equal(dataset.X, load_csv(table().encode()).X)
    assert any(f"{word}-separated" in note and "decimal commas" not in note for note in dataset.notes)


def test_a_comma_file_with_other_separators_inside_its_text_stays_comma_separated():
    rows = ["x;1,y|2,kind"] + [f"{i},{i % 3},a;b|c{i % 2}" for i in range(20)]
    dataset = load_csv("\n".join(rows).encode(), label_column="kind")
    assert dataset.feature_names == ("x;1", "y|2") and set(dataset.y) == {"a;b|c0", "a;b|c1"}
    assert dataset.notes == ()


def test_a_headerless_file_with_decimal_commas_gets_column_names():
    headerless = b"\n".join(_rows_with(";", decimal=",", rows=25).splitlines()[1:])
    dataset = load_csv(headerless)
    assert dataset.feature_names == ("column_1", "column_2", "column_3") and len(dataset.X) == 25


@pytest.mark.parametrize("content", [
    table().encode(), _rows_with(";", decimal=","), _rows_with("\t"), _rows_with("|"),
    table(header="a,a,b").encode(), b"\n".join(_rows_with(";", decimal=",").splitlines()[1:]),
])
def test_csv_columns_names_the_columns_load_csv_gives(content):
    assert tuple(csv_columns(content)) == load_csv(content).feature_names


def test_an_unreadable_file_names_the_separator_it_was_read_with():
    rows = "a;b;c\n" + "\n".join(f"{i};{i};{i}" for i in range(20)) + '\n1;"2;3\n4;5;6;7;8\n'
    with pytest.raises(InputError, match="semicolon") as error:
        load_csv(rows.encode(), name="bad.csv")
    assert "\n" not in str(error.value)


def test_text_only_files_name_the_separator_they_were_read_with():
    rows = "name;city\n" + "\n".join(f"n{i};c{i}" for i in range(20))
    with pytest.raises(InputError, match="no numeric columns.*semicolon"):
        load_csv(rows.encode(), name="words.csv")
