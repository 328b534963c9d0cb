#!/usr/bin/env bash
# Installs the browser `tests/html.rs` renders reports in: Debian's chromium package.
# Idempotent and quiet: does nothing when /usr/bin/chromium is already there.
# Needs root (CI runs as root); otherwise run it with sudo.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "tests/browser/setup.sh: installing chromium needs root; run: sudo $0" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version >/dev/null
