#!/usr/bin/env python3
"""Check that NumPy, and PyTorch when it is installed, read every file of an rnnlab run.

Usage:

    check_outputs.py RUN_DIR [--simulate FILE.npz ...] [--export FILE ...]
                     [--export-init FILE ...]
                     [--torch-state FILE.pth --rnn NAME --readout NAME [--h0 NAME]]

The checker reads the run directory's manifest.json, config.toml, weights.safetensors,
init.safetensors, checkpoint/checkpoint.safetensors and metrics.csv when they exist. It also
reads the files that `rnnlab simulate` (--simulate) and `rnnlab export` wrote from this run.
--export takes files exported from weights.safetensors and --export-init files exported with
--init. An export's extension, .npz or .safetensors, selects how it is read. It asserts the
names, shapes, dtypes and metadata that docs/run-directory.md and docs/interchange.md
document, and it recomputes the simulation's dynamics and readout with NumPy. A simulation
must be run without --noise.

--torch-state names the PyTorch state dict the run was imported from with the torch-rnn
preset. The checker then compares the imported weights with the state dict's tensors. For each
--simulate file it also compares the outputs of the PyTorch nn.RNN and nn.Linear with
rnnlab's outputs.

The checker prints one line per file. When PyTorch cannot be imported it prints a note and
skips the PyTorch checks. Every mismatch is printed to stderr with the file and the array
it concerns. The exit status is 0 when every check passes, 1 on a mismatch and 2 on a usage
error. It needs NumPy (Debian: python3-numpy) and uses PyTorch when it is installed
(Debian: python3-torch).
"""

import argparse
import base64
import hashlib
import json
import math
import os
import re
import struct
import sys

import numpy as np

try:
    import torch
except (ImportError, OSError) as err:  # The PyTorch checks are optional.
    torch = None
    TORCH_MISSING = str(err)

try:
    import tomllib
except ImportError:  # Python before 3.11 has no TOML reader.
    tomllib = None

GROUPS = ["W", "W_in", "W_out", "b", "b_out", "x0"]
STATUSES = {"running", "done", "failed"}
SAFETENSORS_DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8")}
DTYPE_NAMES = {"float32": "F32", "float64": "F64"}
TORCH_DTYPES = {"F32": "float32", "F64": "float64"}
SEED_KEYS = ["run", "connectivity", "weights", "trials", "noise"]
CHECKPOINT_KEYS = {"dtype", "step", "epoch", "adam_step", "trials_rng", "noise_rng"}
SIMULATE_ARRAYS = ["inputs", "x", "r", "z", "targets", "mask", "x0", "time_ms"]
EXPORT_SCALARS = ["tau_ms", "dt_ms", "g", "alpha"]
TIME_PATTERN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


class Mismatch(Exception):
    """A file differs from what rnnlab documents."""


def require(condition, message):
    if not condition:
        raise Mismatch(message)


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def group_shapes(n, n_in, n_out):
    return {"W": (n, n), "W_in": (n, n_in), "W_out": (n_out, n), "b": (n,), "b_out": (n_out,), "x0": (n,)}


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def reject_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise Mismatch(f"duplicate JSON keys {duplicates}")
    return dict(pairs)


# ---------------------------------------------------------------------------
# safetensors


