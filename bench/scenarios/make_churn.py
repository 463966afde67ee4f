#!/usr/bin/env python3
"""Writes the scaling set of bench/scenarios: churn-N for N = 100, 1000, 10000.

A population of N wallets that come and go, as browser wallets do: each is online for a
4-minute session starting at a random time, so about ONLINE wallets are online at once
whatever N is (the run gets longer as N grows). Each wallet connects to 5 peers that are online
during its session (connect_many, 20-80 s after it comes online), then goes offline. Mixed NATs,
4 relays, 1 % loss, log-normal latency. Presence lives as long as a session (presence_ttl), so
a joining wallet is handed only the records of wallets that may still be online.

    cd bench/scenarios && ./make_churn.py 100 1000 10000

(swarm-N, from make_swarm.py, is the other shape: everyone online at once, so every wallet's
store holds every other wallet's presence: N^2 records.)"""
import bisect
import json
import random
import sys

ONLINE = 300          # wallets online at once, about
SESSION_MS = 240_000  # 4 minutes
PEERS = 5
NAT_MIX = {"none": 10, "full-cone": 10, "restricted-cone": 20, "port-restricted-cone": 35,
           "symmetric": 25}


def churn(n: int) -> dict:
    rng = random.Random(20261125 + n)
    window_ms = max(60_000, n * SESSION_MS // ONLINE)
    starts = sorted(rng.randrange(window_ms) for _ in range(n))
    ids = [f"w{i}" for i in range(n)]
    relays = [f"relay-{r}" for r in range(4)]
    wallets = []
    timeline = []
    for i, (wid, start) in enumerate(zip(ids, starts)):
        wallets.append({"id": wid, "nat": {"mix": NAT_MIX}, "online_at": f"{start}ms",
                        "relays": [relays[i % 4], relays[(i + 1) % 4]]})
        at = start + 20_000 + rng.randrange(60_000)
        # Peers online at `at` (started before it, session not over), this wallet excluded.
        lo = i
        while lo > 0 and starts[lo - 1] > at - SESSION_MS + 30_000:
            lo -= 1
        hi = bisect.bisect_left(starts, at - 5_000)  # starts are sorted: j < hi iff starts[j] < at - 5 s
        candidates = [j for j in range(lo, hi) if j != i]
        if len(candidates) < PEERS:
            candidates = [j for j in range(n) if j != i]
        peers = rng.sample(candidates, PEERS)
        timeline.append({"at": f"{at}ms", "do": "connect_many", "wallet": wid,
                         "peers": [ids[p] for p in peers]})
        timeline.append({"at": f"{start + SESSION_MS}ms", "do": "go_offline", "wallet": wid})
    timeline.sort(key=lambda s: int(s["at"][:-2]))
    until_ms = window_ms + SESSION_MS + 60_000
    return {
        "format": "connsim/1",
        "name": f"churn-{n}",
        "description": f"Scale: {n} wallets in 4-minute sessions (~{min(n, ONLINE)} online at "
                       f"once), mixed NATs, 4 relays, 1% loss; each connects to {PEERS} online "
                       f"peers.",
        "seed": 1,
        "until": f"{until_ms}ms",
        "network": {
            "latency": {"median": "40ms", "p99": "200ms"},
            "loss": 0.01,
            "presence_ttl": f"{SESSION_MS}ms",
            "relays": [{"id": r, "max_reservations": 1000} for r in relays],
        },
        "wallets": wallets,
        "timeline": timeline,
        "expect": [{"metric": "connect_success_rate", "at_least": 0.5}],
    }


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["100", "1000", "10000"]:
        n = int(arg)
        with open(f"churn-{n}.json", "w") as out:
            scenario = churn(n)
            # One wallet or step per line: diffable, and 10,000 wallets stay a few MB.
            out.write("{\n")
            keys = list(scenario)
            for k, key in enumerate(keys):
                value = scenario[key]
                sep = "," if k + 1 < len(keys) else ""
                if key in ("wallets", "timeline"):
                    out.write(f' "{key}": [\n')
                    out.write(",\n".join("  " + json.dumps(v) for v in value))
                    out.write(f"\n ]{sep}\n")
                else:
                    out.write(f' "{key}": {json.dumps(value)}{sep}\n')
            out.write("}\n")
