"""The course's data sets, all usable offline.

* **8x8 digits** (``load_digits``, ``digits_loaders``): the 1,797 handwritten digits
  that ship with scikit-learn, split once with a seed, standardised with the
  training split's mean and standard deviation::

      x = (pixel - mean_train) / std_train      (one scalar mean and std)

* **Batches per epoch** (``iterations_per_epoch``): ceil(N / B), or floor(N / B)
  when the last, incomplete batch is dropped. 50,000 images in batches of 256 make
  196 iterations per epoch, 1,960 in 10 epochs.

* **Temperatures**: ``random_temperatures`` is the made-up series of the moving
  average lesson (30 values of ``randn * 10``); ``load_temperatures`` reads a real
  one, the daily highs and lows of Seattle in 2015, from the repository's
  ``data/`` folder (its source and licence are in ``data/README.md``).

* **MNIST** (``load_mnist``, ``read_idx``): reads the four standard IDX files
  (gzipped or not) from a folder you choose, checks every one against its known
  SHA-256, and downloads missing ones only when asked (``download=True``).

Example::

    >>> iterations_per_epoch(50_000, 256)
    196
    >>> d = load_digits()
    >>> tuple(d.x_train.shape), tuple(d.x_val.shape)
    ((1438, 1, 8, 8), (359, 1, 8, 8))
"""

from __future__ import annotations

import csv
import datetime
import functools
import gzip
import hashlib
import math
import os
import re
import shutil
import struct
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from lrcourse._checks import (
    check_bool,
    check_instance,
    check_int,
    check_range,
    check_seed,
    shown,
)

__all__ = [
    "DATA_DIR",
    "Digits",
    "MNIST_FILES",
    "MNIST_MIRRORS",
    "Mnist",
    "Temperatures",
    "digits_loaders",
    "iterations_per_epoch",
    "load_digits",
    "load_mnist",
    "load_temperatures",
    "random_temperatures",
    "read_idx",
]

#: The repository's data folder, next to the ``lrcourse`` package.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TEMPERATURES_FILE = "seattle_temperatures_2015.csv"


# ----------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------


def _check_fraction(val_fraction: Any) -> float:
    return check_range("val_fraction", val_fraction, 0, 1, low_open=True, high_open=True)


# ----------------------------------------------------------------------------------
# Batches per epoch
# ----------------------------------------------------------------------------------


