#!/usr/bin/python3
"""Time rnnlab's training steps against the PyTorch reference and print a Markdown table.

  /usr/bin/python3 scripts/bench-table.py [--reps 3] [--steps 3] [--shared ../shared]

Builds rnnlab twice (pure Go, and with -tags openblas when scripts/build.sh finds OpenBLAS),
then for each workload (thesis, small) and thread count (1, 2) runs `rnnlab bench train` and
the reference `torch_ctrnn.py` alternately --reps times, so drift on a shared machine hits both
alike, and reports medians and the ratios the project's targets are stated in. Needs Debian's
python3-torch for the reference.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def build(tmp):
    bins = {}
    gonum = os.path.join(tmp, "rnnlab-gonum")
    subprocess.run(["go", "build", "-o", gonum, "./cmd/rnnlab"], check=True, cwd=ROOT)
    bins["gonum"] = gonum
    detect = subprocess.run(["bash", "scripts/build.sh", "--detect"], capture_output=True, text=True, cwd=ROOT)
    if "openblas" in detect.stdout:
        ob = os.path.join(tmp, "rnnlab-openblas")
        subprocess.run(["bash", "scripts/build.sh", "-o", ob], check=True, cwd=ROOT,
                       env=dict(os.environ, RNNLAB_BACKEND="openblas"))
        bins["openblas"] = ob
    return bins


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--tmp", default="/tmp/rnnlab-bench")
    a = ap.parse_args()
    os.makedirs(a.tmp, exist_ok=True)
    bins = build(a.tmp)
    ref = os.path.join(a.shared, "bench", "torch_ctrnn.py")
    rows = []
    for workload in ["thesis", "small"]:
        torch_by_threads = {}
        for threads in [1, 2]:
            samples = {name: [] for name in bins}
            torch = []
            for _ in range(a.reps):
                torch.append(run_json(["/usr/bin/python3", ref, "--workload", workload, "--threads", str(threads),
                                       "--steps", str(a.steps)]))
                for name, path in bins.items():
                    samples[name].append(run_json([path, "bench", "train", "--workload", workload, "--threads",
                                                   str(threads), "--steps", str(a.steps), "--json"]))
            torch_by_threads[threads] = torch
            t_sec = statistics.median(r["seconds_per_step"] for r in torch)
            t_mem = statistics.median(r["peak_rss_mib"] for r in torch)
            for name, rs in samples.items():
                sec = statistics.median(r["seconds_per_step"] for r in rs)
                rows.append(dict(workload=workload, backend=name, threads=threads, sec=sec, torch_sec=t_sec,
                                 speedup=t_sec / sec, mem=statistics.median(r["peak_rss_mib"] for r in rs),
                                 torch_mem=t_mem,
                                 frac=statistics.median(r["fraction_of_ceiling"] for r in rs),
                                 gemm=statistics.median(r["gemm_gflops"] for r in rs)))
        best = min(statistics.median(r["seconds_per_step"] for r in torch_by_threads[t]) for t in [1, 2])
        for row in rows:
            if row["workload"] == workload:
                row["vs_best_torch"] = best / row["sec"]
    print("| workload | backend | threads | s/step | PyTorch s/step | speed-up | vs PyTorch's best | "
          "peak MiB (PyTorch) | products / GEMM ceiling |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['workload']} | {r['backend']} | {r['threads']} | {r['sec']:.3f} | {r['torch_sec']:.3f} | "
              f"{r['speedup']:.2f}× | {r['vs_best_torch']:.2f}× | {r['mem']:.0f} ({r['torch_mem']:.0f}) | "
              f"{100 * r['frac']:.0f} % of {r['gemm']:.0f} GFLOP/s |")


if __name__ == "__main__":
    sys.exit(main())
