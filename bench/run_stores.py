#!/usr/bin/env python3
"""The C++ store beside the JavaScript store (issue 14, "Performance"): the same scenarios run
with `connsim run --store cpp|js --stats`, side by side.

usage: bench/run_stores.py [--repeat N] [--connsim PATH] [--csv FILE] SCENARIO|DIR...

For every scenario and store: the best of N runs of
  wall  the run's `wall_seconds` from --stats (the world, and for js the Node host: its start,
        the store's bundling by esbuild, every exchange over the pipe)
  cpu   user + system seconds of the connsim process and the Node host it waited for
        (steadier than wall on a shared machine)
and runs per second (1 / wall). A directory's scenarios are also summed as one row, "<dir>
(N scenarios)". Prints a Markdown table; --csv writes one row per scenario and store.
The fingerprints of the two stores are printed too: they differ where the stores' orders
differ (see `connsim conform`).
"""
import argparse
import csv
import json
import os
import resource
import subprocess
import sys
from pathlib import Path


def run_once(connsim, scenario, store):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([connsim, "run", str(scenario), "--store", store, "--stats"],
                          capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit(f"{scenario} --store {store}: exit {proc.returncode}: {proc.stderr.strip()}")
    stats = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if len(stats) != 1:
        sys.exit(f"{scenario} --store {store}: expected one --stats line")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return stats[0], cpu


def measure(connsim, scenario, store, repeat):
    runs = [run_once(connsim, scenario, store) for _ in range(repeat)]
    return {
        "name": runs[0][0]["name"],
        "wall": min(s["wall_seconds"] for s, _ in runs),
        "cpu": min(c for _, c in runs),
        "fingerprint": runs[0][0]["fingerprint"],
    }


def scenario_files(inputs):
    groups = []
    for given in inputs:
        path = Path(given)
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        groups.append((given, path.is_dir(), files))
    return groups


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connsim", default="build/bin/connsim")
    parser.add_argument("--csv")
    args = parser.parse_args()

    rows = []
    print("| scenario | C++ wall s | JS wall s | C++ runs/s | JS runs/s | JS / C++ (wall) | C++ CPU s | JS CPU s | JS / C++ (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")

    def line(name, cpp, js):
        print(f"| {name} | {cpp['wall']:.3f} | {js['wall']:.3f} | {1 / cpp['wall']:.1f} | {1 / js['wall']:.2f} | "
              f"{js['wall'] / cpp['wall']:.0f}x | {cpp['cpu']:.2f} | {js['cpu']:.2f} | {js['cpu'] / max(cpp['cpu'], 1e-9):.0f}x |",
              flush=True)

    for given, is_dir, files in scenario_files(args.inputs):
        total = {"cpp": {"wall": 0.0, "cpu": 0.0}, "js": {"wall": 0.0, "cpu": 0.0}}
        for file in files:
            result = {store: measure(args.connsim, file, store, args.repeat) for store in ("cpp", "js")}
            for store in ("cpp", "js"):
                total[store]["wall"] += result[store]["wall"]
                total[store]["cpu"] += result[store]["cpu"]
                rows.append({"scenario": file.name, "store": store, **result[store]})
            if not is_dir:
                line(file.name, result["cpp"], result["js"])
            same = result["cpp"]["fingerprint"] == result["js"]["fingerprint"]
            print(f"<!-- {file.name}: fingerprints {'the same' if same else 'differ'} -->", file=sys.stderr)
        if is_dir:
            line(f"{given} ({len(files)} scenarios, summed)", total["cpp"], total["js"])

    if args.csv:
        with open(args.csv, "w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=["scenario", "store", "name", "wall", "cpu", "fingerprint"])
            writer.writeheader()
            writer.writerows(rows)


if __name__ == "__main__":
    main()