def iterations_per_epoch(n_samples: int, batch_size: int, drop_last: bool = False) -> int:
    """How many batches (optimizer steps) one pass over ``n_samples`` takes.

        ceil(N / B)    keep the last, smaller batch (``DataLoader``'s default)
        floor(N / B)   drop_last=True

    Example:
        >>> iterations_per_epoch(50_000, 256), 10 * iterations_per_epoch(50_000, 256)
        (196, 1960)
        >>> iterations_per_epoch(50_000, 256, drop_last=True)
        195
    """
    n_samples = check_int("n_samples", n_samples, 0)
    batch_size = check_int("batch_size", batch_size, 1)
    drop_last = check_bool("drop_last", drop_last)
    if drop_last:
        return n_samples // batch_size
    return -(-n_samples // batch_size)


# ----------------------------------------------------------------------------------
# The 8x8 digits
# ----------------------------------------------------------------------------------


class Digits(NamedTuple):
    """The digits split in two: float32 images and int64 labels 0-9."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor


@functools.lru_cache(maxsize=1)
def _raw_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits, read once: images (1797, 8, 8) of values 0-16, labels."""
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    images = np.asarray(bunch.images, dtype=np.float64)
    labels = np.asarray(bunch.target, dtype=np.int64)
    images.setflags(write=False)  # shared by every call: nobody may change them
    labels.setflags(write=False)
    return images, labels


def load_digits(val_fraction: float = 0.2, seed: int = 0, flat: bool = False) -> Digits:
    """scikit-learn's 1,797 handwritten 8x8 digits, split and standardised.

    The images are shuffled with a fixed permutation drawn from ``seed``; the first
    ``round(val_fraction * 1797)`` go to validation, the rest to training. Every
    pixel of both splits is standardised with the training split's scalar mean and
    (population) standard deviation, so no information leaks from validation::

        x = (pixel - mean(x_train)) / std(x_train)

    Args:
        val_fraction: share of the images kept for validation, in (0, 1).
        seed: an integer >= 0; the same seed gives the same split.
        flat: give images as rows of 64 values, for an MLP, instead of (1, 8, 8).

    Returns:
        ``Digits(x_train, y_train, x_val, y_val)``: images in torch's default
        dtype (float32 unless ``torch.set_default_dtype`` changed it), shaped
        (N, 1, 8, 8) (or (N, 64) with ``flat=True``) and int64 labels 0-9.
        With the defaults: 1,438 training and 359 validation images.

    Example:
        >>> d = load_digits(flat=True)
        >>> tuple(d.x_train.shape), d.y_train.dtype
        ((1438, 64), torch.int64)
    """
    val_fraction = _check_fraction(val_fraction)
    seed = check_seed("seed", seed)
    flat = check_bool("flat", flat)

    images, labels = _raw_digits()
    n = len(images)
    n_val = round(val_fraction * n)
    if not 0 < n_val < n:
        raise ValueError(
            f"val_fraction must leave at least one image in each split of {n}, "
            f"got {shown(val_fraction)} ({n_val} for validation)"
        )
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).numpy()
    val_idx, train_idx = order[:n_val], order[n_val:]

    x_train, x_val = images[train_idx], images[val_idx]
    mean, std = x_train.mean(), x_train.std()
    shape = (-1, 64) if flat else (-1, 1, 8, 8)

    def prepare(x: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(((x - mean) / std).reshape(shape)).to(torch.get_default_dtype())

    return Digits(
        x_train=prepare(x_train),
        y_train=torch.from_numpy(labels[train_idx].copy()),
        x_val=prepare(x_val),
        y_val=torch.from_numpy(labels[val_idx].copy()),
    )


def digits_loaders(
    batch_size: int = 64,
    val_fraction: float = 0.2,
    seed: int = 0,
    flat: bool = False,
    shuffle: bool = True,
) -> tuple[DataLoader, DataLoader]:
    """Training and validation ``DataLoader``s over ``load_digits(val_fraction, seed, flat)``.

    The training loader shuffles (unless ``shuffle=False``) with its own
    ``torch.Generator`` seeded with ``seed``: the batches are the same every time
    the lesson runs, and the global random state is not used. Each pass over the
    loader draws a new order from that generator, so epochs differ from one another
    but not from run to run. The validation loader never shuffles. Both run in the
    main process (``num_workers=0``) and keep the last, smaller batch.

    Example:
        >>> train_loader, val_loader = digits_loaders(batch_size=64)
        >>> len(train_loader), len(val_loader)
        (23, 6)
    """
    batch_size = check_int("batch_size", batch_size, 1)
    shuffle = check_bool("shuffle", shuffle)
    digits = load_digits(val_fraction=val_fraction, seed=seed, flat=flat)
    seed = check_seed("seed", seed)
    generator = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(
        TensorDataset(digits.x_train, digits.y_train),
        batch_size=batch_size,
        shuffle=shuffle,
        generator=generator,
        num_workers=0,
    )
    val_loader = DataLoader(
        TensorDataset(digits.x_val, digits.y_val),
        batch_size=batch_size,
        shuffle=False,
        num_workers=0,
    )
    return train_loader, val_loader


# ----------------------------------------------------------------------------------
# Temperatures
# ----------------------------------------------------------------------------------


def random_temperatures(n: int = 30, seed: int = 0) -> torch.Tensor:
    """The moving-average lesson's made-up "daily temperatures": ``randn(n) * 10``.

    Equal to ``torch.manual_seed(seed); torch.randn(n) * 10`` but drawn from a local
    generator, so PyTorch's global random state is left as it was.

    Example:
        >>> random_temperatures(3).dtype, tuple(random_temperatures(3).shape)
        (torch.float32, (3,))
    """
    n = check_int("n", n, 1)
    seed = check_seed("seed", seed)
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, generator=generator) * 10


class Temperatures(NamedTuple):
    """A daily temperature series: the days and the highs, lows and means in °C."""

    dates: list[datetime.date]
    tmax: torch.Tensor
    tmin: torch.Tensor
    tmean: torch.Tensor


