#!/usr/bin/env bash
# mailtest.sh start|stop BASE  -- private Dovecot (IMAP+LMTP) + Postfix (SMTP) on 127.0.0.1.
# Env: IMAP_PORT(10143) IMAPS_PORT(10993, 0=off) SMTP_PORT(10025) PASS(secret: every user's password)
#      OAUTH2_INTROSPECT (optional RFC 7662 URL: adds XOAUTH2/OAUTHBEARER with Dovecot's oauth2 passdb)
set -euo pipefail
# Source: ../shared/notes/mail-servers.md (verified on Debian 12, Dovecot 2.3.19, Postfix 3.7).
for tool in dovecot postfix openssl; do
  command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null 2>&1 || {
    echo "mailtest.sh: '$tool' not found. Install the test mail servers with:" >&2
    echo "  apt-get install -y dovecot-imapd dovecot-lmtpd postfix openssl   (see README.md, Tests)" >&2
    exit 2; }
done
export PATH="$PATH:/usr/sbin:/sbin"
cmd=${1:?usage: $0 start|stop BASE}; B=$(realpath -m "${2:?BASE dir}")
if [ "$cmd" = stop ] && [ -s "$B/ports.env" ]; then . "$B/ports.env"; fi   # ports used by start
IMAP_PORT=${IMAP_PORT:-10143}; IMAPS_PORT=${IMAPS_PORT:-10993}; SMTP_PORT=${SMTP_PORT:-10025}; PASS=${PASS:-secret}
if [ "$(id -u)" = 0 ]; then IU=dovecot IG=dovecot LU=dovenull MU=65534 MG=65534 CL=login CA=empty  # mail: nobody
else IU=$(id -un) IG=$(id -gn) LU=$(id -un) MU=$(id -u) MG=$(id -g) CL= CA=; fi  # rootless: Dovecot only
banner() { for _ in $(seq 500); do  # wait (<=5 s) until 127.0.0.1:$1 greets with "$2..."
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && read -t 2 -r l <&3 && [[ $l == "$2"* ]]) 2>/dev/null && return 0
  sleep 0.01; done; echo "no '$2' banner on port $1" >&2; return 1; }
alive() { [ -e "/proc/$1" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)" != Z ]; }  # zombie=dead
port_free() { [ "$1" = 0 ] || ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
start() {
  for p in "$IMAP_PORT" "$IMAPS_PORT" "$SMTP_PORT"; do  # wait <=3 s for a stopping instance, then fail:
    for _ in $(seq 300); do port_free "$p" && break; sleep 0.01; done  # Postfix uses SO_REUSEPORT, so
    port_free "$p" || { echo "port $p already in use" >&2; return 1; }; done  # it would share the port silently
  mkdir -p "$B"/{run,state,mail,log,tls,postfix,spool}; chmod 755 "$B"; chown "$MU:$MG" "$B/mail"
  echo "IMAP_PORT=$IMAP_PORT IMAPS_PORT=$IMAPS_PORT SMTP_PORT=$SMTP_PORT" > "$B/ports.env"
  [ -s "$B/tls/cert.pem" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days 3650 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
    -addext basicConstraints=critical,CA:FALSE -keyout "$B/tls/key.pem" -out "$B/tls/cert.pem" 2>/dev/null
  cat > "$B/dovecot.conf" <<EOF
protocols = imap lmtp
listen = 127.0.0.1
base_dir = $B/run
state_dir = $B/state
log_path = $B/log/dovecot.log
default_internal_user = $IU
default_internal_group = $IG
default_login_user = $LU
ssl = yes
ssl_cert = <$B/tls/cert.pem
ssl_key = <$B/tls/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login${OAUTH2_INTROSPECT:+ xoauth2 oauthbearer}
auth_failure_delay = 0
auth_default_realm = example.test
mail_location = maildir:~/Maildir
mail_fsync = never
$( [ -z "${OAUTH2_INTROSPECT:-}" ] || printf 'passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = %s/oauth2.conf\n}\n' "$B" )
passdb {
  driver = static
  args = password=$PASS
}
userdb {
  driver = static
  args = uid=$MU gid=$MG home=$B/mail/%d/%n allow_all_users=yes
}
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
}
service imap-login {
  chroot = $CL
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
  }
}
service anvil {
  chroot = $CA
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
EOF
  [ -z "${OAUTH2_INTROSPECT:-}" ] || printf 'introspection_mode = post\nintrospection_url = %s\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n' \
    "$OAUTH2_INTROSPECT" > "$B/oauth2.conf"
  dovecot -c "$B/dovecot.conf" </dev/null >"$B/log/dovecot.out" 2>&1 || { cat "$B/log/dovecot.out" >&2; return 1; } # no pipe!
  if [ "$(id -u)" = 0 ]; then
    cat > "$B/postfix/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $B/spool
data_directory = $B/data
maillog_file = $B/log/postfix.log
maillog_file_prefixes = $B
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.example.test
mydestination =
alias_maps =
local_transport = error:local delivery disabled
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated reject_unauth_destination
virtual_mailbox_domains = example.test
virtual_mailbox_maps = static:OK
virtual_transport = lmtp:unix:$B/run/lmtp
default_transport = lmtp:unix:$B/run/lmtp
smtpd_tls_cert_file = $B/tls/cert.pem
smtpd_tls_key_file = $B/tls/key.pem
smtpd_tls_security_level = may
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $B/run/auth-postfix
EOF
    cat > "$B/postfix/master.cf" <<EOF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
lmtp      unix  - - n -  - lmtp
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
    touch -d '-1 min' "$B"/postfix/*.cf  # else postfix sleeps ~2.4 s "to let main.cf cool down"
    postfix -c "$B/postfix" start </dev/null >/dev/null 2>&1 || { tail "$B/log/postfix.log" >&2; return 1; }
    banner "$SMTP_PORT" 220
  fi
  banner "$IMAP_PORT" "* OK"
  if [ -n "${WATCH_PID:-}" ]; then  # stop by itself once process WATCH_PID is gone (Rust statics never Drop)
    (while alive "$WATCH_PID"; do sleep 0.2; done; STOP_SIGNAL=KILL stop) </dev/null >/dev/null 2>&1 & fi
}
stop() {  # signal each master (pid file + name check), wait, drop the pid file. STOP_SIGNAL=KILL: instant
  local f p n=0
  for f in "$B/spool/pid/master.pid" "$B/run/master.pid"; do
    [ -s "$f" ] || continue; p=$(tr -d ' \n' < "$f")
    if alive "$p" && grep -qxE 'master|dovecot' "/proc/$p/comm"; then n=1
      if [ "${STOP_SIGNAL:-TERM}" = KILL ]; then kill -KILL -- "-$p"; else kill -TERM "$p"; fi
      for _ in $(seq 500); do alive "$p" || break; sleep 0.01; done
      if alive "$p"; then kill -KILL -- "-$p"; fi   # each master leads its own process group
    fi; rm -f "$f"
  done
  [ "$n" = 0 ] || for p in "$SMTP_PORT" "$IMAP_PORT"; do  # children may hold listeners briefly
    for _ in $(seq 500); do port_free "$p" && break; sleep 0.01; done; done
}
[ "$cmd" != start ] || trap 'rc=$?; [ $rc = 0 ] || stop; exit $rc' EXIT  # failed start: tear down
"$cmd"
