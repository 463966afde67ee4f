#!/usr/bin/env python3
"""Runs the scale scenarios with `connsim run --stats` and writes bench/results/scale.csv and the
scale plot (scale.png, scale.svg; gnuplot). Each scenario runs in its own process, one at a time.

    bench/run_scale.py [--connsim build/bin/connsim] [--out bench/results] [--repeat 3]

wall_seconds is the best of --repeat runs (the machine may be shared); peak_rss_kb the median."""
import argparse
import csv
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = ["churn-100", "churn-1000", "churn-10000", "swarm-100", "swarm-1000", "connect-storm-200"]


def wallets_of(path):
    with open(path) as f:
        doc = json.load(f)
    return sum(w.get("count", 1) for w in doc["wallets"])


def run(connsim, path):
    # Through a shell that forks again: Linux keeps a process's peak RSS across exec, so a child
    # forked straight from this Python process would report Python's own RSS as its peak.
    out = subprocess.run(["sh", "-c", '"$0" run "$1" --stats; exit $?', connsim, path],
                         capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    sys.exit(f"no --stats line from {path}:\n{out.stdout}\n{out.stderr}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--connsim", default=os.path.join(HERE, "..", "build", "bin", "connsim"))
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for name in SCENARIOS:
        path = os.path.join(HERE, "scenarios", name + ".json")
        runs = [run(args.connsim, path) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["wall_seconds"])
        n = wallets_of(path)
        rss = sorted(r["peak_rss_kb"] for r in runs)[len(runs) // 2]  # the median
        assert len({r["fingerprint"] for r in runs}) == 1, "nondeterministic run"
        row = {
            "scenario": name, "wallets": n, "sim_seconds": best["sim_seconds"],
            "wall_seconds": round(best["wall_seconds"], 4), "events": best["events"],
            "connects": best["connects"], "connect_attempts": best["connect_attempts"],
            "presence_deliveries": best.get("presence_deliveries", ""),
            "connects_per_wall_second": round(best["connects"] / best["wall_seconds"]),
            "events_per_wall_second": round(best["events"] / best["wall_seconds"]),
            "speedup": round(best["sim_seconds"] / best["wall_seconds"]),
            "peak_rss_kb": rss, "kb_per_wallet": round(rss / n, 1),
            "fingerprint": best["fingerprint"],
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    with open(os.path.join(args.out, "scale.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(args.out, "scale.dat"), "w") as f:
        for shape in ("churn", "swarm"):
            f.write(f"# {shape}: wallets wall_seconds connects_per_wall_second kb_per_wallet speedup\n")
            for r in rows:
                if r["scenario"].startswith(shape):
                    f.write(f'{r["wallets"]} {r["wall_seconds"]} {r["connects_per_wall_second"]} '
                            f'{r["kb_per_wallet"]} {r["speedup"]}\n')
            f.write("\n\n")
    gp = """
set logscale xy; set grid; set key top left; set xlabel "wallets"
set xrange [70:14000]
do for [fmt in "png svg"] {
  if (fmt eq "png") { set terminal pngcairo size 1200,420 noenhanced font ",10" } else { set terminal svg size 1200,420 noenhanced font "sans,10" background "white" }
  set output "scale." . fmt
  set multiplot layout 1,3 title "connsim run --stats: churn (about 300 online at once) and swarm (everyone online)"
  set title "wall time of the run (s)"; set ylabel "s"
  plot "scale.dat" index 0 using 1:2 with linespoints lw 2 title "churn", "" index 1 using 1:2 with linespoints lw 2 title "swarm"
  set title "connects per wall-second"; set ylabel "connects/s"
  plot "scale.dat" index 0 using 1:3 with linespoints lw 2 title "churn", "" index 1 using 1:3 with linespoints lw 2 title "swarm"
  set title "peak memory per wallet (KiB)"; set ylabel "KiB"
  plot "scale.dat" index 0 using 1:4 with linespoints lw 2 title "churn", "" index 1 using 1:4 with linespoints lw 2 title "swarm"
  unset multiplot
}
"""
    with open(os.path.join(args.out, "scale.gp"), "w") as f:
        f.write(gp)
    subprocess.run(["gnuplot", "scale.gp"], cwd=args.out, check=False)


if __name__ == "__main__":
    main()
