#!/usr/bin/env bash
# Fuzzes carousel's hostile-input parsers with cargo-fuzz (libFuzzer, nightly).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Runs each target for SECONDS (default 60) of fuzzing after replaying its
# seeds: understand (whole messages), adf, csv, config. Seeds come from
# tests/fixtures, tests/corpora (incl. the stalwart malformed-MIME corpus) and
# fuzz/seeds; the growing corpus lives in fuzz/corpus/<target> (not committed).
# A crash or a slow input (>10 s) leaves its input in fuzz/artifacts/<target>/;
# turn it into a regression fixture under tests/fixtures/regressions/ (the
# test in tests/hostile.rs runs every file there through `carousel inspect`).
# Exit status: 0 when every target ran its budget without a finding.
#
# Needs: rustup nightly and `cargo install cargo-fuzz`.
set -uo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(understand adf csv config)

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz missing: rustup toolchain install nightly && cargo install cargo-fuzz" >&2
  exit 2
fi

seeds_of() {
  case $1 in
    understand) echo tests/fixtures tests/corpora ;;
    adf) echo fuzz/seeds/adf tests/fixtures/leads ;;
    csv) echo fuzz/seeds/csv ;;
    config) echo fuzz/seeds/config config ;;
  esac
}

failed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  # shellcheck disable=SC2046
  echo "== fuzz target $t: ${secs}s"
  start=$(date +%s)
  if cargo +nightly fuzz run "$t" "fuzz/corpus/$t" $(seeds_of "$t") -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
      -print_final_stats=1 2> "fuzz/$t.log"; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "fuzz/$t.log" | grep -o '[0-9]*$')
    echo "   $t: ok, ${runs:-?} executions in $(( $(date +%s) - start ))s, corpus $(ls "fuzz/corpus/$t" | wc -l) inputs"
  else
    echo "   $t: FINDING — see fuzz/$t.log and fuzz/artifacts/$t/"
    grep -E 'ERROR|panicked|SUMMARY|artifact' "fuzz/$t.log" | head -5
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in: ${failed[*]}"
  exit 1
fi
echo "fuzz.sh: all targets ran ${secs}s without a finding"
