#!/usr/bin/env python3
"""Writes the scale scenarios of bench/scenarios: a swarm of N wallets behind a mix of NATs,
several relays, a lossy log-normal network, each wallet coming online at a staggered time and
then connecting to 5 peers with connect_many.

    bench/scenarios/make_swarm.py 1000 > bench/scenarios/swarm-1000.json

Deterministic: the peers each wallet connects to come from a fixed-seed generator, so the same
N always writes the same file."""
import json
import random
import sys

GROUP = 250          # wallets per group; a group reserves on two relays
PEERS = 5            # connect_many per wallet
JOIN_SPREAD_S = 60   # wallets come online over the first minute
CONNECT_AFTER_S = 20 # a wallet's connect_many starts this long after it is online...
CONNECT_SPREAD_S = 120  # ...plus a stagger over two minutes


def swarm(n: int, until: str = "10m") -> dict:
    rng = random.Random(20261125 + n)
    groups = max(1, (n + GROUP - 1) // GROUP)
    relays = max(4, groups)
    wallets = []
    ids = []
    online = []
    for g in range(groups):
        size = min(GROUP, n - g * GROUP)
        gid = f"g{g}"
        wallets.append({
            "id": gid,
            "count": size,
            "nat": {"mix": {"none": 10, "full-cone": 10, "restricted-cone": 20,
                            "port-restricted-cone": 35, "symmetric": 25}},
            "relays": [f"relay-{g % relays}", f"relay-{(g + 1) % relays}"],
            "online_at": f"{rng.randrange(0, JOIN_SPREAD_S * 1000)}ms",
        })
        for k in range(1, size + 1):
            ids.append(f"{gid}-{k}")
            online.append(wallets[-1]["online_at"])
    # online_at is per group (a `count` group shares it); stagger connects per wallet.
    timeline = []
    for i, wid in enumerate(ids):
        peers = rng.sample([j for j in range(n) if j != i] if n <= 2000 else
                           list({rng.randrange(n) for _ in range(PEERS * 3)} - {i}), PEERS)
        at_ms = int(online[i][:-2]) + CONNECT_AFTER_S * 1000 + rng.randrange(0, CONNECT_SPREAD_S * 1000)
        timeline.append({"at": f"{at_ms}ms", "do": "connect_many", "wallet": wid,
                         "peers": [ids[p] for p in peers]})
    timeline.sort(key=lambda s: int(s["at"][:-2]))
    return {
        "format": "connsim/1",
        "name": f"swarm-{n}",
        "description": f"Scale: {n} wallets (mixed NATs, {relays} relays, 1% loss), each "
                       f"connecting to {PEERS} peers at a staggered time.",
        "seed": 1,
        "until": until,
        "network": {
            "latency": {"median": "40ms", "p99": "200ms"},
            "loss": 0.01,
            "relays": [{"id": f"relay-{r}", "max_reservations": 4 * GROUP} for r in range(relays)],
        },
        "wallets": wallets,
        "timeline": timeline,
        "expect": [{"metric": "connect_success_rate", "at_least": 0.5}],
    }


if __name__ == "__main__":
    n = int(sys.argv[1])
    json.dump(swarm(n), sys.stdout, indent=1)
    sys.stdout.write("\n")
