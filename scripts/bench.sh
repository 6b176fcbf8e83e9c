#!/usr/bin/env bash
# Benchmarks (issue 9): builds release, starts a private Dovecot + Postfix on
# 127.0.0.1:13143/13025, runs every scenario against baselines measured in the
# same run, prints a table and writes bench/results.json.
# Usage: scripts/bench.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"
cargo build --release --bin carousel --example bench
exec target/release/examples/bench "$@"
