"""A user's CSV becomes a dataset, or is refused with one sentence that says how to fix it."""
import numpy as np
import pytest

from pipelines import InputError, load_csv, load_dataset, run_spec
from pipelines.cli.commands import EXIT_BAD_INPUT, main
from pipelines.data.csv_loader import MAX_CSV_MEGABYTES, MIN_ROWS, csv_columns, parse_image_shape, square_shape


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
    assert any("name" in note and "text column" in note for note in dataset.notes)


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


def _measurements(rows: int = 30, seed: int = 0) -> list[str]:
    """A file with a text label column `species` and four numeric columns f1..f4, as lines (header first)."""
    rng = np.random.default_rng(seed)
    return ["species,f1,f2,f3,f4"] + [f"{'ab'[i % 2]}," + ",".join(f"{v:.3f}" for v in rng.normal(size=4))
                                      for i in range(rows)]


def _with_cell(lines: list[str], line: int, column: int, value: str) -> list[str]:
    """`lines` with field `column` of line `line` (0 is the header) replaced by `value`."""
    fields = lines[line].split(",")
    fields[column] = value
    return [*lines[:line], ",".join(fields), *lines[line + 1:]]


def test_one_text_cell_in_a_numeric_column_drops_its_row_not_the_column():
    lines = _with_cell(_with_cell(_measurements(), 5, 3, "abc"), 9, 4, "n/a")
    dataset = load_csv("\n".join(lines).encode())
    assert dataset.feature_names == ("f1", "f2", "f3", "f4") and len(dataset.X) == 28
    assert any("'abc'" in note and "'f3'" in note and "row 6" in note and "90%" in note for note in dataset.notes)
    # rows as the user counts them in the file: the header is row 1, so lines 5 and 9 are rows 6 and 10
    assert any("Dropped 2 of 30 rows" in note and "rows 6, 10 of the file" in note for note in dataset.notes)
    text_notes = [note for note in dataset.notes if "text column" in note]
    assert len(text_notes) == 1 and "species" in text_notes[0] and "f3" not in text_notes[0]


def test_the_dropped_rows_note_names_the_first_five_rows_counting_blank_lines():
    lines = _measurements(40)
    for line, column in zip((2, 4, 6, 8, 10, 12), (1, 2, 3, 4, 1, 2)):
        lines = _with_cell(lines, line, column, "?")
    lines.insert(3, "")  # a blank line the reader skips still counts in the user's editor
    dataset = load_csv("\n".join(lines).encode())
    assert dataset.feature_names == ("f1", "f2", "f3", "f4")
    assert any("Dropped 6 of 40 rows" in note and "rows 3, 6, 8, 10, 12, … of the file" in note
               for note in dataset.notes)


def test_a_mostly_text_column_is_dropped_as_a_label_candidate_even_with_some_numbers():
    lines = _measurements(20)
    for line in (1, 2, 3):
        lines = _with_cell(lines, line, 0, str(line))  # 3 of 20 labels are numbers: 85% text
    dataset = load_csv("\n".join(lines).encode())
    assert dataset.feature_names == ("f1", "f2", "f3", "f4") and len(dataset.X) == 20
    assert any("species" in note and "choose one as the label column" in note for note in dataset.notes)


def test_a_decimal_comma_column_with_a_text_cell_keeps_its_numbers():
    rows = ["a;b;c"] + [f"{i},5;{i % 3},25;{i * 2},75" for i in range(20)]
    rows[4] = "3,5;x;6,75"
    dataset = load_csv("\n".join(rows).encode())
    assert dataset.feature_names == ("a", "b", "c") and len(dataset.X) == 19
    np.testing.assert_allclose(dataset.X[:, 1], [i % 3 + 0.25 for i in range(20) if i != 3])


