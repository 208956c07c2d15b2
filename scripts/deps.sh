#!/bin/sh
# scripts/deps.sh - installs what Vigil needs to build, run and test on
# Debian 12.  Idempotent: installs only what is missing, and does nothing
# (no network) when everything is present.  `make deps` runs it.
set -eu

PKGS="gcc make pkg-config meson ninja-build clang libclang-rt-14-dev \
libmicrohttpd-dev libsqlite3-dev sqlite3 libjansson-dev libsodium-dev \
libcmark-dev libinih-dev libcmocka-dev curl python3 chromium wrk \
libgmime-3.0-dev libgpgme-dev libcurl4-gnutls-dev gnupg python3-aiosmtpd \
openssl valgrind bubblewrap patch git libical-dev"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

if [ -n "$missing" ]; then
	echo "deps: installing Debian packages:$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
else
	echo "deps: Debian packages present"
fi

# npm packages for the tests (Playwright's library without its browser
# download; reference implementations used as test oracles).
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here/tests"
stamp=node_modules/.vigil-stamp
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] ||
    { [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; }; then
	echo "deps: installing npm test packages"
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund \
	    --loglevel=error
	touch "$stamp"
else
	echo "deps: npm test packages present"
fi
