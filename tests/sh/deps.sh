#!/bin/sh
# deps.sh PACKAGE... - make sure these Debian packages are installed.
# As root, installs what is missing with apt-get; otherwise prints the one
# command that would and fails, so `make run` and `make test` stop early with
# something to do instead of a compiler error.
missing=
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: not a Debian system; make sure these are installed: $*" >&2
    exit 0
fi
for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || apt-get update || exit 1
    apt-get install -y -qq $missing >/dev/null || apt-get install -y $missing || exit 1
    exit 0
fi
echo "patchbay needs these Debian packages. Install them with:"
echo
echo "    sudo apt-get install -y$missing"
echo
exit 1