class SafetensorsFile:
    """Tensors (in data order) and metadata of a safetensors file, read with NumPy."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            raw = f.read()

        require(len(raw) >= 8, f"{path}: {len(raw)} bytes, shorter than the 8-byte header length")
        (n,) = struct.unpack("<Q", raw[:8])
        require(8 + n <= len(raw), f"{path}: header length {n} exceeds the file ({len(raw)} bytes)")
        require((8 + n) % 8 == 0, f"{path}: data section starts at byte {8 + n}, not 8-byte aligned")
        try:
            header = json.loads(raw[8 : 8 + n], object_pairs_hook=reject_duplicate_keys)
        except ValueError as err:
            raise Mismatch(f"{path}: header is not valid JSON: {err}") from err
        require(isinstance(header, dict), f"{path}: header is not a JSON object")
        self.metadata = header.pop("__metadata__", {})
        require(
            isinstance(self.metadata, dict) and all(isinstance(v, str) for v in self.metadata.values()),
            f"{path}: __metadata__ must map strings to strings",
        )

        data = raw[8 + n :]
        entries = sorted(header.items(), key=lambda item: item[1]["data_offsets"][0])
        self.names, self.dtypes, self.arrays, self.ranges = [], {}, {}, {}
        position = 0
        for name, info in entries:
            dtype = info.get("dtype")
            require(dtype in SAFETENSORS_DTYPES, f"{path}: tensor {name}: dtype {dtype!r}, want F32 or F64")
            shape = info.get("shape")
            require(isinstance(shape, list) and all(is_int(d) and d >= 0 for d in shape), f"{path}: tensor {name}: invalid shape {shape!r}")
            begin, end = info["data_offsets"]
            size = SAFETENSORS_DTYPES[dtype].itemsize * math.prod(shape)
            require(begin == position, f"{path}: tensor {name} starts at byte {begin} of the data, want {position} (no gaps)")
            require(end - begin == size, f"{path}: tensor {name}: {end - begin} bytes for shape {shape} {dtype}, want {size}")
            position = end
            self.names.append(name)
            self.dtypes[name] = dtype
            self.ranges[name] = (begin, end)
            self.arrays[name] = np.frombuffer(data[begin:end], dtype=SAFETENSORS_DTYPES[dtype]).reshape(shape)

        require(position == len(data), f"{path}: {len(data) - position} bytes after the last tensor")
        self.data = data

    def check_torch(self):
        """Read every tensor again with torch.frombuffer and compare it with torch.from_numpy."""
        if torch is None:
            return
        for name in self.names:
            begin, end = self.ranges[name]
            dtype = getattr(torch, TORCH_DTYPES[self.dtypes[name]])
            shape = self.arrays[name].shape
            if begin == end:
                t = torch.zeros(shape, dtype=dtype)
            else:
                t = torch.frombuffer(bytearray(self.data[begin:end]), dtype=dtype).reshape(shape)
            require(
                torch.equal(t, torch.from_numpy(self.arrays[name].copy())),
                f"{self.path}: tensor {name}: torch.frombuffer and NumPy read different values",
            )


def model_config(st):
    """Parse and check the model config under the metadata key rnnlab_model, and return it."""
    raw = st.metadata.get("rnnlab_model")
    require(raw is not None, f"{st.path}: metadata key rnnlab_model is missing")
    try:
        model = json.loads(raw)
    except ValueError as err:
        raise Mismatch(f"{st.path}: metadata rnnlab_model is not valid JSON: {err}") from err
    types = {
        "n": is_int, "inputs": is_int, "outputs": is_int, "tau_ms": is_number, "dt_ms": is_number,
        "g": is_number, "activation": lambda v: isinstance(v, str), "sigma_rec": is_number,
        "w_in_std": is_number, "w_out_std": is_number, "readout_same_draw": lambda v: isinstance(v, bool),
        "seeds": lambda v: isinstance(v, dict),
    }
    for key, ok in types.items():
        require(key in model, f"{st.path}: rnnlab_model has no key {key}")
        require(ok(model[key]), f"{st.path}: rnnlab_model.{key} has the wrong type: {model[key]!r}")
    optional = {"connectivity_file", "connectivity_key"}
    extra = set(model) - set(types) - optional
    require(not extra, f"{st.path}: rnnlab_model has undocumented keys {sorted(extra)}")
    for key in optional & set(model):
        require(isinstance(model[key], str), f"{st.path}: rnnlab_model.{key} is not a string")
    require(sorted(model["seeds"]) == sorted(SEED_KEYS), f"{st.path}: rnnlab_model.seeds has keys {sorted(model['seeds'])}, want {SEED_KEYS}")
    return model


def check_weight_tensors(st, model, dtype, extra_names=()):
    """Check the six weight groups (and extra names after them) in order, shape and dtype."""
    want = GROUPS + list(extra_names)
    require(st.names == want, f"{st.path}: tensors {st.names}, want {want} in this order")
    shapes = group_shapes(model["n"], model["inputs"], model["outputs"])
    for name in GROUPS:
        a = st.arrays[name]
        require(a.shape == shapes[name], f"{st.path}: {name} has shape {list(a.shape)}, want {list(shapes[name])}")
        require(st.dtypes[name] == DTYPE_NAMES[dtype], f"{st.path}: {name} is {st.dtypes[name]}, want {DTYPE_NAMES[dtype]} ({dtype})")
        require(np.all(np.isfinite(a)), f"{st.path}: {name} has non-finite values")


def shape_summary(st, names):
    return " ".join(f"{name}{list(st.arrays[name].shape)}" for name in names)


# ---------------------------------------------------------------------------
# run directory files


class Run:
    def __init__(self, directory):
        self.dir = directory
        self.manifest = None
        self.config = None
        self.weights = None
        self.model = None
        self.init = None

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    @property
    def dtype(self):
        return self.manifest["dtype"]

    @property
    def trainable(self):
        if self.config is None:
            return None
        return self.config["train"]["trainable"]


def check_manifest(run):
    path = run.path("manifest.json")
    with open(path, "rb") as f:
        try:
            m = json.loads(f.read(), object_pairs_hook=reject_duplicate_keys)
        except ValueError as err:
            raise Mismatch(f"{path}: not valid JSON: {err}") from err

    required = {
        "program": lambda v: v == "rnnlab", "version": lambda v: isinstance(v, str),
        "commit": lambda v: isinstance(v, str), "go_version": lambda v: isinstance(v, str),
        "command": lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v),
        "status": lambda v: v in STATUSES, "started": lambda v: isinstance(v, str) and TIME_PATTERN.match(v),
        "backend": lambda v: isinstance(v, str) and v != "", "dtype": lambda v: v in DTYPE_NAMES,
        "threads": is_int, "config_hash": lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v),
        "seeds": lambda v: isinstance(v, dict) and sorted(v) == sorted(SEED_KEYS) and all(is_int(s) and s >= 0 for s in v.values()),
        "task": lambda v: isinstance(v, str), "steps": is_int, "epochs": is_int,
    }
    optional = {
        "reason": lambda v: isinstance(v, str),
        "ended": lambda v: isinstance(v, str) and TIME_PATTERN.match(v),
        "resumed": lambda v: isinstance(v, list) and all(isinstance(s, str) and TIME_PATTERN.match(s) for s in v),
        "metrics": lambda v: isinstance(v, dict) and all(is_number(x) for x in v.values()),
        "source": lambda v: isinstance(v, dict),
    }

    for key, ok in required.items():
        require(key in m, f"{path}: key {key} is missing")
        require(ok(m[key]), f"{path}: {key} = {m[key]!r} has the wrong type or value")
    for key, ok in optional.items():
        if key in m:
            require(ok(m[key]), f"{path}: {key} = {m[key]!r} has the wrong type or value")

    extra = set(m) - set(required) - set(optional)
    require(not extra, f"{path}: undocumented keys {sorted(extra)}")
    if m["status"] == "done":
        require("ended" in m, f"{path}: status done without ended")
    if m["status"] == "failed":
        require(m.get("reason"), f"{path}: status failed without a reason")

    config_path = run.path("config.toml")
    with open(config_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    require(m["config_hash"] == digest, f"{path}: config_hash {m['config_hash']} is not the SHA-256 of config.toml ({digest})")

    summary = f"status {m['status']}, dtype {m['dtype']}, task {m['task']}, {m['steps']} steps"
    source = m.get("source")
    if source is not None:
        check_source(path, m, source)
        summary += f", imported with preset {source['preset']} ({len(source['files'])} source files)"
    run.manifest = m
    return summary


def check_source(path, manifest, source):
    for key in ("preset", "mapping"):
        require(isinstance(source.get(key), str) and source[key], f"{path}: source.{key} is missing or empty")
    files = source.get("files")
    require(isinstance(files, list) and files, f"{path}: source.files must be a non-empty list")
    require(manifest["dtype"] == "float64", f"{path}: an imported run has dtype {manifest['dtype']}, want float64")
    require(manifest["status"] == "done", f"{path}: an imported run has status {manifest['status']}, want done")
    for i, entry in enumerate(files):
        where = f"{path}: source.files[{i}]"
        require(entry.get("role") in ("weights", "init"), f"{where}: role {entry.get('role')!r}, want weights or init")
        require(entry.get("format") in ("pth", "npz", "safetensors"), f"{where}: format {entry.get('format')!r}")
        require(isinstance(entry.get("path"), str) and os.path.isabs(entry["path"]), f"{where}: path must be absolute")
        require(isinstance(entry.get("sha256"), str) and re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]), f"{where}: invalid sha256")
        extra = set(entry) - {"role", "path", "sha256", "format", "prefix"}
        require(not extra, f"{where}: undocumented keys {sorted(extra)}")
        if os.path.exists(entry["path"]):
            require(sha256_file(entry["path"]) == entry["sha256"], f"{where}: sha256 does not match {entry['path']}")
    require(files[0]["role"] == "weights", f"{path}: source.files[0] has role {files[0]['role']}, want weights")


def check_config(run):
    path = run.path("config.toml")
    if tomllib is None:
        return "not parsed (this Python has no tomllib), hash checked against manifest.json"
    with open(path, "rb") as f:
        try:
            cfg = tomllib.load(f)
        except tomllib.TOMLDecodeError as err:
            raise Mismatch(f"{path}: invalid TOML: {err}") from err
    for key in ("name", "seed", "seeds", "model", "task", "train"):
        require(key in cfg, f"{path}: key {key} is missing")
    require(sorted(cfg["seeds"]) == sorted(SEED_KEYS[1:]), f"{path}: [seeds] has keys {sorted(cfg['seeds'])}")
    seeds = dict(cfg["seeds"], run=cfg["seed"])
    require(seeds == run.manifest["seeds"], f"{path}: seeds {seeds} differ from manifest.json's {run.manifest['seeds']}")
    require(cfg["task"]["name"] == run.manifest["task"], f"{path}: task {cfg['task']['name']} differs from manifest.json's {run.manifest['task']}")
    require(cfg["train"]["dtype"] in DTYPE_NAMES, f"{path}: train.dtype {cfg['train']['dtype']!r}")
    run.config = cfg
    return f"n = {cfg['model']['n']}, tau_ms = {cfg['model']['tau_ms']}, dt_ms = {cfg['model']['dt_ms']}, task {cfg['task']['name']}"


def check_model_against_config(run, model, path):
    if run.config is None:
        return
    for key in ("n", "tau_ms", "dt_ms", "g", "activation", "sigma_rec"):
        require(model[key] == run.config["model"][key], f"{path}: rnnlab_model.{key} = {model[key]!r}, config.toml has {run.config['model'][key]!r}")
    require(model["seeds"] == run.manifest["seeds"], f"{path}: rnnlab_model.seeds differ from manifest.json's")


def check_weights(run):
    path = run.path("weights.safetensors")
    st = SafetensorsFile(path)
    model = model_config(st)
    require(set(st.metadata) == {"rnnlab_model"}, f"{path}: metadata keys {sorted(st.metadata)}, want only rnnlab_model")
    check_weight_tensors(st, model, run.dtype)
    check_model_against_config(run, model, path)
    st.check_torch()
    run.weights, run.model = st, model
    return f"{shape_summary(st, GROUPS)} {DTYPE_NAMES[run.dtype]}; rnnlab_model n={model['n']} tau_ms={model['tau_ms']} dt_ms={model['dt_ms']} g={model['g']}"


def check_init(run):
    path = run.path("init.safetensors")
    st = SafetensorsFile(path)
    model = model_config(st)
    check_weight_tensors(st, model, run.dtype)
    require(model == run.model, f"{path}: rnnlab_model differs from weights.safetensors's")
    st.check_torch()
    run.init = st
    frozen = []
    if run.trainable is not None and run.manifest.get("source") is None:
        # Training leaves every group outside train.trainable exactly as it started.
        frozen = [g for g in GROUPS if g not in run.trainable]
        for g in frozen:
            require(np.array_equal(st.arrays[g], run.weights.arrays[g]), f"{path}: frozen group {g} differs from weights.safetensors")
    return f"{shape_summary(st, GROUPS)} {DTYPE_NAMES[run.dtype]}; frozen groups equal to the final weights: {', '.join(frozen) or 'none checked'}"


def check_checkpoint(run):
    path = run.path("checkpoint", "checkpoint.safetensors")
    st = SafetensorsFile(path)
    require(set(st.metadata) == {"rnnlab_checkpoint", "rnnlab_model"}, f"{path}: metadata keys {sorted(st.metadata)}, want rnnlab_checkpoint and rnnlab_model")

    model = model_config(st)
    check_model_against_config(run, model, path)
    trainable = run.trainable if run.trainable is not None else []
    adam = []
    for g in GROUPS:
        if g in trainable:
            adam += [f"adam_m.{g}", f"adam_v.{g}"]
    check_weight_tensors(st, model, run.dtype, adam)

    shapes = group_shapes(model["n"], model["inputs"], model["outputs"])
    for name in adam:
        group = name.split(".", 1)[1]
        a = st.arrays[name]
        require(a.shape == shapes[group], f"{path}: {name} has shape {list(a.shape)}, want {list(shapes[group])}")
        require(st.dtypes[name] == DTYPE_NAMES[run.dtype], f"{path}: {name} is {st.dtypes[name]}, want {DTYPE_NAMES[run.dtype]}")
        if name.startswith("adam_v."):
            require(np.all(a >= 0), f"{path}: {name} has negative second moments")

    try:
        meta = json.loads(st.metadata["rnnlab_checkpoint"])
    except ValueError as err:
        raise Mismatch(f"{path}: metadata rnnlab_checkpoint is not valid JSON: {err}") from err
    require(set(meta) == CHECKPOINT_KEYS, f"{path}: rnnlab_checkpoint keys {sorted(meta)}, want {sorted(CHECKPOINT_KEYS)}")
    require(meta["dtype"] == run.dtype, f"{path}: rnnlab_checkpoint.dtype {meta['dtype']}, manifest.json has {run.dtype}")
    for key in ("trials_rng", "noise_rng"):
        try:
            base64.b64decode(meta[key], validate=True)
        except ValueError as err:
            raise Mismatch(f"{path}: rnnlab_checkpoint.{key} is not base64: {err}") from err

    if run.manifest["status"] == "done":
        require(meta["step"] == run.manifest["steps"], f"{path}: step {meta['step']}, manifest.json has {run.manifest['steps']} steps")
        require(meta["epoch"] == run.manifest["epochs"], f"{path}: epoch {meta['epoch']}, manifest.json has {run.manifest['epochs']} epochs")
        require(meta["adam_step"] == meta["step"], f"{path}: adam_step {meta['adam_step']} differs from step {meta['step']}")
        for g in GROUPS:
            require(np.array_equal(st.arrays[g], run.weights.arrays[g]), f"{path}: {g} differs from weights.safetensors after the last epoch")

    st.check_torch()
    return f"{len(st.names)} tensors ({', '.join(adam)}), step {meta['step']}, epoch {meta['epoch']}, {st.dtypes['W']}"


def check_metrics(run):
    path = run.path("metrics.csv")
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split(",")
    trainable = run.trainable if run.trainable is not None else []
    want = ["step", "epoch", "loss"] + [f"grad_norm_{g}" for g in GROUPS if g in trainable] + ["clipped", "seconds"]
    require(header == want, f"{path}: columns {header}, want {want}")

    rows = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    require(rows.shape[1] == len(want), f"{path}: {rows.shape[1]} values per row, want {len(want)}")
    require(np.all(np.isfinite(rows)), f"{path}: non-finite values")

    steps = rows[:, 0]
    if run.manifest["status"] == "done":
        require(len(rows) == run.manifest["steps"], f"{path}: {len(rows)} rows, manifest.json has {run.manifest['steps']} steps")
    require(np.array_equal(steps, np.arange(1, len(rows) + 1)), f"{path}: step column is not 1, 2, 3, ...")
    epochs = rows[:, 1]
    require(np.all(np.diff(epochs) >= 0) and np.all(epochs >= 1), f"{path}: epoch column must start at 1 and never decrease")
    require(np.all(rows[:, 2] >= 0), f"{path}: negative loss")
    require(np.all(rows[:, 3 : len(want) - 2] >= 0), f"{path}: negative gradient norm")
    require(np.all(np.isin(rows[:, -2], (0, 1))), f"{path}: clipped must be 0 or 1")
    require(np.all(rows[:, -1] >= 0), f"{path}: negative seconds")
    if torch is not None:
        require(tuple(torch.from_numpy(rows).shape) == rows.shape, f"{path}: torch.from_numpy changed the shape")
    return f"{len(rows)} rows, columns {', '.join(header)}"


# ---------------------------------------------------------------------------
# simulate and export outputs


def load_npz(path):
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}, list(npz.files)


def tolerance(dtype):
    return 2e-6 if dtype == np.float32 else 1e-12


def check_simulate(run, path, torch_state):
    arrays, names = load_npz(path)
    conds = [n for n in names if n.startswith("cond_")]
    require(names[: len(SIMULATE_ARRAYS)] == SIMULATE_ARRAYS, f"{path}: arrays {names}, want {SIMULATE_ARRAYS} first")
    require(len(names) == len(SIMULATE_ARRAYS) + len(conds), f"{path}: unexpected arrays {sorted(set(names) - set(SIMULATE_ARRAYS) - set(conds))}")
    dtype = arrays["x"].dtype
    require(dtype in (np.float32, np.float64), f"{path}: x has dtype {dtype}, want float32 or float64")
    for name in names:
        require(arrays[name].dtype == dtype, f"{path}: {name} has dtype {arrays[name].dtype}, x has {dtype}")
        require(arrays[name].flags["C_CONTIGUOUS"], f"{path}: {name} is not stored in row-major (C) order")

    model = run.model
    n, n_in, n_out = model["n"], model["inputs"], model["outputs"]
    steps, trials = arrays["mask"].shape
    want = {
        "inputs": (steps, trials, n_in), "x": (steps, trials, n), "r": (steps, trials, n), "z": (steps, trials, n_out),
        "targets": (steps, trials, n_out), "mask": (steps, trials), "x0": (n,), "time_ms": (steps,),
    }
    want.update({c: (trials,) for c in conds})
    for name, shape in want.items():
        require(arrays[name].shape == shape, f"{path}: {name} has shape {list(arrays[name].shape)}, want {list(shape)}")

    tol = tolerance(dtype)
    a = {k: v.astype(np.float64) for k, v in arrays.items()}
    w = {k: v.astype(np.float64) for k, v in run.weights.arrays.items()}
    require(np.array_equal(a["time_ms"], np.arange(steps) * model["dt_ms"]), f"{path}: time_ms is not t·dt_ms")
    require(np.array_equal(arrays["x0"], w["x0"].astype(dtype)), f"{path}: x0 differs from weights.safetensors")
    require(np.all(np.isin(a["mask"], (0, 1))), f"{path}: mask must be 0 or 1")
    require(np.allclose(a["r"], np.tanh(a["x"]), rtol=tol, atol=tol), f"{path}: r is not tanh(x)")
    z = a["r"] @ w["W_out"].T + w["b_out"]
    require(np.allclose(a["z"], z, rtol=10 * tol, atol=10 * tol), f"{path}: z is not W_out·r + b_out (max error {np.abs(a['z'] - z).max():.3g})")

    # One update per step from the file's own previous state, so rounding does not accumulate:
    # x(t+1) = (1 − α)·x(t) + α·(W·r(t) + W_in·u(t) + b) with x(0) = x0.
    alpha = model["dt_ms"] / model["tau_ms"]
    x_prev = np.concatenate([np.broadcast_to(w["x0"], (1, trials, n)), a["x"][:-1]])
    r_prev = np.tanh(x_prev)
    x_next = (1 - alpha) * x_prev + alpha * (r_prev @ w["W"].T + a["inputs"] @ w["W_in"].T + w["b"])
    error = np.abs(x_next - a["x"]).max() / max(1.0, np.abs(a["x"]).max())
    require(error <= 100 * tol, f"{path}: x does not follow the update x(t+1) = (1−α)·x(t) + α·(W·r(t) + W_in·u(t) + b) (relative error {error:.3g})")

    note = ""
    if torch is not None:
        for name in names:
            require(tuple(torch.from_numpy(arrays[name]).shape) == arrays[name].shape, f"{path}: torch.from_numpy changed the shape of {name}")
        if torch_state is not None:
            note = "; " + compare_torch_forward(path, torch_state, arrays, alpha)
    return f"T={steps} B={trials} N={n} I={n_in} O={n_out} {dtype}; arrays {', '.join(names)}{note}"


def compare_torch_forward(path, state, arrays, alpha):
    """Run the source nn.RNN + nn.Linear on the simulation's inputs and compare outputs."""
    require(alpha == 1, f"{path}: the run has α = {alpha}; a PyTorch nn.RNN is the discrete-time case α = 1")
    weight_ih, weight_hh, bias_ih, bias_hh, fc_weight, fc_bias, h0 = state
    n = weight_hh.shape[0]
    rnn = torch.nn.RNN(weight_ih.shape[1], n, nonlinearity="tanh")
    fc = torch.nn.Linear(n, fc_weight.shape[0])
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(weight_ih)
        rnn.weight_hh_l0.copy_(weight_hh)
        rnn.bias_ih_l0.copy_(bias_ih)
        rnn.bias_hh_l0.copy_(bias_hh)
        fc.weight.copy_(fc_weight)
        fc.bias.copy_(fc_bias)
        u = torch.from_numpy(arrays["inputs"].astype(np.float32))
        start = h0.reshape(1, 1, n).expand(1, u.shape[1], n).contiguous()
        h, _ = rnn(u, start)
        z = fc(h).numpy()
        rates = h.numpy()
    z_error = np.abs(z - arrays["z"]).max()
    r_error = np.abs(rates - arrays["r"]).max()
    require(z_error < 1e-4, f"{path}: PyTorch's outputs differ from z by up to {z_error:.3g}")
    require(r_error < 1e-4, f"{path}: PyTorch's hidden states differ from r by up to {r_error:.3g}")
    return f"PyTorch nn.RNN outputs match z to {z_error:.1e}"


