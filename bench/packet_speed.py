#!/usr/bin/env python3
"""The packet backend's speed beside the fast model's (bench/RESULTS.md, section 5).

Runs each scenario with `connsim run --stats` on both backends, keeps the best wall time of
--repeat runs, and prints a Markdown table: kernel events, packets (device receptions),
packets per wall-second, runs per minute and speed-up over real time.

    bench/packet_speed.py [--connsim build/bin/connsim] [--repeat 3] [SCENARIO...]
"""
import argparse
import json
import subprocess
import sys

DEFAULT_SCENARIOS = [
    "scenarios/library/04-spend-2of2.json",
    "scenarios/library/15-nat-matrix-5x5.json",
    "scenarios/library/19-relay-outage-keep-alive.json",
    "scenarios/library/25-population-200.json",
    "bench/scenarios/churn-100.json",
    "bench/scenarios/swarm-100.json",
]


def run(connsim, scenario, backend):
    out = subprocess.run([connsim, "run", "--stats", "--backend", backend, scenario],
                         capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    sys.exit(f"no --stats line for {scenario} ({backend}): {out.stderr.strip()[:300]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connsim", default="build/bin/connsim")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("scenarios", nargs="*", default=DEFAULT_SCENARIOS)
    args = parser.parse_args()
    print("| scenario | backend | events | packets | wall s (best) | packets / wall-s | runs / min | × real time |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for scenario in args.scenarios:
        for backend in ("message", "packet"):
            best = min((run(args.connsim, scenario, backend) for _ in range(args.repeat)),
                       key=lambda stats: stats["wall_seconds"])
            wall = best["wall_seconds"]
            packets = best.get("packets")
            print(f"| {best['name']} | {backend} | {best['events']} | {packets if packets is not None else '–'} | "
                  f"{wall:.4f} | {packets / wall:,.0f} |" if packets is not None else
                  f"| {best['name']} | {backend} | {best['events']} | – | {wall:.4f} | – |", end="")
            print(f" {60 / wall:,.0f} | {best['sim_seconds'] / wall:,.0f} |")


if __name__ == "__main__":
    main()
