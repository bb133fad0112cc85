#!/bin/sh
# The README's first command on a machine that has nothing but a minimal
# Debian (debootstrap --variant=minbase): POSIX sh and apt-get. It installs
# make, the one tool `make run` / `make check` need before they can install
# the rest themselves (conf/install-deps.sh). Nothing is installed twice.
set -e
if command -v make >/dev/null 2>&1; then
	exit 0
fi
exec sh "$(dirname "$0")/install-deps.sh" make
