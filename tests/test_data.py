"""Tests of lrcourse.data: the digits split, loaders, batch counts, temperatures and MNIST."""

from __future__ import annotations

import csv
import datetime
import gzip
import hashlib
import io
import os
import struct
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.utils.data import DataLoader

from lrcourse import data
from lrcourse.data import (
    digits_loaders,
    iterations_per_epoch,
    load_digits,
    load_mnist,
    load_temperatures,
    random_temperatures,
    read_idx,
)

REAL_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def _sklearn_digits():
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    return bunch.data.astype(np.float64), bunch.target.astype(np.int64)


# ----------------------------------------------------------------------------------
# iterations_per_epoch
# ----------------------------------------------------------------------------------


def test_iterations_per_epoch_course_numbers():
    # COURSE B: 50,000 images, batches of 256 -> 196 per epoch, 1,960 in 10 epochs.
    assert iterations_per_epoch(50_000, 256) == 196
    assert 10 * iterations_per_epoch(50_000, 256) == 1960
    assert iterations_per_epoch(50_000, 256, drop_last=True) == 195
    assert iterations_per_epoch(512, 256) == iterations_per_epoch(512, 256, drop_last=True) == 2
    assert iterations_per_epoch(0, 8) == 0


@given(n=st.integers(0, 3000), b=st.integers(1, 400), drop_last=st.booleans())
def test_iterations_per_epoch_is_len_of_a_dataloader(n, b, drop_last):
    loader = DataLoader(range(n), batch_size=b, drop_last=drop_last)
    assert iterations_per_epoch(n, b, drop_last=drop_last) == len(loader)


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((-1, 8), "n_samples"),
        ((10.5, 8), "n_samples"),
        ((True, 8), "n_samples"),
        ((10, 0), "batch_size"),
        ((10, -4), "batch_size"),
        ((10, 2.0), "batch_size"),
        ((10, 2, "yes"), "drop_last"),
    ],
)
def test_iterations_per_epoch_bad_input(args, name):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        iterations_per_epoch(*args)


# ----------------------------------------------------------------------------------
# load_digits
# ----------------------------------------------------------------------------------


def test_digits_shapes_dtypes_and_split_sizes():
    d = load_digits()
    assert d.x_train.shape == (1438, 1, 8, 8) and d.x_val.shape == (359, 1, 8, 8)
    assert d.x_train.dtype == d.x_val.dtype == torch.float32
    assert d.y_train.dtype == d.y_val.dtype == torch.int64
    assert len(d.y_train) + len(d.y_val) == 1797
    assert set(d.y_train.tolist()) == set(range(10)) == set(d.y_val.tolist())


