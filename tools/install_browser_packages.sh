#!/usr/bin/env bash
# Debian's chromium + chromium-driver (the browser tests) and Node.js (the web page's SRP
# test), installed when missing. Shared by `make test` and .ci/run, so the full suite
# never quietly runs without them:
#   - all present: nothing to do;
#   - BROWSER_TESTS=off: nothing installed, the tests that need them are skipped and
#     `make test` says so in its last lines (a deliberate opt-out);
#   - missing, as root with apt-get: installed;
#   - otherwise: exit 1 with the command to run.
set -euo pipefail

if [ "${BROWSER_TESTS:-on}" = off ]; then
  echo "BROWSER_TESTS=off: not installing chromium/chromium-driver/nodejs; their tests will be skipped"
  exit 0
fi

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v node >/dev/null || missing+=(nodejs)
((${#missing[@]})) || exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "== installing ${missing[*]} (Debian packages) for the browser and page tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "The browser and page tests need ${missing[*]}. Install them with:" >&2
echo "  sudo apt-get install ${missing[*]}" >&2
echo "or run the suite without them, deliberately: make test BROWSER_TESTS=off" >&2
exit 1
