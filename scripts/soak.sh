#!/usr/bin/env bash
# Crash-safety soak against the real servers (private Dovecot + Postfix from
# tests/mailtest.sh). Not part of `cargo test`: it takes minutes.
#
#   scripts/soak.sh [KILLS] [MESSAGES]          (defaults: 100 kills, 600 messages)
#   SOAK_PHASES="kill restart enospc" scripts/soak.sh
#
# Phases:
#   kill     MESSAGES leads are delivered over SMTP while carousel (ingest and
#            every later stage the build has: act/routing, nurture, outbox
#            sending over SMTP to the rep's mailbox) is SIGKILLed KILLS times at
#            random moments; after each kill the store must open cleanly.
#            Then one clean pass, and the figures: every delivered message
#            stored once (by subject), every due email (outbox record) sent
#            exactly once (Message-ID count over IMAP in the recipients' boxes).
#   restart  Dovecot and Postfix are stopped and started again (same BASE)
#            while carousel runs and mail is flowing; nothing lost or doubled.
#   enospc   (root) the store lives on an 8 MiB tmpfs filled up: carousel must
#            not acknowledge (messages stay unseen on IMAP), must say why in
#            its log, and must store everything once space returns.
# Exit status 0 when every check held.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KILLS=${1:-100}
MESSAGES=${2:-600}
PHASES=${SOAK_PHASES:-kill restart enospc}
IMAP_PORT=${SOAK_IMAP_PORT:-11443}
SMTP_PORT=${SOAK_SMTP_PORT:-11425}
BASE=${SOAK_BASE:-$(mktemp -d /tmp/carousel-soak.XXXXXX)}
export PASS=secret CAROUSEL_SOAK_PASSWORD=secret
mkdir -p "$BASE" && chmod 755 "$BASE"   # mktemp gives 0700; postfix must traverse it
BIN=$ROOT/target/debug/carousel
FAIL=0

cargo build --quiet --bin carousel --example soak_outbox || exit 2
# Private copies: a rebuild in the shared tree must not swap binaries mid-soak.
cp target/debug/carousel "$BASE/carousel" && cp target/debug/examples/soak_outbox "$BASE/soak_outbox"
BIN=$BASE/carousel
servers() { IMAP_PORT=$IMAP_PORT IMAPS_PORT=0 SMTP_PORT=$SMTP_PORT tests/mailtest.sh "$1" "$BASE/mail" >>"$BASE/mailtest.out" 2>&1; }
servers start || { cat "$BASE/mailtest.out"; exit 2; }
trap 'servers stop; [ -n "${TMPFS:-}" ] && umount "$TMPFS" 2>/dev/null' EXIT

# --- helpers (python3 speaks SMTP and IMAP to the real servers) -------------
send() {  # send USER FROM TO-N: lead emails FROM..TO to USER (an address), subject "soak-USER-N"
  python3 - "$SMTP_PORT" "$@" <<'EOF'
import smtplib, sys, time
port, user, a, b = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = smtplib.SMTP("127.0.0.1", port, timeout=30)
for n in range(a, b):
    msg = (f"From: WordPress <wordpress@solar-site.example>\r\nTo: {user}\r\n"
           f"Reply-To: prospect{n}@buyer.example\r\nSubject: soak-{user}-{n}\r\n"
           f"Message-ID: <soak-{user}-{n}@solar-site.example>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
           f"Content-Type: text/plain; charset=utf-8\r\n\r\nName: Prospect Number{n}\r\n"
           f"Email: prospect{n}@buyer.example\r\nPhone: +1 555 010 {n:04}\r\nCompany: Buyer {n} Ltd (300 employees)\r\n"
           f"Interest: Rooftop solar installation\r\nTimeline: immediately\r\n"
           f"Message: Please call today, we want to sign this week.\r\n")
    for attempt in range(100):
        try:
            s.sendmail("wordpress@solar-site.example", [user], msg.encode())
            break
        except Exception:
            time.sleep(0.2)
            try: s = smtplib.SMTP("127.0.0.1", port, timeout=30)
            except Exception: pass
    else:
        sys.exit(f"could not send message {n}")
EOF
}
imap() {  # imap USER unseen|ids: unseen count in INBOX, or Message-IDs of every message
  python3 - "$IMAP_PORT" "$@" <<'EOF'
import imaplib, sys, re
port, user, what = int(sys.argv[1]), sys.argv[2], sys.argv[3]
c = imaplib.IMAP4("127.0.0.1", port)
c.login(user, "secret")
c.select("INBOX", readonly=True)
if what == "unseen":
    print(len(c.search(None, "UNSEEN")[1][0].split()))
elif what == "total":
    print(len(c.search(None, "ALL")[1][0].split()))
else:
    typ, data = c.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])") if c.search(None, "ALL")[1][0] else ("OK", [])
    for part in data:
        if isinstance(part, tuple):
            m = re.search(rb"<[^>]+>", part[1])
            if m: print(m.group().decode())
