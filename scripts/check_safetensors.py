#!/usr/bin/env python3
"""Check safetensors files with NumPy, independently of rnnlab's Go code.

Usage: check_safetensors.py [--sha256] FILE [FILE...]

For every tensor, prints one tab-separated line: the file, the tensor name,
the dtype and the shape as [d0,d1,...]. With --sha256 a fifth column
contains the SHA-256 of the values converted to little-endian float64 in
row-major order, to compare with a checksum computed elsewhere.

The checker validates the header length and the JSON header, which must be
an object without duplicate keys and with string metadata. Every entry needs
a known dtype, a shape and data_offsets whose byte range matches the shape,
and the tensors must cover the data section without gaps, overlaps or
trailing bytes. It prints each problem to stderr and exits with status 1 if
any file has one, and with status 2 on a usage error. It needs NumPy
(Debian: python3-numpy).
"""

import hashlib
import json
import struct
import sys

import numpy as np

# Same cap as rnnlab's reader and the Hugging Face safetensors crate.
MAX_HEADER_BYTES = 100_000_000

# safetensors dtype -> NumPy dtype of the stored little-endian values.
# BF16 has no NumPy dtype, so its raw 16-bit patterns are read as uint16
# and widened to float32 by to_float64.
DTYPES = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "BF16": "<u2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "|i1",
    "U64": "<u8",
    "U32": "<u4",
    "U16": "<u2",
    "U8": "|u1",
    "BOOL": "|b1",
}


class Invalid(Exception):
    """A problem with one file's content."""


def reject_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise Invalid(f"header key {k!r} appears more than once")
    return dict(pairs)


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def to_float64(values, dtype):
    if dtype == "BF16":
        values = (values.astype("<u4") << 16).view("<f4")
    return np.ascontiguousarray(values, dtype="<f8")


def check_file(path, with_sha256):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise Invalid(f"file is {len(data)} bytes, too short for the 8-byte header length")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > MAX_HEADER_BYTES:
        raise Invalid(f"header length {header_len} exceeds the limit of {MAX_HEADER_BYTES}")
    if header_len > len(data) - 8:
        raise Invalid(f"header length {header_len} exceeds the {len(data) - 8} bytes after the length field")
    try:
        header = json.loads(data[8 : 8 + header_len].decode("utf-8"), object_pairs_hook=reject_duplicate_keys)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise Invalid(f"invalid JSON header: {e}") from None
    if not isinstance(header, dict):
        raise Invalid("header is not a JSON object")
    body = data[8 + header_len :]

    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise Invalid("__metadata__ is not an object of strings")

    entries = []
    for name, info in header.items():
        if not isinstance(info, dict):
            raise Invalid(f"tensor {name!r}: entry is not an object")
        missing = {"dtype", "shape", "data_offsets"} - info.keys()
        if missing:
            raise Invalid(f"tensor {name!r}: missing fields {sorted(missing)}")
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPES:
            raise Invalid(f"tensor {name!r}: unknown dtype {dtype!r}")
        if not isinstance(shape, list) or not all(is_int(d) and d >= 0 for d in shape):
            raise Invalid(f"tensor {name!r}: shape {shape!r} is not a list of non-negative integers")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(is_int(o) for o in offsets)):
            raise Invalid(f"tensor {name!r}: data_offsets {offsets!r} is not [begin, end]")
        begin, end = offsets
        if not 0 <= begin <= end <= len(body):
            raise Invalid(f"tensor {name!r}: data_offsets {offsets} outside the {len(body)}-byte data section")
        count = 1
        for d in shape:
            count *= d
        itemsize = np.dtype(DTYPES[dtype]).itemsize
        if count * itemsize != end - begin:
            raise Invalid(f"tensor {name!r}: data_offsets {offsets} hold {end - begin} bytes, shape {shape} {dtype} needs {count * itemsize}")
        entries.append((begin, end, name, dtype, shape, count))

    entries.sort()
    position = 0
    for begin, end, name, _, _, _ in entries:
        if begin != position:
            raise Invalid(f"tensor {name!r}: data starts at {begin}, expected {position} (gap or overlap)")
        position = end
    if position != len(body):
        raise Invalid(f"{len(body) - position} bytes of trailing data after the last tensor")

    lines = []
    for begin, end, name, dtype, shape, count in entries:
        values = np.frombuffer(body, dtype=DTYPES[dtype], count=count, offset=begin).reshape(shape)
        columns = [path, name, dtype, "[" + ",".join(str(d) for d in shape) + "]"]
        if with_sha256:
            columns.append(hashlib.sha256(to_float64(values, dtype).tobytes()).hexdigest())
        lines.append("\t".join(columns))
    return lines


def main(argv):
    with_sha256 = "--sha256" in argv
    paths = [a for a in argv if a != "--sha256"]
    if not paths or any(p.startswith("-") for p in paths):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        try:
            for line in check_file(path, with_sha256):
                print(line)
        except (Invalid, OSError) as e:
            print(f"{path}: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
