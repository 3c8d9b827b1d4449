#!/usr/bin/env bash
# Installs Debian's chromium for the contact-sheet browser test, unless it is already there (idempotent).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present) at /usr/bin/chromium"
  exit 0
fi
# apt needs root; on a developer machine without it, use sudo.
as_root=""
if [ "$(id -u)" -ne 0 ]; then as_root="sudo"; fi
$as_root apt-get update
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version
