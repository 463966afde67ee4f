#!/usr/bin/env python3
"""Writes the two networks of the retry-policy sweep (bench/RESULTS.md):

  sweep-lossy-mixed.json   40 wallets (3 of them popular) behind a realistic NAT mix, 2 relays, 6 % loss and a
                           long-tailed latency: failures come from timeouts, not from outages.
  sweep-relay-outage.json  30 wallets mostly behind symmetric / port-restricted NATs (they need
                           the relays), two relays that go down in turn while connects run.

    cd bench/scenarios && ./make_sweep.py

Deterministic (fixed-seed generator for the peer choices and times)."""
import json
import random


def connects(rng, ids, first_ms, spread_ms, peers, hubs=()):
    """Each wallet connects to `peers` peers at a random time: one of the `hubs` (popular
    wallets, whose inbound limit the crowd meets) when there are any, the rest at random."""
    steps = []
    for i, wid in enumerate(ids):
        chosen = []
        if hubs and wid not in hubs:
            chosen.append(rng.choice(hubs))
        others = [p for p in ids if p != wid and p not in chosen]
        chosen += rng.sample(others, peers - len(chosen))
        at = first_ms + rng.randrange(spread_ms)
        steps.append({"at": f"{at}ms", "do": "connect_many", "wallet": wid, "peers": chosen})
    return steps


def lossy_mixed():
    rng = random.Random(11)
    n = 40
    ids = [f"w-{k}" for k in range(1, n + 1)]
    timeline = connects(rng, ids, 10_000, 30_000, 4, hubs=ids[:3])
    timeline.sort(key=lambda s: int(s["at"][:-2]))
    return {
        "format": "connsim/1",
        "name": "sweep-lossy-mixed",
        "description": "Retry sweep network 1: a lossy, long-tailed network and a realistic NAT mix. "
                       "Connects fail on timeouts (lost handshakes, slow relays), not on outages.",
        "until": "5m",
        "network": {
            "latency": {"median": "100ms", "p99": "1s"},
            "loss": 0.06,
            "relays": [{"id": "relay-a", "latency": {"median": "100ms", "p99": "1s"}},
                       {"id": "relay-b", "latency": {"median": "100ms", "p99": "1s"}}],
        },
        "wallets": [{"id": "w", "count": n,
                     "nat": {"mix": {"none": 10, "full-cone": 10, "restricted-cone": 20,
                                     "port-restricted-cone": 35, "symmetric": 25}}}],
        "timeline": timeline,
        "expect": [{"metric": "connect_success_rate", "at_least": 0.1}],
    }


def relay_outage():
    rng = random.Random(12)
    n = 30
    ids = [f"w-{k}" for k in range(1, n + 1)]
    timeline = connects(rng, ids, 15_000, 60_000, 3)
    timeline += [
        {"at": "20s", "do": "relay_down", "relay": "relay-a", "for": "25s"},
        {"at": "40s", "do": "relay_down", "relay": "relay-b", "for": "20s"},
    ]
    timeline.sort(key=lambda s: int(s["at"][:-2]) if s["at"].endswith("ms") else int(s["at"][:-1]) * 1000)
    return {
        "format": "connsim/1",
        "name": "sweep-relay-outage",
        "description": "Retry sweep network 2: wallets that need relays (symmetric and "
                       "port-restricted NATs), and both relays restarting in turn while the "
                       "connects run. Wallets redial lost relays (keep-alive).",
        "until": "5m",
        "network": {
            "latency": {"median": "50ms", "p99": "250ms"},
            "loss": 0.005,
            "relays": [{"id": "relay-a"}, {"id": "relay-b"}],
        },
        "wallets": [{"id": "w", "count": n, "relay_reconnect": "keep-alive",
                     "nat": {"mix": {"full-cone": 1, "port-restricted-cone": 2, "symmetric": 4}}}],
        "timeline": timeline,
        "expect": [{"metric": "connect_success_rate", "at_least": 0.1}],
    }


if __name__ == "__main__":
    for make in (lossy_mixed, relay_outage):
        scenario = make()
        with open(scenario["name"] + ".json", "w") as out:
            json.dump(scenario, out, indent=1)
            out.write("\n")
