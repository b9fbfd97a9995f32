#!/bin/sh
# Checks what the build needs and installs the missing Debian packages.
# Arguments: module:package (a pkg-config module) or program=name:package.
# When it cannot install (not root, no sudo, no apt-get), it names the command.
missing=""
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"
for pair in "$@"; do
	what=${pair%%:*}
	pkg=${pair#*:}
	case $what in
	program=*) command -v "${what#program=}" >/dev/null 2>&1 || missing="$missing $pkg" ;;
	*) { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$what"; } ||
		missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$(printf ' %s' $missing | tr -s ' ')"
if [ "$(id -u)" = 0 ]; then sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"
else
	echo "Missing build dependencies; run: sudo apt-get update && sudo $cmd" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "Missing build dependencies ($missing); install them with your package manager." >&2
	exit 1
fi
echo "Installing build dependencies:$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null && $sudo $cmd >/dev/null && exit 0
echo "Could not install the build dependencies; run: sudo apt-get update && sudo $cmd" >&2
exit 1