c.logout()
EOF
}
config() {  # config DIR USER [STORE]: IMAP in, SMTP out (to the rep's mailbox), a rep
  local dir=$1 user=$2 store=${3:-$1/store}
  mkdir -p "$dir"
  cat > "$dir/carousel.toml" <<EOF
[store]
path = "$store"
[limits]
max_inbound_per_sender_per_hour = 0
[[mailbox]]
name = "soak"
imap = { host = "127.0.0.1", port = $IMAP_PORT, tls = "none", user = "$user", password_env = "CAROUSEL_SOAK_PASSWORD", idle_secs = 60, timeout_secs = 10, batch = 50 }
[outbox]
from = "Acme Solar <hello@acme.example>"
message_id_domain = "carousel.soak.example"
smtp = { host = "127.0.0.1", port = $SMTP_PORT, tls = "none" }
[outbox.archive]
address = "archive-$user"
grace_secs = 5
imap = { host = "127.0.0.1", port = $IMAP_PORT, tls = "none", user = "archive-$user", password_env = "CAROUSEL_SOAK_PASSWORD", timeout_secs = 10 }
[[rep]]
name = "Soak Rep"
email = "rep-$user"
EOF
  # A build without some stage rejects its keys? Then drop what it does not know.
  if ! "$BIN" --config "$dir/carousel.toml" check >/dev/null 2>&1; then
    "$BIN" --config "$dir/carousel.toml" check | head -3 >&2
  fi
}
count_stored() {  # count_stored CONFIG: "stored distinct duplicates" over soak subjects
  local out; out=$("$BIN" --config "$1" messages list --json) || { echo "count_stored: store not readable" >&2; echo "-1 -1 -1"; return; }
  printf '%s\n' "$out" | python3 -c '
import sys, json, collections
c = collections.Counter(json.loads(l).get("subject") for l in sys.stdin if l.strip())
soak = {s: n for s, n in c.items() if s and s.startswith("soak-")}
print(sum(soak.values()), len(soak), sum(n - 1 for n in soak.values()))'
}
count_due() {  # count_due CONFIG: "due marked-sent" from the outbox tree (daemon stopped)
  # Read it all before answering: the helper holds the store's lock until it exits.
  local out; out=$("$BASE/soak_outbox" "$1" 2>/dev/null) || { echo "n/a n/a"; return; }
  printf '%s\n' "$out" | head -1
}
count_sent() {  # count_sent CONFIG: "sent distinct duplicates" of carousel's Message-IDs at every recipient
  "$BASE/soak_outbox" "$1" 2>/dev/null | tail -n +2 | while read -r to; do imap "$to" ids; done | python3 -c '
import sys, collections
c = collections.Counter(l.strip() for l in sys.stdin if "carousel.soak.example" in l)
print(sum(c.values()), len(c), sum(n - 1 for n in c.values()))'
}
store_opens() { "$BIN" --config "$1" messages list --json >/dev/null 2>>"$2"; }
wait_unseen_zero() {  # wait_unseen_zero USER SECONDS
  for _ in $(seq $(( $2 * 5 ))); do [ "$(imap "$1" unseen 2>/dev/null)" = 0 ] && return 0; sleep 0.2; done; return 1
}
check() {  # check LABEL CONDITION...
  local label=$1; shift
  if "$@"; then echo "   ok: $label"; else echo "   FAILED: $label"; FAIL=1; fi
}

# --- phase: kill ------------------------------------------------------------
phase_kill() {
  local dir=$BASE/kill user=soak-kill@example.test
  config "$dir" $user
  echo "== kill: $MESSAGES messages, $KILLS SIGKILLs"
  send $user 0 "$MESSAGES" & local sender=$!
  local survived=0 unclean=0 start=$SECONDS
  for i in $(seq "$KILLS"); do
    "$BIN" --config "$dir/carousel.toml" run >>"$dir/daemon.log" 2>&1 & local pid=$!
    sleep "$(python3 -c 'import random; print(round(random.uniform(0.05, 1.2), 3))')"
    kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null
    if store_opens "$dir/carousel.toml" "$dir/open.err"; then survived=$((survived + 1)); else unclean=$((unclean + 1)); fi
  done
  wait $sender
  # The last pass: everything delivered is stored, everything due is sent.
  "$BIN" --config "$dir/carousel.toml" run >>"$dir/daemon.log" 2>&1 & local pid=$!
  wait_unseen_zero $user 120
  sleep 3  # let later stages drain (routing, outbox)
  kill -TERM $pid; wait $pid
  # Passes until every due email is recorded sent: emails caught between
  # SMTP and their record are decided through the archive after its grace.
  for _ in $(seq 40); do
    "$BIN" --config "$dir/carousel.toml" run --once >>"$dir/daemon.log" 2>&1
    read -r due marked < <(count_due "$dir/carousel.toml")
    [ "$marked" = "$due" ] && break; sleep 2
  done
  read -r stored distinct dups < <(count_stored "$dir/carousel.toml")
  # Postfix hands the sent emails to Dovecot a moment later: wait (<= 60 s).
  for _ in $(seq 30); do
    read -r sent sent_distinct sent_dups < <(count_sent "$dir/carousel.toml")
    [ "$sent_distinct" -ge "$due" ] && break; sleep 2
  done
  echo "   kills survived: $survived/$KILLS (store failed to open: $unclean) in $((SECONDS - start)) s"
  echo "   messages delivered: $MESSAGES, stored: $distinct (records $stored), duplicates: $dups"
  echo "   emails due: $due (marked sent: $marked), sent: $sent_distinct (messages at the rep $sent), duplicates: $sent_dups"
  check "store opened after every kill" [ "$unclean" = 0 ]
  check "every delivered message stored once" [ "$distinct" = "$MESSAGES" -a "$dups" = 0 ]
  check "no email sent twice" [ "$sent_dups" = 0 ]
  check "every due email sent" [ "$sent_distinct" = "$due" -a "$marked" = "$due" ]
  check "all mail acknowledged (seen) on IMAP" [ "$(imap $user unseen)" = 0 ]
}