def load_temperatures() -> Temperatures:
    """Seattle's daily highest and lowest temperatures in 2015 (365 days, °C).

    NOAA observations, from ``data/seattle_temperatures_2015.csv`` in the
    repository (see ``data/README.md`` for the source and licence). The daily mean
    is taken as the midpoint::

        tmean = (tmax + tmin) / 2

    Returns:
        ``Temperatures(dates, tmax, tmin, tmean)``: a list of ``datetime.date`` and
        three float64 tensors of the same length.

    Example:
        >>> t = load_temperatures()
        >>> len(t.dates), t.dates[0].isoformat(), float(t.tmax[0])
        (365, '2015-01-01', 5.6)
    """
    path = DATA_DIR / TEMPERATURES_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{TEMPERATURES_FILE} not found in {DATA_DIR}: it lives in the data/ folder "
            "next to the lrcourse package, in the course's repository. Install lrcourse "
            "from a clone of the repository (pip install -e .) so that folder is found."
        )
    dates, tmax, tmin = [], [], []
    with path.open(newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        if reader.fieldnames != ["date", "temp_max", "temp_min"]:
            raise ValueError(
                f"{path.name} must have the columns date,temp_max,temp_min, "
                f"got {reader.fieldnames!r}"
            )
        for row in reader:
            dates.append(datetime.date.fromisoformat(row["date"]))
            tmax.append(float(row["temp_max"]))
            tmin.append(float(row["temp_min"]))
    high = torch.tensor(tmax, dtype=torch.float64)
    low = torch.tensor(tmin, dtype=torch.float64)
    return Temperatures(dates=dates, tmax=high, tmin=low, tmean=(high + low) / 2)


# ----------------------------------------------------------------------------------
# MNIST
# ----------------------------------------------------------------------------------


class Mnist(NamedTuple):
    """MNIST images as uint8 (N, 28, 28), 0 = background, and int64 labels 0-9.

    For training, turn the images into floats, for example ``images.float() / 255``.
    """

    images: torch.Tensor
    labels: torch.Tensor


#: The four standard files: their shape and the SHA-256 of their DECOMPRESSED bytes
#: (gzip output differs with the compressor, the content does not). The two t10k
#: digests were computed here from the real files. The two train digests are the
#: published ones, which agree across independent listings that give the same
#: t10k digests as ours; they could not be recomputed here (no copy of the train
#: files), so a mismatch on them would be worth reporting.
MNIST_FILES: dict[str, tuple[tuple[int, ...], str]] = {
    "train-images-idx3-ubyte.gz": (
        (60000, 28, 28),
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train-labels-idx1-ubyte.gz": (
        (60000,),
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "t10k-images-idx3-ubyte.gz": (
        (10000, 28, 28),
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "t10k-labels-idx1-ubyte.gz": (
        (10000,),
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}

#: Where missing files are downloaded from, in this order.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
_DOWNLOAD_TIMEOUT = 30  # seconds without an answer before a mirror is given up
_STALE_PART = 600  # seconds a partial download may sit untouched before it counts as left over

# IDX type byte -> element type (big-endian on disk).
_IDX_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(
    path: str | os.PathLike,
    sha256: str | None = None,
    shape: tuple[int, ...] | None = None,
) -> torch.Tensor:
    """Read one IDX file (the format of MNIST), gzipped or not, into a tensor.

    An IDX file is a header then the values, row-major, big-endian::

        bytes 0-1   0, 0
        byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16,
                    0x0C int32, 0x0D float32, 0x0E float64
        byte  3     number of dimensions d
        4 * d bytes the size of each dimension, unsigned 32-bit big-endian
        the rest    prod(sizes) values

    Args:
        path: the file; it is decompressed first when it starts with gzip's magic.
        sha256: when given, the expected SHA-256 of the decompressed bytes, as 64
            hexadecimal digits in either case.
        shape: when given, the shape the header must announce.

    Raises:
        ValueError: the file is not valid gzip, or not IDX, is truncated, has extra
            bytes, or does not match ``sha256`` or ``shape``. The message says which.

    Example:
        >>> images = read_idx("t10k-images-idx3-ubyte.gz")  # doctest: +SKIP
        >>> images.shape, images.dtype  # doctest: +SKIP
        (torch.Size([10000, 28, 28]), torch.uint8)
    """
    check_instance("path", path, (str, os.PathLike), "a file path (str or Path)")
    if sha256 is not None:
        if not (isinstance(sha256, str) and re.fullmatch(r"[0-9a-fA-F]{64}", sha256)):
            raise ValueError(f"sha256 must be 64 hexadecimal digits or None, got {shown(sha256)}")
        sha256 = sha256.lower()
    if shape is not None:
        if isinstance(shape, str | bytes) or not isinstance(shape, tuple | list):
            raise ValueError(f"shape must be a tuple of integers >= 0 or None, got {shown(shape)}")
        shape = tuple(check_int(f"shape[{i}]", n, 0) for i, n in enumerate(shape))
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"path must be a file, got {str(path)!r}, which is a folder")
    return _decode_idx(path.read_bytes(), path.name, sha256, shape)


def _decode_idx(
    raw: bytes, source: str, sha256: str | None, shape: tuple[int, ...] | None
) -> torch.Tensor:
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(
                f"{source} is not a complete gzip file ({error}): it is truncated or "
                "corrupted; delete it and download it again"
            ) from error
    if sha256 is not None:
        digest = hashlib.sha256(raw).hexdigest()
        if digest != sha256:
            raise ValueError(
                f"{source}: the SHA-256 of its content is {digest}, expected {sha256}; "
                "the file is corrupted or not the expected one: delete it and download "
                "it again"
            )
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] not in _IDX_TYPES:
        raise ValueError(
            f"{source} is not an IDX file: it starts with {raw[:4].hex()!r}, expected "
            "0000 then a type byte (08, 09, 0b, 0c, 0d or 0e) and a dimension count"
        )
    dtype, ndim = _IDX_TYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{source} is truncated: it ends inside its {header}-byte header")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    count = math.prod(dims)
    expected, found = count * dtype.itemsize, len(raw) - header
    if found != expected:
        problem = "is truncated" if found < expected else "has extra bytes at the end"
        raise ValueError(
            f"{source} {problem}: its header announces shape {dims}, {expected} bytes "
            f"of values, but it holds {found}"
        )
    if shape is not None and tuple(dims) != tuple(shape):
        raise ValueError(f"{source} holds an array of shape {dims}, expected {tuple(shape)}")
    values = np.frombuffer(raw, dtype=dtype, count=count, offset=header)
    return torch.from_numpy(values.astype(dtype.newbyteorder("="))).reshape(dims)


def _mnist_names(train: bool) -> tuple[str, str]:
    prefix = "train" if train else "t10k"
    return f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz"


#: Sizes of the gzipped files, for the messages: the training set, the test set.
_MNIST_SIZES = {True: "about 9.9 MB", False: "about 1.6 MB"}


def _download_hint(root: Path, train: bool) -> str:
    """How to get the files: the call that downloads them, and where they go."""
    names = " and ".join(_mnist_names(train))
    return (
        f"To download them ({_MNIST_SIZES[train]}), call "
        f"load_mnist({str(root)!r}, download=True, train={train}): {names} are saved in "
        f"{root} (created if needed), checked against their SHA-256, and read from there "
        "from then on, offline."
    )


def _by_hand_hint(root: Path, train: bool) -> str:
    names = " and ".join(_mnist_names(train))
    return (
        f"Without network access here, get {names} on a machine that has it (for "
        f"example from {MNIST_MIRRORS[0]}) and copy them, gzipped or unzipped, into "
        f"{root}; load_mnist then reads them with download=False."
    )


def _remove_stale_parts(name: str, root: Path) -> None:
    """Delete partial downloads of ``name`` left by a run that was killed mid-way.

    A live download writes to its part file at least every ``_DOWNLOAD_TIMEOUT``
    seconds; one untouched for ``_STALE_PART`` seconds belongs to no running download.
    """
    now = time.time()
    for part in root.glob(f".{name}.*.part"):
        try:
            if now - part.stat().st_mtime > _STALE_PART:
                part.unlink()
        except OSError:  # removed meanwhile, or not ours to remove: leave it
            pass


def _download(name: str, root: Path, train: bool) -> torch.Tensor:
    """Fetch ``name`` into ``root``, checked, and return its decoded content.

    The bytes go to a temporary file in ``root``; it is renamed to ``name`` only
    after its content matched the expected SHA-256 and shape, and removed in
    every other case, so a failed or interrupted download leaves nothing behind.
    """
    shape, sha256 = MNIST_FILES[name]
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_parts(name, root)
    failures = []
    for mirror in MNIST_MIRRORS:
        url = mirror + name
        fd, partial = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=root)
        try:
            with os.fdopen(fd, "wb") as out:
                with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT) as response:
                    shutil.copyfileobj(response, out)
            content = _decode_idx(Path(partial).read_bytes(), url, sha256, shape)
            os.replace(partial, root / name)
            return content
        except (OSError, ValueError) as error:  # network errors are OSErrors
            failures.append(f"  {url}: {error}")
        finally:
            Path(partial).unlink(missing_ok=True)
    raise RuntimeError(
        f"could not download {name} into {root}:\n"
        + "\n".join(failures)
        + "\n"
        + _by_hand_hint(root, train)
    )


