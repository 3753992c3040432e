"""Load a user's CSV into a `Dataset`, refusing bad files with one sentence that says how to fix them."""
from __future__ import annotations

import csv
import io
import itertools
import math
import os
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from pipelines.data.datasets import Dataset, fingerprint_bytes, pixel_names
from pipelines.errors import InputError

MAX_CSV_MEGABYTES = 200
MIN_ROWS = 10
_MAX_CATEGORIES = 50  # a numeric label with more distinct values than this is treated as continuous
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}  # comma first: it wins ties
_SAMPLE_ROWS = 50  # rows read to detect the delimiter and the decimal mark
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?$")
_DECIMAL_POINT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$")
# A column is numeric when at least this share of its filled cells are numbers; its other cells count as missing
# (a typo must not cost a feature), while a column of mostly text is a label candidate.
NUMERIC_SHARE = 0.9
_ROWS_NAMED = 5  # dropped rows named in the note
PIXEL_MAXIMA = (1, 16, 255, 65535)  # the usual largest pixel values: [0, 1] images, scikit-learn's digits, 8, 16 bits
_IMAGE_SHAPE = re.compile(r"^\s*(\d+)\s*[x×X*,]\s*(\d+)\s*$")


def _read_bytes(source: str | os.PathLike | bytes, name: str) -> bytes:
    if isinstance(source, bytes):
        raw = source
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{name}: no such file; check the path.")
        if path.stat().st_size > MAX_CSV_MEGABYTES * 1024 * 1024:
            raise InputError(f"{name} is larger than {MAX_CSV_MEGABYTES} MB; use a sample of its rows.")
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise InputError(f"{name} could not be read ({error.strerror}); check its permissions.") from None
    if len(raw) > MAX_CSV_MEGABYTES * 1024 * 1024:
        raise InputError(f"{name} is larger than {MAX_CSV_MEGABYTES} MB; use a sample of its rows.")
    if not raw.strip():
        raise InputError(f"{name} is empty; choose a CSV file with a header row and rows of numbers.")
    if b"\x00" in raw[:65536]:
        raise InputError(f"{name} looks like a binary file, not CSV text; export your data as CSV and try again.")
    return raw


def _decode(raw: bytes, name: str, notes: list[str]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append(f"{name} is not UTF-8, so it was read as Latin-1; save it as UTF-8 if some text looks wrong.")
        return raw.decode("latin-1")


class _Format(NamedTuple):
    """How a file's fields are separated and which character marks its decimals."""

    delimiter: str
    decimal: str

    def describe(self) -> str:
        """E.g. "semicolon-separated with decimal commas"."""
        return f"{_DELIMITER_NAMES[self.delimiter]}-separated" + (" with decimal commas" if self.decimal == "," else "")


def _sample(text: str, delimiter: str) -> list[list[str]]:
    """The first non-empty rows of `text` split at `delimiter` (empty when they cannot be split)."""
    try:
        return [row for row in itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), _SAMPLE_ROWS)
                if row]
    except csv.Error:
        return []


def _decimal(fields: list[str]) -> str:
    """"," when more fields look like numbers with a decimal comma than with a decimal point, else "."."""
    commas = sum(bool(_DECIMAL_COMMA.match(field)) for field in fields)
    points = sum(bool(_DECIMAL_POINT.match(field)) for field in fields)
    return "," if commas > points else "."


def _candidate(text: str, delimiter: str) -> tuple[tuple[float, float], _Format]:
    """How well `delimiter` splits the first rows (share as wide as the first row, share of numbers), and the format."""
    rows = _sample(text, delimiter)
    if not rows or len(rows[0]) < 2:
        return (0.0, 0.0), _Format(delimiter, ".")
    fields = [field.strip() for row in rows for field in row]
    # a decimal comma is only possible when commas do not separate fields
    decimal = "." if delimiter == "," else _decimal(fields)
    agreement = sum(len(row) == len(rows[0]) for row in rows) / len(rows)
    numbers = sum(_is_number(field, decimal) for field in fields) / len(fields)
    return (agreement, numbers), _Format(delimiter, decimal)


def _sniff(text: str) -> _Format:
    """The delimiter that splits the first rows into as many fields as the header, most of them numbers."""
    # max keeps the first of equals, so a file every delimiter splits equally well stays comma-separated
    return max((_candidate(text, delimiter) for delimiter in _DELIMITER_NAMES), key=lambda c: c[0])[1]


