#!/usr/bin/env bash
# Benchmarks (issue 9), every figure a ratio against a baseline measured in
# the same run on the same machine:
#   1. examples/bench.rs: private Dovecot + Postfix on 127.0.0.1:13143/13025;
#      speed-to-lead (vs the IDLE floor), understand, ingest (vs bare FETCH and
#      a Python imaplib+email peer), growth and RSS → bench/results.json
#   2. examples/send_bench.rs: its own Dovecot + Postfix on 11443/11425; outbox
#      send rate (plain, STARTTLS+AUTH, implicit TLS) vs Postfix's smtp-source
#      → bench/send.txt, and into bench/results.json ("send")
# Usage: scripts/bench.sh [--quick] [--only speed,understand,ingest,growth] [--growth N]
# BENCH_IMAP_PORT / BENCH_SMTP_PORT move the private servers of examples/bench.rs.
# Needs root (Postfix), Dovecot + Postfix installed (see README), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"
cargo build --release --bin carousel --example bench --example send_bench
target/release/examples/bench "$@"
n=2000; case " $* " in *" --quick "*) n=500;; esac
target/release/examples/send_bench "$n" | tee bench/send.txt
python3 bench/send_to_json.py bench/send.txt bench/results.json