def _read_mnist_file(name: str, root: Path, download: bool, train: bool) -> torch.Tensor:
    shape, sha256 = MNIST_FILES[name]
    for candidate in (root / name, root / name.removesuffix(".gz")):
        if candidate.is_file():
            return read_idx(candidate, sha256=sha256, shape=shape)
    if download:
        return _download(name, root, train)
    raise FileNotFoundError(
        f"{name} is not in {root}, and load_mnist downloads nothing unless asked "
        f"(download=False). {_download_hint(root, train)} {_by_hand_hint(root, train)}"
    )


def load_mnist(root: str | os.PathLike, download: bool = False, train: bool = True) -> Mnist:
    """Read MNIST's training (60,000) or test (10,000) images from ``root``.

    ``root`` holds the standard files ``train-images-idx3-ubyte.gz``,
    ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz`` and
    ``t10k-labels-idx1-ubyte.gz`` (or the same names unzipped, without ``.gz``).
    Each file's decompressed content is checked against its known SHA-256
    (``MNIST_FILES``) and its header against the expected shape; a file that fails
    is rejected with a message saying why, and is never modified.

    Nothing is downloaded unless asked: by default a missing file is an error whose
    message gives the call that downloads it and the folder it goes to. With
    ``download=True`` a missing file is fetched from ``MNIST_MIRRORS`` in turn, into
    a temporary file in ``root`` renamed only once its content checks out; without a
    network, the error says where to put the files by hand.

    Args:
        root: the folder of the files; created if a download needs it.
        download: fetch missing files (default False: the course works offline).
        train: the 60,000 training images; ``False`` for the 10,000 test images.

    Returns:
        ``Mnist(images, labels)``: uint8 images (N, 28, 28), int64 labels 0-9.

    Example:
        >>> test = load_mnist("mnist", train=False)  # doctest: +SKIP
        >>> test.images.shape  # doctest: +SKIP
        torch.Size([10000, 28, 28])
    """
    check_instance("root", root, (str, os.PathLike), "a folder path (str or Path)")
    download = check_bool("download", download)
    train = check_bool("train", train)
    root = Path(root).expanduser()
    if root.exists() and not root.is_dir():
        raise ValueError(f"root must be a folder, got {str(root)!r}, which is a file")

    images_name, labels_name = _mnist_names(train)
    images = _read_mnist_file(images_name, root, download, train)
    labels = _read_mnist_file(labels_name, root, download, train)
    if len(images) != len(labels):
        raise ValueError(
            f"{images_name} holds {len(images)} images but {labels_name} {len(labels)} labels"
        )
    if images.dtype != torch.uint8 or labels.dtype != torch.uint8:
        raise ValueError(
            f"MNIST files hold uint8 values, got {images.dtype} images and {labels.dtype} labels"
        )
    if len(labels) and int(labels.max()) > 9:
        raise ValueError(f"{labels_name} holds labels up to {int(labels.max())}, expected 0-9")
    return Mnist(images=images, labels=labels.long())