def check_export(run, path, source):
    """Check an exported file against the run's weights (or initial weights)."""
    st = run.init if source == "init" else run.weights
    require(st is not None, f"{path}: the run has no init.safetensors to compare with")
    if path.endswith(".safetensors"):
        exported = SafetensorsFile(path)
        require(exported.names == st.names, f"{path}: tensors {exported.names}, want {st.names}")
        for name in st.names:
            require(exported.dtypes[name] == st.dtypes[name], f"{path}: {name} is {exported.dtypes[name]}, want {st.dtypes[name]}")
            require(np.array_equal(exported.arrays[name], st.arrays[name]), f"{path}: {name} differs from the run's file")
        require(exported.metadata == st.metadata, f"{path}: metadata differs from the run's file")
        exported.check_torch()
        return f"{shape_summary(exported, GROUPS)} {exported.dtypes['W']}, metadata rnnlab_model, equal to {os.path.basename(st.path)}"
    require(path.endswith(".npz"), f"{path}: an export must end in .npz or .safetensors")

    arrays, names = load_npz(path)
    require(names == GROUPS + EXPORT_SCALARS, f"{path}: arrays {names}, want {GROUPS + EXPORT_SCALARS}")
    for name in GROUPS:
        require(arrays[name].dtype == st.arrays[name].dtype, f"{path}: {name} is {arrays[name].dtype}, want {st.arrays[name].dtype}")
        require(np.array_equal(arrays[name], st.arrays[name]), f"{path}: {name} differs from {os.path.basename(st.path)}")

    model = run.model
    values = {"tau_ms": model["tau_ms"], "dt_ms": model["dt_ms"], "g": model["g"], "alpha": model["dt_ms"] / model["tau_ms"]}
    for name in EXPORT_SCALARS:
        a = arrays[name]
        require(a.shape == () and a.dtype == np.float64, f"{path}: {name} has shape {list(a.shape)} dtype {a.dtype}, want a 0-d float64")
        require(float(a) == values[name], f"{path}: {name} = {float(a)}, want {values[name]}")
    if torch is not None:
        for name in GROUPS:
            require(torch.equal(torch.from_numpy(arrays[name]), torch.from_numpy(st.arrays[name].copy())), f"{path}: torch.from_numpy({name}) differs")
    return f"{' '.join(f'{g}{list(arrays[g].shape)}' for g in GROUPS)} {arrays['W'].dtype}; tau_ms={float(arrays['tau_ms'])} dt_ms={float(arrays['dt_ms'])} g={float(arrays['g'])} alpha={float(arrays['alpha'])}"


