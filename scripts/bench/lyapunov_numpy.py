#!/usr/bin/python3
"""Time the QR (Benettin) method for Lyapunov exponents in NumPy, as a reference for rnnlab.

  /usr/bin/python3 scripts/bench/lyapunov_numpy.py [--steps-lambda-max 5000] [--steps-full 200]
      [--reps 3] [--check N=PATH ...] [--check-duration 1000]

Implements the algorithm of analysis/lyapunov for the leaky tanh network
x(t+1) = (1−α)·x + α·W·tanh(x) independently, with vectorised NumPy. The K tangent vectors are
the columns of an N×K frame Q. Every step evolves the frame by the map Jacobian,
Q ← M·Q with M = (1−α)·I + α·W·diag(1 − tanh²x), as one matrix product and then advances x.
Every QREvery steps, numpy.linalg.qr re-orthonormalises Q, the signs are fixed so that
Rᵢᵢ ≥ 0, and ln|Rᵢᵢ| is summed. Exponents are per τ: λᵢ = Σ ln|Rᵢᵢ| / (α·steps).

Timing cases: K = 1 (λ_max) and K = N (full spectrum) at N = 200 and 500, g = 2, α = 0.1,
QR every 10 steps (1 τ), W = g·J₀ with J₀ᵢⱼ ~ N(0, 1/N) drawn from a NumPy seed, timed from
the first observed step without burn-in like analysis/lyapunov/bench_test.go. Each case is
timed --reps times and the median seconds per step is reported.

--check N=PATH loads W and x0 from an .npz written by scripts/bench/lyapunov-weights and
computes λ_max with 100 τ of network burn-in, 20 τ of frame burn-in and --check-duration τ of
observation, the settings that command uses, so the two λ_max estimates can be compared.

Prints one JSON object. OPENBLAS_NUM_THREADS defaults to 1 (set before NumPy is imported) for a
single-thread comparison. The BLAS that NumPy runs on is read from the libraries mapped into
the process (Linux only).
"""
import argparse
import json
import os
import platform
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (imported after the thread count is set)

ALPHA = 0.1
GAIN = 2.0
QR_EVERY = 10  # steps, 1 τ at α = 0.1


def random_weights(n, gain, seed):
    rng = np.random.default_rng(seed)
    return gain * rng.standard_normal((n, n)) / np.sqrt(n)


def orthonormalize(q):
    """Return Q of the QR factorisation of the frame q with Rᵢᵢ ≥ 0, and ln|Rᵢᵢ|."""
    q, r = np.linalg.qr(q)
    diag = np.diagonal(r)
    signs = np.where(diag < 0, -1.0, 1.0)
    return q * signs, np.log(np.abs(diag))


class Benettin:
    """The state x and an N×K orthonormal tangent frame of the leaky tanh network."""

    def __init__(self, w, alpha, k, x0, rng):
        n = w.shape[0]
        self.w = np.ascontiguousarray(w, dtype=np.float64)
        self.alpha = alpha
        self.x = np.array(x0, dtype=np.float64)
        self.q, _ = orthonormalize(rng.standard_normal((n, k)))
        self.scaled = np.empty_like(self.q)   # diag(φ′(x))·Q
        self.product = np.empty_like(self.q)  # W·diag(φ′(x))·Q

    def advance_state(self):
        self.x *= 1 - self.alpha
        self.x += self.alpha * (self.w @ np.tanh(self.x))

    def advance(self):
        """Evolve the frame by M at x(t), then move x(t) to x(t+1)."""
        rate = np.tanh(self.x)
        np.multiply(self.q, (1 - rate * rate)[:, None], out=self.scaled)
        np.matmul(self.w, self.scaled, out=self.product)
        self.q *= 1 - self.alpha
        self.q += self.alpha * self.product
        self.x *= 1 - self.alpha
        self.x += self.alpha * (self.w @ rate)

    def run(self, steps, qr_every, log_sums=None):
        """Advance `steps` steps with a QR step every qr_every steps and after the last step.

        Adds ln|Rᵢᵢ| to log_sums when it is given.
        """
        done = 0
        while done < steps:
            block = min(qr_every, steps - done)
            for _ in range(block):
                self.advance()
            done += block
            self.q, log_diag = orthonormalize(self.q)
            if log_sums is not None:
                log_sums += log_diag


