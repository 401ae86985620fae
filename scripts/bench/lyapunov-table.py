#!/usr/bin/python3
"""Time rnnlab's Lyapunov exponents against the NumPy reference and print Markdown tables.

  /usr/bin/python3 scripts/bench/lyapunov-table.py [--reps 3] [--steps-lambda-max 5000]
      [--steps-full 200] [--check-duration 5000]

Compiles the benchmarks of analysis/lyapunov (BenchmarkLambdaMax, BenchmarkFullSpectrum at
N = 200 and 500) as test binaries, pure Go (gonum) and, when `scripts/build.sh --detect` prints
openblas, with -tags openblas. Each binary runs the equivalent of

  go test -run XXX -bench 'LambdaMax|FullSpectrum' -benchtime <steps>x ./analysis/lyapunov/

and scripts/bench/lyapunov_numpy.py times the same cases. The three run alternately --reps
times, so drift on a shared machine hits all alike, and the table reports median seconds per
step. Every run has GOMAXPROCS=1 and OPENBLAS_NUM_THREADS=1, a single-thread comparison.

A second table compares λ_max of one W per N. scripts/bench/lyapunov-weights writes the W of
the benchmarks and computes λ_max with rnnlab. The NumPy script then computes λ_max of the same
W from the same x(0), with the same burn-ins and --check-duration τ of observation.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = "/usr/bin/python3"  # Debian's python3, which has numpy
NUMPY_SCRIPT = os.path.join(ROOT, "scripts", "bench", "lyapunov_numpy.py")
SIZES = [200, 500]
# A benchmark line with GOMAXPROCS=1, e.g.
# "BenchmarkFullSpectrum/N=200   200   1234567 ns/op   6172 ns/step   1.30 GFLOP/s".
BENCH_LINE = re.compile(r"^Benchmark(LambdaMax|FullSpectrum)/N=(\d+)\s+\d+\s+.*?([\d.e+]+) ns/step")
CASE_NAMES = {"LambdaMax": "lambda_max", "FullSpectrum": "full_spectrum"}


def single_thread_env():
    return dict(os.environ, GOMAXPROCS="1", OPENBLAS_NUM_THREADS="1")


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=single_thread_env(), **kwargs).stdout


def build_test_binaries(tmp):
    """Compile the analysis/lyapunov test binary per backend and return {backend: path}."""
    binaries = {"gonum": os.path.join(tmp, "lyapunov-gonum.test")}
    run(["go", "test", "-c", "-o", binaries["gonum"], "./analysis/lyapunov/"], cwd=ROOT)
    detect = subprocess.run(["bash", "scripts/build.sh", "--detect"], capture_output=True, text=True, cwd=ROOT)
    if detect.stdout.strip() == "openblas":
        binaries["openblas"] = os.path.join(tmp, "lyapunov-openblas.test")
        # scripts/build.sh --env prints the export lines of the cgo flags that find OpenBLAS.
        run(["bash", "-c", 'eval "$(scripts/build.sh --env)" && go test -c -tags openblas -o "$1" ./analysis/lyapunov/',
             "build", binaries["openblas"]], cwd=ROOT)
    else:
        print(f"OpenBLAS not found (scripts/build.sh --detect printed {detect.stdout.strip()!r}), "
              "so only the gonum backend is measured", file=sys.stderr)
    return binaries


def go_seconds_per_step(binary, bench, steps):
    """Run one benchmark pattern with -benchtime <steps>x and return {(case, N): s/step}."""
    out = run([binary, "-test.run", "XXX", "-test.bench", bench, "-test.benchtime", f"{steps}x"],
              cwd=os.path.join(ROOT, "analysis", "lyapunov"))
    seconds = {}
    for line in out.splitlines():
        match = BENCH_LINE.match(line)
        if match:
            key = (CASE_NAMES[match.group(1)], int(match.group(2)))
            seconds[key] = float(match.group(3)) * 1e-9
    if not seconds:
        raise RuntimeError(f"no benchmark results with ns/step in the output of {binary}:\n{out}")
    return seconds


def check_lambda_max(tmp, duration):
    """Return rows (N, rnnlab λ_max, NumPy λ_max) for one shared W per N."""
    weights_cmd = os.path.join(tmp, "lyapunov-weights")
    run(["go", "build", "-o", weights_cmd, "./scripts/bench/lyapunov-weights"], cwd=ROOT)
    rows, checks = [], []
    for n in SIZES:
        path = os.path.join(tmp, f"lyapunov-w{n}.npz")
        go_result = json.loads(run([weights_cmd, "-n", str(n), "-duration", str(duration), "-out", path]))
        rows.append({"n": n, "rnnlab": go_result["lambda_max"]})
        checks += ["--check", f"{n}={path}"]
    ref = json.loads(run([PYTHON, NUMPY_SCRIPT, "--sizes", "--check-duration", str(duration)] + checks))
    for row, check in zip(rows, ref["checks"]):
        row["numpy"] = check["lambda_max"]
    return rows


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="alternating runs of each implementation")
    parser.add_argument("--steps-lambda-max", type=int, default=5000, help="observed steps per K = 1 benchmark")
    parser.add_argument("--steps-full", type=int, default=200, help="observed steps per K = N benchmark")
    parser.add_argument("--check-duration", type=float, default=5000,
                    help="observation time in τ of the λ_max comparison")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rnnlab-lyapunov-bench-") as tmp:
        binaries = build_test_binaries(tmp)
        samples = {name: {} for name in [*binaries, "numpy"]}
        numpy_info = None
        for rep in range(args.reps):
            print(f"repetition {rep + 1} of {args.reps}", file=sys.stderr)
            for name, binary in binaries.items():
                for bench, steps in [("LambdaMax", args.steps_lambda_max), ("FullSpectrum", args.steps_full)]:
                    for key, sec in go_seconds_per_step(binary, bench, steps).items():
                        samples[name].setdefault(key, []).append(sec)
            numpy_info = json.loads(run([PYTHON, NUMPY_SCRIPT, "--reps", "1",
                                         "--steps-lambda-max", str(args.steps_lambda_max),
                                         "--steps-full", str(args.steps_full)]))
            for case in numpy_info["cases"]:
                samples["numpy"].setdefault((case["case"], case["n"]), []).append(case["seconds_per_step"])
        checks = check_lambda_max(tmp, args.check_duration)

    median = {name: {key: statistics.median(v) for key, v in s.items()} for name, s in samples.items()}
    blas = ", ".join(os.path.basename(p) for p in numpy_info["blas_libraries"]) or "not found"
    print(f"{cpu_model()}, {os.cpu_count()} CPUs; NumPy {numpy_info['numpy']} on {blas}; "
          f"GOMAXPROCS=1, OPENBLAS_NUM_THREADS=1; median of {args.reps} alternating runs; "
          f"{args.steps_lambda_max} steps (K = 1) and {args.steps_full} steps (K = N) per run.\n")
    has_openblas = "openblas" in binaries
    print("| case | N | K | rnnlab s/step (gonum) | rnnlab s/step (OpenBLAS) | NumPy s/step | "
          "NumPy ÷ gonum | NumPy ÷ OpenBLAS |")
    print("|---|---|---|---|---|---|---|---|")
    for case, label in [("lambda_max", "λ_max"), ("full_spectrum", "full spectrum")]:
        for n in SIZES:
            key = (case, n)
            gonum, ref = median["gonum"][key], median["numpy"][key]
            openblas = median["openblas"][key] if has_openblas else None
            k = 1 if case == "lambda_max" else n
            openblas_cell = f"{openblas:.3g}" if openblas else "not built"
            openblas_ratio = f"{ref / openblas:.2f}×" if openblas else "–"
            print(f"| {label} | {n} | {k} | {gonum:.3g} | {openblas_cell} | {ref:.3g} | {ref / gonum:.2f}× | {openblas_ratio} |")

    print(f"\nλ_max per τ of the benchmarks' W (seed 1), 100 τ burn-in, 20 τ frame burn-in, "
          f"{args.check_duration:g} τ observation, same x(0):\n")
    print("| N | rnnlab λ_max | NumPy λ_max | difference |")
    print("|---|---|---|---|")
    for row in checks:
        print(f"| {row['n']} | {row['rnnlab']:.4f} | {row['numpy']:.4f} | {row['numpy'] - row['rnnlab']:+.4f} |")


if __name__ == "__main__":
    main()
