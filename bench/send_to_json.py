#!/usr/bin/env python3
"""Adds the outbox send figures of bench/send.txt (examples/send_bench.rs,
same run) to bench/results.json under "send", so every figure of a
scripts/bench.sh run is in one file."""
import json, re, sys

send_txt, results_json = sys.argv[1], sys.argv[2]
send, name = {}, None
for line in open(send_txt):
    head = re.match(r"carousel outbox \(([^)]+)\): (\d+) of (\d+) messages", line)
    if head:
        name = head.group(1)
        send[name] = {"sent": int(head.group(2)), "messages": int(head.group(3))}
        continue
    if line.startswith("postfix smtp-source"):
        name = "smtp_source_baseline"
        send[name] = {}
        continue
    rates = re.search(r"accepted by Postfix in ([\d.]+) s = (\d+) msg/s; in the Dovecot mailbox after ([\d.]+) s", line)
    if rates and name:
        send[name].update({
            "accepted_seconds": float(rates.group(1)),
            "accepted_per_second": int(rates.group(2)),
            "delivered_seconds": float(rates.group(3)),
        })
results = json.load(open(results_json))
results["send"] = send
json.dump(results, open(results_json, "w"), indent=2)