def test_digits_match_an_independent_split_of_sklearn():
    pixels, labels = _sklearn_digits()
    order = torch.randperm(1797, generator=torch.Generator().manual_seed(5)).numpy()
    val, train = order[:539], order[539:]  # round(0.3 * 1797) = round(539.1) = 539
    mean, std = pixels[train].mean(), pixels[train].std()

    d = load_digits(val_fraction=0.3, seed=5, flat=True)
    np.testing.assert_allclose(
        d.x_train.numpy(), (pixels[train] - mean) / std, rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(d.x_val.numpy(), (pixels[val] - mean) / std, rtol=1e-6, atol=1e-6)
    assert d.y_train.tolist() == labels[train].tolist()
    assert d.y_val.tolist() == labels[val].tolist()


def test_digits_standardised_with_training_statistics_only():
    d = load_digits()
    x = d.x_train.double()
    assert abs(x.mean().item()) < 1e-6
    assert x.std(correction=0).item() == pytest.approx(1.0, abs=1e-6)
    # The validation split is not re-centred on itself.
    assert abs(d.x_val.double().mean().item()) > 1e-4


def test_digits_flat_is_the_same_data_reshaped():
    a, b = load_digits(flat=False), load_digits(flat=True)
    assert b.x_train.shape == (1438, 64)
    assert torch.equal(a.x_train.reshape(-1, 64), b.x_train)
    assert torch.equal(a.y_val, b.y_val)


def test_digits_seed_fixes_the_split():
    a, b, c = load_digits(seed=0), load_digits(seed=0), load_digits(seed=1)
    assert all(torch.equal(u, v) for u, v in zip(a, b, strict=True))
    assert not torch.equal(a.y_val, c.y_val)


def test_digits_raw_load_is_cached_and_protected():
    data._raw_digits()
    hits = data._raw_digits.cache_info().hits
    d = load_digits()
    assert data._raw_digits.cache_info().hits == hits + 1
    images, _ = data._raw_digits()
    assert not images.flags.writeable
    d.x_train.zero_()  # changing a result must not change the next one
    assert load_digits().x_train.abs().sum() > 0


@pytest.mark.parametrize("val_fraction", [0, 1, -0.1, 1.5, float("nan"), True, "0.2", None])
def test_digits_bad_val_fraction(val_fraction):
    with pytest.raises(ValueError, match=r"val_fraction must be a number in \(0, 1\)"):
        load_digits(val_fraction=val_fraction)


def test_digits_val_fraction_too_small_for_one_image():
    with pytest.raises(ValueError, match="val_fraction must leave at least one image"):
        load_digits(val_fraction=1e-5)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_digits_bad_seed(seed):
    with pytest.raises(ValueError, match=r"^seed must be an integer in \[0, 2\*\*64 - 1\], got "):
        load_digits(seed=seed)


def test_digits_bad_flat():
    with pytest.raises(ValueError, match="flat must be True or False"):
        load_digits(flat=1)


# ----------------------------------------------------------------------------------
# digits_loaders
# ----------------------------------------------------------------------------------


def _epochs(loader, n):
    return [[(x.clone(), y.clone()) for x, y in loader] for _ in range(n)]


def test_loaders_sizes_and_batches():
    train_loader, val_loader = digits_loaders(batch_size=64)
    assert len(train_loader) == iterations_per_epoch(1438, 64) == 23
    assert len(val_loader) == iterations_per_epoch(359, 64) == 6
    x, y = next(iter(train_loader))
    assert x.shape == (64, 1, 8, 8) and y.shape == (64,)
    assert sum(len(y) for _, y in val_loader) == 359


def test_loaders_repeat_the_same_batches_run_after_run():
    first = _epochs(digits_loaders(batch_size=50, seed=3)[0], 2)
    torch.manual_seed(12345)  # the global state must not matter
    second = _epochs(digits_loaders(batch_size=50, seed=3)[0], 2)
    for epoch_a, epoch_b in zip(first, second, strict=True):
        for (xa, ya), (xb, yb) in zip(epoch_a, epoch_b, strict=True):
            assert torch.equal(xa, xb) and torch.equal(ya, yb)
    # ... while the two epochs of one run come in different orders
    assert not torch.equal(first[0][0][1], first[1][0][1])


def test_loaders_shuffle_each_epoch_a_permutation_of_the_training_split():
    d = load_digits(seed=2)
    train_loader, _ = digits_loaders(batch_size=100, seed=2)
    labels = torch.cat([y for _, y in train_loader])
    assert not torch.equal(labels, d.y_train)
    assert torch.equal(labels.sort().values, d.y_train.sort().values)


def test_loaders_without_shuffle_keep_the_split_order():
    d = load_digits(seed=4, flat=True)
    train_loader, val_loader = digits_loaders(batch_size=30, seed=4, flat=True, shuffle=False)
    assert torch.equal(torch.cat([x for x, _ in train_loader]), d.x_train)
    assert torch.equal(torch.cat([y for _, y in val_loader]), d.y_val)


def test_loaders_leave_the_global_random_state_alone():
    before = torch.get_rng_state()
    train_loader, _ = digits_loaders()
    for _ in train_loader:
        pass
    assert torch.equal(torch.get_rng_state(), before)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_loaders_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match=r"^batch_size must be an integer >= 1, got "):
        digits_loaders(batch_size=batch_size)


def test_loaders_bad_shuffle_and_val_fraction():
    with pytest.raises(ValueError, match="shuffle must be True or False"):
        digits_loaders(shuffle="yes")
    with pytest.raises(ValueError, match="val_fraction"):
        digits_loaders(val_fraction=0.0)


# ----------------------------------------------------------------------------------
# Temperatures
# ----------------------------------------------------------------------------------