def pixels(rows: int = 40, columns: int = 64, top: int = 16, seed: int = 0, label: bool = True) -> bytes:
    """A CSV of `rows` images as `columns` integer pixel columns from 0 to `top` (the first always 0, as in digits)
    and a text label column."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, top + 1, size=(rows, columns))
    values[:, 0] = 0
    values[0, 1] = top
    header = (["digit"] if label else []) + [f"p{i}" for i in range(columns)]
    lines = [",".join(header)] + [",".join(([f"d{i % 3}"] if label else []) + [str(v) for v in row])
                                  for i, row in enumerate(values)]
    return ("\n".join(lines) + "\n").encode()


def test_square_column_counts_are_offered_as_square_images():
    assert square_shape(64) == (8, 8) and square_shape(784) == (28, 28)
    assert square_shape(65) is None and square_shape(1) is None


@pytest.mark.parametrize("text, shape", [("8x8", (8, 8)), ("28×28", (28, 28)), (" 4 X 16 ", (4, 16)), ("3*5", (3, 5))])
def test_an_image_shape_is_read_as_height_by_width(text, shape):
    assert parse_image_shape(text) == shape


@pytest.mark.parametrize("text", ["8", "8x", "axb", "8x8x8", "0x64", "-8x8", ""])
def test_a_malformed_image_shape_says_what_to_type(text):
    with pytest.raises(InputError, match="HEIGHTxWIDTH, e.g. 8x8") as error:
        parse_image_shape(text)
    assert "\n" not in str(error.value)


def test_declared_images_keep_every_pixel_and_are_scaled_into_the_unit_range():
    table = load_csv(pixels(), label_column="digit")
    images = load_csv(pixels(), label_column="digit", image_shape=(8, 8))
    assert table.image_shape is None and table.X.shape[1] == 63  # the always-0 pixel is dropped from the table
    assert images.image_shape == (8, 8) and images.X.shape == (40, 64) and images.scaling == "unit"
    assert images.feature_names == load_dataset("digits").feature_names
    raw = np.loadtxt(pixels().decode().splitlines()[1:], delimiter=",", usecols=range(1, 65))
    np.testing.assert_allclose(images.X, raw / 16, rtol=1e-6)  # 16 is the smallest usual maximum above 0..16
    assert any("divided by 16" in note for note in images.notes)
    np.testing.assert_allclose(load_csv(pixels(), label_column="digit", image_shape=(8, 8), pixel_max=255).X,
                               raw / 255, rtol=1e-6)


def test_a_shape_that_does_not_fit_the_columns_says_what_to_type():
    with pytest.raises(InputError, match="has 65 pixel columns.*e.g. 5x13, or choose the label column") as error:
        load_csv(pixels(columns=65, label=False), name="bad.csv", image_shape=(8, 8))
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("pixel_max, message", [(10, "at least bad.csv's largest value, 16"), (0, "positive")])
def test_a_largest_pixel_value_below_the_data_is_refused(pixel_max, message):
    with pytest.raises(InputError, match=message):
        load_csv(pixels(), label_column="digit", name="bad.csv", image_shape=(8, 8), pixel_max=pixel_max)


def test_negative_pixels_are_refused():
    rows = ["a,b,c,d"] + [f"{i - 5},{i % 3},{i % 4},{i % 5}" for i in range(20)]
    with pytest.raises(InputError, match="negative pixel values"):
        load_csv("\n".join(rows).encode(), image_shape=(2, 2))


def test_a_run_on_images_never_shares_a_key_with_the_table_or_another_shape():
    raw = pixels(top=1)  # values in [0, 1]: divided by 1 the pixels equal the table's values
    datasets = [load_csv(raw, label_column="digit"), load_csv(raw, label_column="digit", image_shape=(8, 8)),
                load_csv(raw, label_column="digit", image_shape=(4, 16)),
                load_csv(raw, label_column="digit", image_shape=(8, 8), pixel_max=255)]
    keys = {run_spec(dataset, "pca", [2]).key for dataset in datasets}
    assert len(keys) == len(datasets)


def test_the_command_line_reads_a_csv_as_images(tmp_path, capsys):
    path = tmp_path / "pixels.csv"
    path.write_bytes(pixels())
    common = ["sweep", "--csv", str(path), "--label-column", "digit", "--methods", "pca", "--bottlenecks", "2",
              "--no-store"]
    assert main([*common, "--image-shape", "8x8", "--pixel-max", "255"]) == 0
    assert "divided by 255" in capsys.readouterr().err
    assert main([*common, "--image-shape", "8by8"]) == EXIT_BAD_INPUT
    assert "HEIGHTxWIDTH" in capsys.readouterr().err
    assert main([*common, "--image-shape", "8x9"]) == EXIT_BAD_INPUT
    assert "multiply to 64" in capsys.readouterr().err
