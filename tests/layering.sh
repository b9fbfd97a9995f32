#!/bin/sh
# The direction of dependencies (ARCHITECTURE.md), checked on the symbols
# the objects really use, which a grep of the includes cannot see:
#
#   cli/     -> core/ screens/ server/, cJSON
#   server/  -> core/ (libmicrohttpd through its own loader)
#   screens/ -> tui/ core/, ncursesw, cJSON
#   tui/     -> ncursesw
#   core/    -> SQLite, cJSON (libcurl and libcrypto through its loaders)
#
# and every part may use libc. Each undefined symbol (nm -u) of each object
# is looked up in the other parts and in the libraries; a symbol of a part or
# library the object's part may not use fails the check, naming the symbol
# and the file. A part that defines a library's own name (a lazy loader that
# should use our prefix) fails too.
#
# Usage: layering.sh BUILD_DIR   (BUILD_DIR/lib{core,tui,screens,server}.a and
# BUILD_DIR/cli/*.o; BB_LAYERING_LIBDIR: look for the libraries there first)
set -u
build=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

allowed_core="sqlite3 cjson"
allowed_tui="ncursesw"
allowed_screens="tui core ncursesw cjson"
allowed_server="core"
allowed_cli="core screens server cjson"

# the libraries' exported names: "symbol library"
for spec in ncursesw:ncursesw.so.6 ncursesw:tinfo.so.6 sqlite3:sqlite3.so.0 cjson:cjson.so.1 \
	    libcrypto:crypto.so.3 libcurl:curl.so.4 libmicrohttpd:microhttpd.so.12; do
	lib=${spec%%:*} file=lib${spec#*:} path=
	[ -n "${BB_LAYERING_LIBDIR:-}" ] && [ -f "$BB_LAYERING_LIBDIR/$file" ] &&
		path=$BB_LAYERING_LIBDIR/$file
	[ -n "$path" ] || path=$(${CC:-cc} -print-file-name="$file")
	if [ ! -f "$path" ]; then
		echo "layering: cannot find $file to read its symbols; install its -dev package"
		exit 1
	fi
	nm -D --defined-only "$path" | awk -v lib="$lib" 'NF >= 3 { sub(/@.*/, "", $3); print $3, lib }'
done | sort -u >"$tmp/libs"

# every object's symbols: "part source type symbol"
for part in core tui screens server cli; do
	if [ "$part" = cli ]; then
		set -- "$build"/cli/*.o
	else
		set -- "$build/lib$part.a"
	fi
	for f in "$@"; do
		[ -f "$f" ] || { echo "layering: $f is missing; build it first"; exit 1; }
	done
	nm -A -g "$@" 2>/dev/null | awk -v part="$part" '
		{
			# "lib.a:obj.o:addr T sym", "lib.a:obj.o:  U sym" or "dir/obj.o:..."
			n = split($1, f, ":")
			obj = f[n - 1]
			sub(/.*\//, "", obj)
			sub(/\.o$/, ".c", obj)
			print part, part "/" obj, $(NF - 1), $NF
		}'
done >"$tmp/objs"

awk -v a_core="$allowed_core" -v a_tui="$allowed_tui" -v a_screens="$allowed_screens" \
    -v a_server="$allowed_server" -v a_cli="$allowed_cli" '
	function may(part, dep,    list, n, i, w) {
		if (part == dep || dep == "libc")
			return 1
		list = part == "core" ? a_core : part == "tui" ? a_tui : part == "screens" ? a_screens \
			: part == "server" ? a_server : a_cli
		n = split(list, w, " ")
		for (i = 1; i <= n; i++)
			if (w[i] == dep)
				return 1
		return 0
	}
	FNR == 1 { pass++ }
	pass == 1 { lib[$1] = $2; next }
	pass == 2 && $3 != "U" && $3 !~ /^[a-z]$/ {
		owner[$4] = $1
		if ($4 in lib) {
			printf "layering: %s defines %s, a name of %s; give it our prefix\n", $2, $4, lib[$4]
			bad = 1
		}
		next
	}
	pass == 3 && $3 == "U" {
		dep = ($4 in owner) ? owner[$4] : ($4 in lib) ? lib[$4] : "libc"
		if (!may($1, dep)) {
			printf "layering: %s uses %s (%s); %s/ may not depend on %s\n", $2, $4, dep, $1, dep
			bad = 1
		}
	}
	END { exit bad }' "$tmp/libs" "$tmp/objs" "$tmp/objs" >"$tmp/report"
rc=$?
sort -u "$tmp/report"
exit $rc
