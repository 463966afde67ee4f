#!/usr/bin/env python3
"""Writes bench/scenarios/connect-storm-200.json: the connect-dominated counterpart of the scale
scenarios. 200 wallets (mixed NATs, 2 relays, 1 % loss), each connect_many to 20 peers within the
first minute: 4,000 connects against 39,800 presence deliveries (10 per connect, where churn-10000
has 118 and swarm-1000 204). It measures what the connect machinery itself sustains.

    cd bench/scenarios && ./make_storm.py"""
import json
import random

rng = random.Random(5)
n, peers = 200, 20
ids = [f"w-{k}" for k in range(1, n + 1)]
timeline = []
for w in ids:
    timeline.append({"at": f"{5000 + rng.randrange(60000)}ms", "do": "connect_many", "wallet": w,
                     "peers": rng.sample([p for p in ids if p != w], peers)})
timeline.sort(key=lambda s: int(s["at"][:-2]))
scenario = {
    "format": "connsim/1",
    "name": "connect-storm-200",
    "description": "Connect-dominated load: 200 wallets, each connecting to 20 peers in the first minute.",
    "until": "3m",
    "network": {"latency": {"median": "40ms", "p99": "200ms"}, "loss": 0.01,
                "relays": [{"id": "r1", "max_reservations": 1000}, {"id": "r2", "max_reservations": 1000}]},
    "wallets": [{"id": "w", "count": n,
                 "nat": {"mix": {"none": 10, "full-cone": 10, "restricted-cone": 20,
                                 "port-restricted-cone": 35, "symmetric": 25}}}],
    "timeline": timeline,
    "expect": [{"metric": "connect_success_rate", "at_least": 0.5}],
}
with open("connect-storm-200.json", "w") as out:
    out.write("{\n")
    keys = list(scenario)
    for k, key in enumerate(keys):
        sep = "," if k + 1 < len(keys) else ""
        if key == "timeline":
            out.write(' "timeline": [\n' + ",\n".join("  " + json.dumps(s) for s in scenario[key]) + f"\n ]{sep}\n")
        else:
            out.write(f' "{key}": {json.dumps(scenario[key])}{sep}\n')
    out.write("}\n")