# --- phase: restart ---------------------------------------------------------
phase_restart() {
  local dir=$BASE/restart user=soak-restart@example.test n=300
  config "$dir" $user
  echo "== restart: $n messages, Dovecot and Postfix restarted twice under load"
  "$BIN" --config "$dir/carousel.toml" run >>"$dir/daemon.log" 2>&1 & local pid=$!
  send $user 0 100
  servers stop; sleep 1; servers start || { echo "servers did not restart"; FAIL=1; return; }
  send $user 100 200
  sleep 0.5
  servers stop; sleep 2; servers start || { echo "servers did not restart"; FAIL=1; return; }
  send $user 200 $n
  wait_unseen_zero $user 180
  sleep 2
  kill -TERM $pid; wait $pid; local rc=$?
  read -r stored distinct dups < <(count_stored "$dir/carousel.toml")
  echo "   delivered: $n, stored: $distinct, duplicates: $dups, daemon exit: $rc"
  echo "   reconnects logged: $(grep -ci 'retry\|reconnect\|backoff' "$dir/daemon.log")"
  check "every message stored once across server restarts" [ "$distinct" = $n -a "$dups" = 0 ]
  check "daemon survived the restarts and stopped cleanly" [ "$rc" = 0 ]
}

# --- phase: enospc ----------------------------------------------------------
phase_enospc() {
  local dir=$BASE/enospc user=soak-enospc@example.test n=200
  if [ "$(id -u)" != 0 ]; then echo "== enospc: skipped (needs root for mount -t tmpfs)"; return; fi
  TMPFS=$dir/tmpfs; mkdir -p "$TMPFS"
  mount -t tmpfs -o size=8m tmpfs "$TMPFS" || { echo "== enospc: mount failed"; FAIL=1; return; }
  config "$dir" $user "$TMPFS/store"
  echo "== enospc: store on an 8 MiB tmpfs, filled up while carousel runs; $n messages"
  "$BIN" --config "$dir/carousel.toml" run >>"$dir/daemon.log" 2>&1 & local pid=$!
  send $user 0 50
  wait_unseen_zero $user 60
  dd if=/dev/zero of="$TMPFS/filler" bs=64k 2>/dev/null; sync
  echo "   first 50 stored; disk filled: $(df --output=avail -k "$TMPFS" | tail -1) KiB free"
  send $user 50 $n
  sleep 10
  local unseen_full; unseen_full=$(imap $user unseen)
  local said; said=$(grep -ciE 'no space|ENOSPC|os error 28' "$dir/daemon.log")
  echo "   while full: unseen on IMAP $unseen_full/$((n - 50)), log lines naming the full disk: $said"
  rm -f "$TMPFS/filler"
  echo "   space returned: $(df --output=avail -k "$TMPFS" | tail -1) KiB free"
  # On a store failure the daemon stops every task and exits non-zero
  # (sled 0.34 keeps its I/O error); its supervisor (systemd Restart=on-failure)
  # starts it again. Play the supervisor here.
  local alive=yes rc=0
  if ! kill -0 $pid 2>/dev/null; then alive=no; wait $pid; rc=$?; fi
  echo "   daemon after the full disk: alive=$alive exit=$rc; restarting it as the supervisor would"
  if [ $alive = no ]; then
    "$BIN" --config "$dir/carousel.toml" run >>"$dir/daemon.log" 2>&1 & pid=$!
  fi
  wait_unseen_zero $user 120
  kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null
  read -r stored distinct dups < <(count_stored "$dir/carousel.toml")
  echo "   after: stored $distinct/$n, duplicates $dups"
  check "it stopped acknowledging while the disk was full" [ "$unseen_full" -gt 0 ]
  check "the log says why" [ "$said" -gt 0 ]
  check "the daemon stopped with a non-zero status for its supervisor" [ "$alive" = no -a "$rc" != 0 ]
  check "everything stored once when space returned" [ "$distinct" = $n -a "$dups" = 0 ]
  umount "$TMPFS" && TMPFS=
}

for p in $PHASES; do "phase_$p"; done
echo "logs and stores: $BASE"
[ $FAIL = 0 ] && echo "soak: all checks held" || echo "soak: FAILED"
exit $FAIL