# ---------------------------------------------------------------------------
# PyTorch source


def load_torch_state(path, rnn, readout, h0_name, run):
    """Load the nn.RNN and nn.Linear tensors of a state dict and compare them with the imported weights."""
    obj = torch.load(path, map_location="cpu")
    for key in ("state_dict", "model_state_dict"):
        if isinstance(obj, dict) and key in obj:
            obj = obj[key]
            break
    prefix = rnn + "." if rnn else ""
    names = [prefix + "weight_ih_l0", prefix + "weight_hh_l0", prefix + "bias_ih_l0", prefix + "bias_hh_l0", readout + ".weight", readout + ".bias"]
    for name in names + ([h0_name] if h0_name else []):
        require(name in obj, f"{path}: no tensor {name} (tensors: {', '.join(obj)})")
    weight_ih, weight_hh, bias_ih, bias_hh, fc_weight, fc_bias = (obj[name].detach() for name in names)
    n = weight_hh.shape[0]
    h0 = obj[h0_name].detach().reshape(n) if h0_name else torch.zeros(n)
    w = run.weights.arrays
    f64 = lambda t: t.numpy().astype(np.float64)
    pairs = [("W", f64(weight_hh)), ("W_in", f64(weight_ih)), ("W_out", f64(fc_weight)),
             ("b", f64(bias_ih) + f64(bias_hh)), ("b_out", f64(fc_bias))]
    for group, want in pairs:
        require(np.array_equal(w[group], want), f"{run.weights.path}: {group} differs from {path}")
    x0 = np.arctanh(f64(h0))
    require(np.allclose(w["x0"], x0, rtol=1e-15, atol=0), f"{run.weights.path}: x0 is not atanh(h0) of {path}")
    require(run.model["tau_ms"] == run.model["dt_ms"], f"{run.weights.path}: τ ≠ dt, but an nn.RNN is discrete time (α = 1)")
    summary = f"W = weight_hh_l0, W_in = weight_ih_l0, b = bias_ih_l0 + bias_hh_l0, W_out = {readout}.weight, b_out = {readout}.bias, x0 = atanh({h0_name or '0'})"
    return (weight_ih, weight_hh, bias_ih, bias_hh, fc_weight, fc_bias, h0), summary