def test_random_temperatures_equal_the_global_seed_version():
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        expected = torch.randn(30) * 10
        torch.manual_seed(7)
        expected_7 = torch.randn(5) * 10
    assert torch.equal(random_temperatures(), expected)
    assert torch.equal(random_temperatures(5, seed=7), expected_7)


def test_random_temperatures_leave_the_global_random_state_alone():
    before = torch.get_rng_state()
    random_temperatures(30)
    assert torch.equal(torch.get_rng_state(), before)


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"n": 0}, "n"), ({"n": 2.0}, "n"), ({"seed": -3}, "seed")]
)
def test_random_temperatures_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        random_temperatures(**kwargs)


def test_temperatures_a_whole_year_of_days():
    t = load_temperatures()
    assert len(t.dates) == 365 == len(t.tmax) == len(t.tmin) == len(t.tmean)
    assert t.dates[0] == datetime.date(2015, 1, 1)
    steps = {(b - a).days for a, b in zip(t.dates, t.dates[1:], strict=False)}
    assert steps == {1} and t.dates[-1] == datetime.date(2015, 12, 31)
    assert t.tmax.dtype == t.tmin.dtype == t.tmean.dtype == torch.float64


def test_temperatures_are_plausible_for_seattle():
    t = load_temperatures()
    assert (t.tmax >= t.tmin).all()
    assert -20 < t.tmin.min() and t.tmax.max() < 45
    assert torch.allclose(t.tmean, (t.tmax + t.tmin) / 2)
    months = torch.tensor([d.month for d in t.dates])
    july, january = t.tmean[months == 7].mean(), t.tmean[months == 1].mean()
    assert july > january + 8


def test_temperatures_file_read_independently_with_numpy():
    table = np.genfromtxt(
        data.DATA_DIR / data.TEMPERATURES_FILE,
        delimiter=",",
        names=True,
        dtype=None,
        encoding="utf-8",
    )
    t = load_temperatures()
    assert t.tmax.tolist() == table["temp_max"].tolist()
    assert t.tmin.tolist() == table["temp_min"].tolist()
    assert [d.isoformat() for d in t.dates] == table["date"].tolist()


def test_temperatures_file_is_the_2015_part_of_the_source():
    vega = pytest.importorskip("vega_datasets", reason="vega_datasets (dev only) not installed")
    source = Path(vega.__file__).parent / "_data" / "seattle-weather.csv"
    if not source.is_file():
        pytest.skip(f"seattle-weather.csv not found in {source.parent}")
    with source.open(newline="") as stream:
        rows = [r for r in csv.DictReader(stream) if r["date"].startswith("2015/")]
    t = load_temperatures()
    assert [r["date"].replace("/", "-") for r in rows] == [d.isoformat() for d in t.dates]
    assert [float(r["temp_max"]) for r in rows] == t.tmax.tolist()
    assert [float(r["temp_min"]) for r in rows] == t.tmin.tolist()


def test_temperatures_missing_file_says_where_it_belongs(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="seattle_temperatures_2015.csv not found"):
        load_temperatures()


def test_temperatures_wrong_columns_rejected(tmp_path, monkeypatch):
    (tmp_path / data.TEMPERATURES_FILE).write_text("day,high,low\n2015-01-01,1,0\n")
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    with pytest.raises(ValueError, match="date,temp_max,temp_min"):
        load_temperatures()


# ----------------------------------------------------------------------------------
# IDX files
# ----------------------------------------------------------------------------------

