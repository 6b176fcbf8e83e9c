#!/usr/bin/env bash
# The test command (README "Tests"; CI runs it from .ci/run): installs the
# private test mail servers and the browser of the console tests (Debian's
# chromium + chromedriver) and PostgreSQL 15 (the shared-store tests start a
# private server) when missing, then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"
if ! command -v dovecot >/dev/null || ! command -v postfix >/dev/null \
  || ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
  || [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dovecot-imapd dovecot-lmtpd postfix openssl chromium chromium-driver postgresql >/dev/null
fi
cargo test --locked "$@"