# ---------------------------------------------------------------------------


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir")
    parser.add_argument("--simulate", action="append", default=[], metavar="FILE.npz")
    parser.add_argument("--export", action="append", default=[], metavar="FILE")
    parser.add_argument("--export-init", action="append", default=[], metavar="FILE")
    parser.add_argument("--torch-state", metavar="FILE.pth")
    parser.add_argument("--rnn", default="")
    parser.add_argument("--readout", default="")
    parser.add_argument("--h0", default="")
    args = parser.parse_args(argv)
    if args.torch_state and not args.readout:
        parser.error("--torch-state needs --readout NAME")

    if torch is None:
        print(f"note: PyTorch is not importable ({TORCH_MISSING}); skipping the PyTorch checks")
    run = Run(args.run_dir)
    failures = []

    def step(label, check, *check_args):
        try:
            summary = check(*check_args)
        except Mismatch as err:
            # Every Mismatch message starts with the file it concerns.
            failures.append(str(err))
            print(f"FAIL {err}", file=sys.stderr)
            return False
        except (OSError, KeyError, ValueError) as err:
            failures.append(f"{label}: {type(err).__name__}: {err}")
            print(f"FAIL {label}: {type(err).__name__}: {err}", file=sys.stderr)
            return False
        print(f"ok   {label}: {summary}")
        return True

    # Later checks compare with the manifest, config and weights, so they stop here on failure.
    if not (step(run.path("manifest.json"), check_manifest, run) and step(run.path("config.toml"), check_config, run)
            and step(run.path("weights.safetensors"), check_weights, run)):
        print(f"check_outputs: {len(failures)} mismatch(es) in {args.run_dir}", file=sys.stderr)
        return 1
    if os.path.exists(run.path("init.safetensors")):
        step(run.path("init.safetensors"), check_init, run)
    if os.path.exists(run.path("checkpoint", "checkpoint.safetensors")):
        step(run.path("checkpoint", "checkpoint.safetensors"), check_checkpoint, run)
    if os.path.exists(run.path("metrics.csv")):
        step(run.path("metrics.csv"), check_metrics, run)

    torch_state = None
    if args.torch_state:
        if torch is None:
            print(f"note: skipping the comparison with {args.torch_state} (no PyTorch)")
        else:
            def compare_source():
                nonlocal torch_state
                torch_state, summary = load_torch_state(args.torch_state, args.rnn, args.readout, args.h0, run)
                return summary
            step(args.torch_state, compare_source)
    for path in args.simulate:
        step(path, check_simulate, run, path, torch_state)
    for path in args.export:
        step(path, check_export, run, path, "weights")
    for path in args.export_init:
        step(path, check_export, run, path, "init")

    if failures:
        print(f"check_outputs: {len(failures)} mismatch(es) in {args.run_dir}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