def _header(text: str, form: _Format) -> list[str] | None:
    """The first row's fields, or None when all of them are numbers, so the file has no header row."""
    header = next(csv.reader(io.StringIO(text), delimiter=form.delimiter))
    return None if all(_is_number(h, form.decimal) for h in header) else header


def _parse(text: str, form: _Format, name: str, notes: list[str]) -> pd.DataFrame:
    try:
        header = _header(text, form)
        frame = pd.read_csv(io.StringIO(text), sep=form.delimiter, decimal=form.decimal,
                            header="infer" if header else None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, StopIteration) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "no columns"
        raise InputError(f"{name} could not be read as {form.describe()} text ({reason}); check that every row has "
                         f"the same number of {_DELIMITER_NAMES[form.delimiter]}-separated fields and that every "
                         "quote is closed, or export the file again as CSV.") from None
    if form != _Format(",", "."):
        notes.append(f"Read as {form.describe()}.")
    if header is None:
        notes.append(f"{name} has no header row, so its columns were named column_1, column_2, ….")
        frame.columns = _headerless_names(frame.shape[1])
    elif len(set(header)) < len(header):
        repeated = sorted({h for h in header if header.count(h) > 1})
        notes.append(f"Repeated column names were made unique by adding .1, .2, …: {', '.join(repeated[:5])}.")
    frame.columns = [str(c) for c in frame.columns]
    if frame.empty:
        raise InputError(f"{name} has a header but no data rows; add rows of numbers below the header.")
    return frame


def _headerless_names(n_columns: int) -> list[str]:
    return [f"column_{i + 1}" for i in range(n_columns)]


def csv_columns(raw: bytes) -> list[str]:
    """The column names `load_csv` will give this file (empty when it cannot be read), e.g. for a label picker."""
    try:
        text = _decode(raw, "", [])
        form = _sniff(text)
        header = _header(text, form)
        frame = pd.read_csv(io.StringIO(text), sep=form.delimiter, nrows=0, header="infer" if header else None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, StopIteration, ValueError):
        return []
    return [str(c) for c in frame.columns] if header else _headerless_names(frame.shape[1])


def _is_number(text: str, decimal: str = ".") -> bool:
    try:
        float(text.replace(decimal, ".") if decimal != "." else text)
        return True
    except ValueError:
        return False


def _labels(frame: pd.DataFrame, label_column: str, name: str) -> tuple[np.ndarray, str]:
    """The label column's values and their kind."""
    values = frame[label_column]
    present = values.dropna()
    n_unique = present.nunique()
    if n_unique < 2:
        raise InputError(f"The label column {label_column!r} has only one value, so it cannot tell samples "
                         "apart; choose another label column or none.")
    numeric = pd.to_numeric(present, errors="coerce").notna().all()
    if numeric and n_unique > _MAX_CATEGORIES:
        return pd.to_numeric(values, errors="coerce").to_numpy("float32"), "continuous"
    if n_unique == len(present):
        return values.astype(str).to_numpy(), "identifier"
    if numeric:
        return pd.to_numeric(values).to_numpy(), "categorical"
    return values.astype(str).to_numpy(), "categorical"


def square_shape(n_pixels: int) -> tuple[int, int] | None:
    """(side, side) when `n_pixels` columns fill a square image of at least 2×2, else None."""
    side = math.isqrt(n_pixels)
    return (side, side) if side >= 2 and side * side == n_pixels else None


def parse_image_shape(text: str) -> tuple[int, int]:
    """(height, width) from text such as "8x8", "28×28" or "4 x 16"; refuses anything else in one sentence."""
    match = _IMAGE_SHAPE.match(text)
    if not match or min(int(match[1]), int(match[2])) < 1:
        raise InputError(f"{text.strip()!r} is not an image shape; type the height and width in pixels as "
                         "HEIGHTxWIDTH, e.g. 8x8 or 28x28.")
    return int(match[1]), int(match[2])


def _shape_example(n_pixels: int) -> str:
    """The most nearly square height×width of `n_pixels`, e.g. "5x13" for 65."""
    height = max(d for d in range(1, math.isqrt(n_pixels) + 1) if n_pixels % d == 0)
    return f"{height}x{n_pixels // height}"


