#!/usr/bin/env python3
"""Times flufl.bounce (GNU Mailman's bounce detector) on the sisimai corpus,
for comparison with `cargo run --release --example bounce_bench`.

    python3 -m venv /tmp/flvenv && /tmp/flvenv/bin/pip install flufl.bounce
    /tmp/flvenv/bin/python bench/flufl_bounce.py [tests/corpora/bounces]

Prints messages per second and how many bounce files yield at least one
address (flufl.bounce returns addresses only: no status codes, no hard/soft).
"""
import email
import json
import os
import sys
import time

from flufl.bounce import all_failures

corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "corpora", "bounces")
expected = json.load(open(os.path.join(corpus, "expected.json")))
raws = [(name, open(os.path.join(corpus, name), "rb").read()) for name in sorted(expected)]

def is_bounce(entries):
    return bool(entries) and not any(e["reason"] in ("vacation", "feedback", "delivered") for e in entries)

best = None
for _ in range(3):
    found = 0
    start = time.perf_counter()
    for name, raw in raws:
        msg = email.message_from_bytes(raw)
        try:
            permanent, temporary = all_failures(msg)
        except Exception:
            permanent, temporary = set(), set()
        if is_bounce(expected[name]) and (permanent or temporary):
            found += 1
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)

bounces = sum(1 for n in expected if is_bounce(expected[n]))
print(f"flufl.bounce: {len(raws)} files in {best:.3f} s = {len(raws) / best:.0f} messages/s (best of 3, parse included)")
print(f"flufl.bounce: {found}/{bounces} bounce files yield at least one address")