def time_case(n, k, steps, reps, seed):
    """Return the median seconds per observed step and the λ_max of the last repetition."""
    w = random_weights(n, GAIN, seed)
    rng = np.random.default_rng(seed + 1)
    seconds = []
    for _ in range(reps):
        system = Benettin(w, ALPHA, k, rng.standard_normal(n), rng)
        log_sums = np.zeros(k)
        start = time.perf_counter()
        system.run(steps, QR_EVERY, log_sums)
        seconds.append((time.perf_counter() - start) / steps)
    return statistics.median(seconds), float(np.max(log_sums) / (ALPHA * steps))


def lambda_max_of(path, duration_tau, seed):
    """Compute λ_max per τ of the network stored at path, with the burn-ins of lyapunov-weights."""
    with np.load(path) as archive:
        w, x0 = archive["W"], archive["x0"]
    system = Benettin(w, ALPHA, 1, x0, np.random.default_rng(seed))
    for _ in range(round(100 / ALPHA)):
        system.advance_state()
    system.run(round(20 / ALPHA), QR_EVERY)
    steps = round(duration_tau / ALPHA)
    log_sums = np.zeros(1)
    system.run(steps, QR_EVERY, log_sums)
    return float(log_sums[0] / (ALPHA * steps))


def blas_libraries():
    """Return the resolved paths of the BLAS and LAPACK libraries mapped into this process."""
    a = np.ones((8, 8))
    np.linalg.qr(a @ a)  # make sure both libraries are loaded
    paths = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split()
                if len(fields) >= 6 and ("blas" in fields[5] or "lapack" in fields[5]):
                    paths.add(os.path.realpath(fields[5]))
    except OSError:
        return []
    return sorted(paths)


def parse_check(value):
    n, separator, path = value.partition("=")
    if not separator or not n.isdigit():
        raise argparse.ArgumentTypeError(f"invalid --check {value!r}: expected N=PATH, e.g. 200=/tmp/w200.npz")
    return int(n), path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 500],
                    help="numbers of units N to time; none skips the timing")
    parser.add_argument("--steps-lambda-max", type=int, default=5000, help="observed steps per K = 1 timing")
    parser.add_argument("--steps-full", type=int, default=200, help="observed steps per K = N timing")
    parser.add_argument("--reps", type=int, default=3, help="timings per case; the median is reported")
    parser.add_argument("--seed", type=int, default=1, help="seed of the timed networks' W, x(0) and frame")
    parser.add_argument("--check", type=parse_check, action="append", default=[], metavar="N=PATH",
                    help="compute λ_max of the W and x0 in the .npz at PATH (written by lyapunov-weights)")
    parser.add_argument("--check-duration", type=float, default=1000, help="observation time of --check in τ")
    args = parser.parse_args()

    cases = []
    for n in args.sizes:
        for label, k, steps in [("lambda_max", 1, args.steps_lambda_max), ("full_spectrum", n, args.steps_full)]:
            seconds, lambda_max = time_case(n, k, steps, args.reps, args.seed)
            cases.append({"case": label, "n": n, "k": k, "steps": steps, "seconds_per_step": seconds,
                          "lambda_max": lambda_max})
    checks = [{"n": n, "path": path, "duration_tau": args.check_duration,
               "lambda_max": lambda_max_of(path, args.check_duration, args.seed)} for n, path in args.check]
    print(json.dumps({
        "numpy": np.__version__, "python": platform.python_version(),
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "blas_libraries": blas_libraries(),
        "alpha": ALPHA, "g": GAIN, "qr_every_steps": QR_EVERY,
        "cases": cases, "checks": checks,
    }))


if __name__ == "__main__":
    main()