TYPE_CODES = {
    np.uint8: 0x08,
    np.int8: 0x09,
    np.int16: 0x0B,
    np.int32: 0x0C,
    np.float32: 0x0D,
    np.float64: 0x0E,
}


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file written by hand: 0, 0, type, ndim, big-endian sizes, big-endian values."""
    code = TYPE_CODES[array.dtype.type]
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize(
    "array",
    [
        np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4),
        np.array([-5, 0, 70000], dtype=np.int32),
        np.array([[-1, 2], [3, -128]], dtype=np.int8),
        np.array([300, -300], dtype=np.int16),
        np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2),
        np.array([np.pi, -1e300]),
    ],
)
def test_read_idx_round_trip(tmp_path, array, compress):
    raw = idx_bytes(array)
    path = tmp_path / ("x.idx.gz" if compress else "x.idx")
    path.write_bytes(gzip.compress(raw) if compress else raw)
    got = read_idx(path, sha256=sha(raw), shape=array.shape)
    np.testing.assert_array_equal(got.numpy(), array)
    assert got.numpy().dtype == array.dtype.newbyteorder("=")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: gzip.compress(raw)[:-20], "not a complete gzip file"),
        (lambda raw: b"\x1f\x8b" + b"garbage" * 5, "not a complete gzip file"),
        (lambda raw: raw[:-3], r"is truncated: its header announces shape \(2, 3\)"),
        (lambda raw: raw[:10], "is truncated: it ends inside its 12-byte header"),
        (lambda raw: raw + b"\x00", "has extra bytes at the end"),
        (lambda raw: b"\x01" + raw[1:], "is not an IDX file"),
        (lambda raw: raw[:2] + b"\x07" + raw[3:], "is not an IDX file"),
        (lambda raw: b"", "is not an IDX file"),
    ],
)
def test_read_idx_rejects_damaged_files(tmp_path, mutate, message):
    raw = idx_bytes(np.ones((2, 3), dtype=np.uint8))
    path = tmp_path / "bad.gz"
    path.write_bytes(mutate(raw))
    with pytest.raises(ValueError, match=message) as info:
        read_idx(path)
    assert "bad.gz" in str(info.value)


def test_read_idx_checks_digest_and_shape(tmp_path):
    raw = idx_bytes(np.zeros((4, 2), dtype=np.uint8))
    path = tmp_path / "a.gz"
    path.write_bytes(gzip.compress(raw))
    with pytest.raises(ValueError, match=r"a.gz: the SHA-256 of its content is [0-9a-f]{64}"):
        read_idx(path, sha256="0" * 64)
    with pytest.raises(ValueError, match=r"shape \(4, 2\), expected \(4, 3\)"):
        read_idx(path, shape=(4, 3))
    # The digest is of the content: the same array compressed differently passes.
    path.write_bytes(gzip.compress(raw, compresslevel=1, mtime=12345))
    assert read_idx(path, sha256=sha(raw)).shape == (4, 2)


# ----------------------------------------------------------------------------------
# load_mnist on small synthetic files (the known digests replaced by theirs)
# ----------------------------------------------------------------------------------

N_FAKE = 6


@pytest.fixture
def fake_mnist(monkeypatch):
    """Small MNIST-like files for both splits; MNIST_FILES points at their digests."""
    gen = np.random.default_rng(0)
    contents, table = {}, {}
    for prefix in ("train", "t10k"):
        images = gen.integers(0, 256, size=(N_FAKE, 28, 28), dtype=np.uint8)
        labels = gen.integers(0, 10, size=N_FAKE, dtype=np.uint8)
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            name = f"{prefix}-{kind}-ubyte.gz"
            raw = idx_bytes(array)
            contents[name] = (array, gzip.compress(raw))
            table[name] = (array.shape, sha(raw))
    monkeypatch.setattr(data, "MNIST_FILES", table)
    return contents


def _put(root: Path, contents, prefix: str, *, unzip: bool = False):
    for name, (_array, compressed) in contents.items():
        if name.startswith(prefix):
            if unzip:
                (root / name.removesuffix(".gz")).write_bytes(gzip.decompress(compressed))
            else:
                (root / name).write_bytes(compressed)


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("unzip", [False, True])
def test_load_mnist_reads_files_in_root(tmp_path, fake_mnist, train, unzip):
    prefix = "train" if train else "t10k"
    _put(tmp_path, fake_mnist, prefix, unzip=unzip)
    got = load_mnist(tmp_path, download=False, train=train)
    images, _ = fake_mnist[f"{prefix}-images-idx3-ubyte.gz"]
    labels, _ = fake_mnist[f"{prefix}-labels-idx1-ubyte.gz"]
    assert got.images.dtype == torch.uint8 and got.labels.dtype == torch.int64
    np.testing.assert_array_equal(got.images.numpy(), images)
    assert got.labels.tolist() == labels.tolist()


def test_load_mnist_corrupted_file_is_rejected_and_left_alone(tmp_path, fake_mnist):
    _put(tmp_path, fake_mnist, "t10k")
    target = tmp_path / "t10k-images-idx3-ubyte.gz"
    raw = bytearray(gzip.decompress(target.read_bytes()))
    raw[500] ^= 0xFF  # one pixel changed
    target.write_bytes(gzip.compress(bytes(raw)))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(ValueError, match="t10k-images-idx3-ubyte.gz: the SHA-256"):
        load_mnist(tmp_path, download=True, train=False)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_load_mnist_truncated_file_is_rejected(tmp_path, fake_mnist):
    _put(tmp_path, fake_mnist, "t10k")
    target = tmp_path / "t10k-labels-idx1-ubyte.gz"
    target.write_bytes(target.read_bytes()[:-8])
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz is not a complete gzip"):
        load_mnist(tmp_path, download=False, train=False)


def test_load_mnist_missing_file_without_download(tmp_path, fake_mnist):
    with pytest.raises(FileNotFoundError, match="download=False") as info:
        load_mnist(tmp_path, download=False, train=False)
    assert "t10k-images-idx3-ubyte.gz" in str(info.value)
    assert str(tmp_path) in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("train", [True, False])
def test_load_mnist_downloads_nothing_by_default_and_says_how_to(tmp_path, fake_mnist,
                                                                  monkeypatch, train):
    net = FakeNet(lambda url: io.BytesIO(fake_mnist[url.rsplit("/", 1)[1]][1]))
    monkeypatch.setattr(urllib.request, "urlopen", net)
    root = tmp_path / "not yet"
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(root, train=train)
    message = str(info.value)
    assert net.urls == [] and not root.exists()  # no network, nothing created
    # The message gives the call that downloads, and the folder the files go to ...
    call = f"load_mnist({str(root)!r}, download=True, train={train})"
    assert call in message and f"saved in {root}" in message
    # ... and that call, copied as it is, does download them there.
    got = eval(call, {"load_mnist": load_mnist})  # the message's own text, run as it is
    assert len(got.labels) == N_FAKE
    prefix = "train" if train else "t10k"
    assert _leftovers(root) == [f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz"]


def test_load_mnist_labels_out_of_range_and_count_mismatch(tmp_path, monkeypatch):
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    for labels, message in (
        (np.array([1, 2, 12], dtype=np.uint8), "labels up to 12, expected 0-9"),
        (np.array([1, 2], dtype=np.uint8), "holds 3 images but"),
    ):
        table = {}
        for name, array in (
            ("t10k-images-idx3-ubyte.gz", images),
            ("t10k-labels-idx1-ubyte.gz", labels),
        ):
            raw = idx_bytes(array)
            (tmp_path / name).write_bytes(gzip.compress(raw))
            table[name] = (array.shape, sha(raw))
        monkeypatch.setattr(data, "MNIST_FILES", table)
        with pytest.raises(ValueError, match=message):
            load_mnist(tmp_path, download=False, train=False)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"root": 3}, "root"),
        ({"root": "x", "download": "yes"}, "download"),
        ({"root": "x", "train": 0}, "train"),
    ],
)
def test_load_mnist_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        load_mnist(**kwargs)


# ----------------------------------------------------------------------------------
# Downloads (urllib replaced: no network is used)
# ----------------------------------------------------------------------------------


class FakeNet:
    """Stands in for urllib.request.urlopen: serves bytes per URL, or raises."""

    def __init__(self, served):
        self.served = served  # url -> bytes, or an exception to raise
        self.urls = []

    def __call__(self, url, timeout=None):
        self.urls.append(url)
        answer = self.served(url)
        if isinstance(answer, BaseException):
            raise answer
        return answer


class BrokenStream(io.BytesIO):
    """A response that delivers some bytes, then fails."""

    def __init__(self, payload, error):
        super().__init__(payload)
        self.error = error

    def read(self, size=-1):
        chunk = super().read(min(size, 100) if size and size > 0 else 100)
        if self.tell() >= 300:
            raise self.error
        return chunk


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_download_fetches_checks_and_stores(tmp_path, fake_mnist, monkeypatch):
    net = FakeNet(lambda url: io.BytesIO(fake_mnist[url.rsplit("/", 1)[1]][1]))
    monkeypatch.setattr(urllib.request, "urlopen", net)
    root = tmp_path / "new" / "mnist"
    got = load_mnist(root, download=True, train=False)
    assert got.images.shape == (N_FAKE, 28, 28)
    assert _leftovers(root) == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    assert net.urls[0] == data.MNIST_MIRRORS[0] + "t10k-images-idx3-ubyte.gz"
    # A second call reads the stored files and uses no network.
    net.urls.clear()
    again = load_mnist(root, download=True, train=False)
    assert net.urls == [] and torch.equal(again.images, got.images)


def test_download_falls_back_to_the_next_mirror(tmp_path, fake_mnist, monkeypatch):
    def served(url):
        if url.startswith(data.MNIST_MIRRORS[0]):
            return urllib.error.URLError("connection refused")
        return io.BytesIO(fake_mnist[url.rsplit("/", 1)[1]][1])

    monkeypatch.setattr(urllib.request, "urlopen", FakeNet(served))
    got = load_mnist(tmp_path, download=True, train=True)
    assert len(got.labels) == N_FAKE
    assert _leftovers(tmp_path) == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]


def test_download_without_network_says_what_to_do(tmp_path, fake_mnist, monkeypatch):
    net = FakeNet(lambda url: urllib.error.URLError("Temporary failure in name resolution"))
    monkeypatch.setattr(urllib.request, "urlopen", net)
    with pytest.raises(RuntimeError) as info:
        load_mnist(tmp_path, download=True, train=False)
    message = str(info.value)
    assert "could not download t10k-images-idx3-ubyte.gz" in message
    assert "Temporary failure in name resolution" in message
    assert "Without network access here" in message and str(tmp_path) in message
    assert "download=False" in message
    assert len(net.urls) == len(data.MNIST_MIRRORS)
    assert _leftovers(tmp_path) == []


def test_download_of_corrupted_bytes_keeps_nothing(tmp_path, fake_mnist, monkeypatch):
    def served(url):
        compressed = fake_mnist[url.rsplit("/", 1)[1]][1]
        raw = bytearray(gzip.decompress(compressed))
        raw[-1] ^= 1
        return io.BytesIO(gzip.compress(bytes(raw)))

    monkeypatch.setattr(urllib.request, "urlopen", FakeNet(served))
    with pytest.raises(RuntimeError, match="SHA-256 of its content"):
        load_mnist(tmp_path, download=True, train=False)
    assert _leftovers(tmp_path) == []


def test_download_cut_off_midway_keeps_nothing(tmp_path, fake_mnist, monkeypatch):
    def served(url):
        compressed = fake_mnist[url.rsplit("/", 1)[1]][1]
        return BrokenStream(compressed, ConnectionResetError("connection reset by peer"))

    monkeypatch.setattr(urllib.request, "urlopen", FakeNet(served))
    with pytest.raises(RuntimeError, match="connection reset by peer"):
        load_mnist(tmp_path, download=True, train=False)
    assert _leftovers(tmp_path) == []


def test_download_interrupted_by_the_user_keeps_nothing(tmp_path, fake_mnist, monkeypatch):
    def served(url):
        return BrokenStream(fake_mnist[url.rsplit("/", 1)[1]][1], KeyboardInterrupt())

    monkeypatch.setattr(urllib.request, "urlopen", FakeNet(served))
    with pytest.raises(KeyboardInterrupt):
        load_mnist(tmp_path, download=True, train=False)
    assert _leftovers(tmp_path) == []


def test_download_keeps_the_good_file_when_the_next_one_fails(tmp_path, fake_mnist, monkeypatch):
    def served(url):
        if "labels" in url:
            return urllib.error.URLError("timed out")
        return io.BytesIO(fake_mnist[url.rsplit("/", 1)[1]][1])

    monkeypatch.setattr(urllib.request, "urlopen", FakeNet(served))
    with pytest.raises(RuntimeError, match="could not download t10k-labels-idx1-ubyte.gz"):
        load_mnist(tmp_path, download=True, train=False)
    # The images were complete and checked, so they stay; nothing partial does.
    assert _leftovers(tmp_path) == ["t10k-images-idx3-ubyte.gz"]


# ----------------------------------------------------------------------------------
# The real MNIST test set, when a copy sits next to the repository
# ----------------------------------------------------------------------------------


@pytest.fixture
def real_mnist_root():
    names = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
    if not all((REAL_MNIST / n).is_file() for n in names):
        pytest.skip(
            f"the real MNIST test files are not in {REAL_MNIST} (../shared/data/mnist "
            "next to the repository); this test needs them"
        )
    return REAL_MNIST


def test_real_mnist_test_set(real_mnist_root):
    before = _leftovers(real_mnist_root)
    test = load_mnist(real_mnist_root, train=False)  # the default reads, never downloads
    assert test.images.shape == (10_000, 28, 28) and test.images.dtype == torch.uint8
    assert test.labels.shape == (10_000,) and test.labels.dtype == torch.int64
    counts = torch.bincount(test.labels, minlength=10)
    assert len(counts) == 10 and counts.sum() == 10_000 and counts.min() > 800
    # The first test digits are the well-known 7, 2, 1, 0, 4, 1, 4, 9, 5, 9.
    assert test.labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert test.images.max() == 255 and test.images.min() == 0
    assert _leftovers(real_mnist_root) == before  # read only, nothing written


def test_real_mnist_digests_are_the_ones_in_the_table(real_mnist_root):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        content = gzip.decompress((real_mnist_root / name).read_bytes())
        assert sha(content) == data.MNIST_FILES[name][1]


def test_download_removes_partial_files_left_by_a_killed_run(tmp_path, fake_mnist, monkeypatch):
    net = FakeNet(lambda url: io.BytesIO(fake_mnist[url.rsplit("/", 1)[1]][1]))
    monkeypatch.setattr(urllib.request, "urlopen", net)
    stale = tmp_path / ".t10k-images-idx3-ubyte.gz.abc123.part"
    live = tmp_path / ".t10k-labels-idx1-ubyte.gz.def456.part"  # another run, still writing
    other = tmp_path / "notes.part"
    for path in (stale, live, other):
        path.write_bytes(b"\x1f\x8b half")
    old = time.time() - 2 * data._STALE_PART
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    load_mnist(tmp_path, download=True, train=False)
    assert not stale.exists() and live.exists() and other.exists()


def test_read_idx_takes_the_digest_in_either_case(tmp_path):
    raw = idx_bytes(np.zeros((4, 2), dtype=np.uint8))
    path = tmp_path / "a"
    path.write_bytes(raw)
    assert read_idx(path, sha256=sha(raw).upper()).shape == (4, 2)
    with pytest.raises(ValueError, match=r"a: the SHA-256 of its content is [0-9a-f]{64}, "
                                         r"expected 0{64}"):
        read_idx(path, sha256="0" * 64)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(sha256="abc"), r"^sha256 must be 64 hexadecimal digits or None, got 'abc'$"),
        (dict(sha256="g" * 64), r"^sha256 must be 64 hexadecimal digits or None"),
        (dict(sha256=b"0" * 64), r"^sha256 must be 64 hexadecimal digits or None"),
        (dict(shape=(4, -2)), r"^shape\[1\] must be an integer >= 0, got -2$"),
        (dict(shape="4, 2"), r"^shape must be a tuple of integers >= 0 or None, got '4, 2'$"),
    ],
)
def test_read_idx_refuses_bad_digests_and_shapes_before_reading(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        read_idx(tmp_path / "never-read", **kwargs)


def test_read_idx_and_load_mnist_refuse_a_path_of_the_wrong_kind(tmp_path):
    with pytest.raises(ValueError, match=r"^path must be a file, got '.*', which is a folder$"):
        read_idx(tmp_path)
    with pytest.raises(ValueError, match=r"^path must be a file path \(str or Path\), got int 3$"):
        read_idx(3)
    a_file = tmp_path / "mnist"
    a_file.write_text("not a folder")
    for download in (True, False):
        with pytest.raises(ValueError, match=r"^root must be a folder, got '.*mnist', which is a file$"):
            load_mnist(a_file, download=download)
    assert a_file.read_text() == "not a folder"


@pytest.mark.parametrize("value", [np.int64(50_000), np.array(50_000), torch.tensor(50_000)])
def test_iterations_per_epoch_takes_numpy_and_0d_tensor_counts(value):
    assert iterations_per_epoch(value, np.int32(256)) == 196