def _file_rows(text: str, form: _Format, has_header: bool, positions: list[int]) -> list[int]:
    """The row numbers (the first row of the file is 1), as a spreadsheet shows them, of the data rows at
    `positions` of the parsed frame; blank lines, which the parser skips, still count as rows."""
    wanted, found = set(positions), {}
    data_row = -1 if has_header else 0
    reader = csv.reader(io.StringIO(text), delimiter=form.delimiter)
    for number, record in enumerate(reader, start=1):
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        if data_row in wanted:
            found[data_row] = number
            if len(found) == len(wanted):
                break
        data_row += 1
    return [found[p] for p in positions if p in found]


def _rows_text(rows: list[int], total: int) -> str:
    shown = ", ".join(str(r) for r in rows)
    return f"{'row' if total == 1 else 'rows'} {shown}{', …' if total > len(rows) else ''}"


def _as_numbers(column: pd.Series, decimal: str) -> pd.Series:
    """A column as floats, NaN where a cell is empty or not a number (a column with one text cell is read as text,
    so its numbers still carry the file's decimal mark)."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return column.astype("float64")
    text = column.astype("string").str.strip()
    if decimal != ".":
        text = text.str.replace(decimal, ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _numeric_columns(frame: pd.DataFrame, decimal: str, notes: list[str]) -> tuple[pd.DataFrame, list[tuple]]:
    """The mostly numeric columns as floats, with their unreadable cells missing, and those cells as
    (position, column, text); columns with fewer than NUMERIC_SHARE of their filled cells numbers are dropped."""
    numbers, text_columns, unreadable = {}, [], []
    for name in frame.columns:
        values = _as_numbers(frame[name], decimal)
        filled = frame[name].notna()
        bad = filled & values.isna()
        if bad.sum() > (1 - NUMERIC_SHARE) * filled.sum():
            text_columns.append(name)
            continue
        numbers[name] = values
        unreadable += [(position, name, frame[name].iloc[position]) for position in np.flatnonzero(bad)]
    if text_columns:
        notes.append(f"Dropped {len(text_columns)} text column(s), where fewer than {NUMERIC_SHARE:.0%} of the "
                     f"filled cells are numbers: {', '.join(text_columns[:5])}{', …' if len(text_columns) > 5 else ''}"
                     "; choose one as the label column to use it.")
    return pd.DataFrame(numbers, index=frame.index), sorted(unreadable, key=lambda cell: cell[0])


def _pixels(X: np.ndarray, image_shape: tuple[int, int], pixel_max: float | None, name: str,
            notes: list[str]) -> np.ndarray:
    """`X` divided by the largest value a pixel can take, refused when a value falls outside [0, that value]."""
    height, width = image_shape
    if height * width != X.shape[1]:
        raise InputError(f"An image of {height}x{width} has {height * width} pixels but {name} has {X.shape[1]} "
                         "pixel columns (its numeric columns other than the label column); type a height and width "
                         f"that multiply to {X.shape[1]}, e.g. {_shape_example(X.shape[1])}, or choose the label "
                         "column if it is counted among them.")
    smallest, largest = float(X.min()), float(X.max())
    if smallest < 0:
        raise InputError(f"{name} has negative pixel values (down to {smallest:g}); image pixels run from 0 to their "
                         "largest possible value, so read the file as a table instead.")
    if pixel_max is None:
        pixel_max = next((m for m in PIXEL_MAXIMA if largest <= m), largest)
        reason = (f"the smallest of {', '.join(f'{m:g}' for m in PIXEL_MAXIMA)} that is at least the file's largest "
                  f"value, {largest:g}" if largest <= PIXEL_MAXIMA[-1] else "the file's largest value")
    elif pixel_max <= 0 or largest > pixel_max:
        raise InputError(f"The largest pixel value must be positive and at least {name}'s largest value, {largest:g}, "
                         f"not {pixel_max:g}; give the largest value your pixels can take, e.g. 255.")
    else:
        reason = "the largest pixel value you gave"
    notes.append(f"Read as {len(X)} images of {height}x{width} pixels, each pixel divided by {pixel_max:g} ({reason}) "
                 "so that it lies in [0, 1]; pixels are neither standardised nor dropped when constant.")
    return X / pixel_max


def load_csv(source: str | os.PathLike | bytes, label_column: str | None = None, name: str | None = None,
             image_shape: tuple[int, int] | None = None, pixel_max: float | None = None) -> Dataset:
    """Numeric columns of a CSV become features; `label_column`, if given, colours the plots. With `image_shape`
    (height, width) the numeric columns are the pixels of one image per row, divided by `pixel_max` (by default the
    smallest of PIXEL_MAXIMA that holds every value) to lie in [0, 1]."""
    name = name or (Path(source).name if not isinstance(source, bytes) else "uploaded.csv")
    notes: list[str] = []
    raw = _read_bytes(source, name)
    text = _decode(raw, name, notes)
    form = _sniff(text)
    frame = _parse(text, form, name, notes)
    has_header = _header(text, form) is not None

    y, label_kind = None, None
    if label_column:
        if label_column not in frame.columns:
            shown = ", ".join(repr(c) for c in list(frame.columns)[:10])
            raise InputError(f"{name} has no column {label_column!r}; choose one of {shown}"
                             f"{', …' if frame.shape[1] > 10 else ''} or no label column.")
        y, label_kind = _labels(frame, label_column, name)
        frame = frame.drop(columns=[label_column])
        if label_kind == "identifier":
            notes.append(f"The label column {label_column!r} has a different value on every row, so it is shown "
                         "on hover but not used for colours, k-NN accuracy or stratified splits.")

    numeric, unreadable = _numeric_columns(frame, form.decimal, notes)
    if numeric.shape[1] == 0:
        raise InputError(f"{name} has no numeric columns when read as {form.describe()} text; features must be "
                         "numbers (one column per feature), separated by commas, semicolons, tabs or pipes.")
    if unreadable:
        position, column, cell = unreadable[0]
        row = _file_rows(text, form, has_header, [position])
        notes.append(f"Read {len(unreadable)} cell(s) that are not numbers as missing, e.g. {str(cell)!r} in column "
                     f"{column!r}{f' at row {row[0]}' if row else ''}: a column whose filled cells are at least "
                     f"{NUMERIC_SHARE:.0%} numbers is numeric, and its other cells count as empty.")

    X = numeric.to_numpy(dtype="float64")
    finite = np.isfinite(X).all(axis=1)
    if y is not None and label_kind == "continuous":
        finite &= np.isfinite(y)
    if not finite.all():
        if not finite.any():
            raise InputError(f"Every row of {name} has an empty, NaN or infinite value; fill in or remove them.")
        dropped = np.flatnonzero(~finite)
        rows = _file_rows(text, form, has_header, dropped[:_ROWS_NAMED].tolist())
        notes.append(f"Dropped {len(dropped)} of {len(X)} rows with empty, non-numeric, NaN or infinite values: "
                     f"{_rows_text(rows, len(dropped))} of the file, counting its first line as row 1.")
        X, y = X[finite], None if y is None else y[finite]
    if len(X) < MIN_ROWS:
        raise InputError(f"{name} has only {len(X)} usable row(s); at least {MIN_ROWS} are needed to split "
                         "into training and test data.")

    constant = X.std(axis=0) == 0
    if (~constant).sum() < 2:
        raise InputError(f"{name} has fewer than 2 varying numeric columns; a bottleneck needs at least 2 "
                         "features to compress.")
    if np.abs(X).max() > np.finfo("float32").max:
        raise InputError(f"{name} has values too large for 32-bit floats; rescale them.")
    if y is not None and label_kind == "categorical" and len(np.unique(y)) < 2:
        raise InputError(f"After dropping incomplete rows the label column {label_column!r} has one value; "
                         "choose another label column or none.")
    if image_shape is not None:
        X = _pixels(X, image_shape, pixel_max, name, notes)
        description = f"Your file {name}: {len(X)} images of {image_shape[0]}x{image_shape[1]} pixels, in [0, 1]."
        return Dataset(f"csv:{name}", X.astype("float32"), y, pixel_names(image_shape), description, "unit",
                       label_kind, label_column or "label", tuple(image_shape), fingerprint_bytes(raw), tuple(notes))

    if constant.any():
        dropped_columns = [c for c, is_constant in zip(numeric.columns, constant) if is_constant]
        notes.append(f"Dropped {len(dropped_columns)} constant column(s), which carry no information: "
                     f"{', '.join(dropped_columns[:5])}{', …' if len(dropped_columns) > 5 else ''}.")
        X = X[:, ~constant]
    features = tuple(c for c, is_constant in zip(numeric.columns, constant) if not is_constant)
    scaling = "unit" if X.min() >= 0 and X.max() <= 1 else "standardize"
    description = f"Your file {name}: {len(X)} rows × {len(features)} numeric columns."
    return Dataset(f"csv:{name}", X.astype("float32"), y, features, description, scaling, label_kind,
                   label_column or "label", None, fingerprint_bytes(raw), tuple(notes))
