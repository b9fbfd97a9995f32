#!/bin/sh
# The symbol check of tests/layering.sh must be able to fail: objects that
# break each kind of rule are built in a scratch directory and every break
# must be named, with its symbol and its file.
set -u
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
cc=${CC:-cc}
mkdir -p "$tmp/src" "$tmp/cli"
printf 'int EVP_EncodeBlock(unsigned char *, const unsigned char *, int);\n%s\n' \
	'int tui_bad(unsigned char *o) { return EVP_EncodeBlock(o, o, 1); }' >"$tmp/src/clip.c"
printf 'void *newterm(const char *, void *, void *);\n%s\n%s\n' \
	'void *core_bad(void) { return newterm(0, 0, 0); }' \
	'void *curl_easy_init(void) { return 0; }' >"$tmp/src/store.c"
printf 'int screens_ok(void) { return 0; }\n' >"$tmp/src/home.c"
printf 'int server_ok(void) { return 0; }\n' >"$tmp/src/serve.c"
printf 'int tui_bad(unsigned char *);\n%s\n' \
	'int main(void) { unsigned char b[4]; return tui_bad(b); }' >"$tmp/src/main.c"
for f in clip store home serve main; do
	$cc -c "$tmp/src/$f.c" -o "$tmp/$f.o" || exit 1
done
ar rcs "$tmp/libtui.a" "$tmp/clip.o" && ar rcs "$tmp/libcore.a" "$tmp/store.o" &&
	ar rcs "$tmp/libscreens.a" "$tmp/home.o" && ar rcs "$tmp/libserver.a" "$tmp/serve.o" &&
	mv "$tmp/main.o" "$tmp/cli/main.o" || exit 1
out=$(sh "$(dirname "$0")/layering.sh" "$tmp") && {
	echo "layering self-test: the check passed objects that break the rules"
	exit 1
}
for want in "tui/clip.c uses EVP_EncodeBlock (libcrypto); tui/ may not depend on libcrypto" \
	    "core/store.c uses newterm (ncursesw); core/ may not depend on ncursesw" \
	    "core/store.c defines curl_easy_init, a name of libcurl" \
	    "cli/main.c uses tui_bad (tui); cli/ may not depend on tui"; do
	case $out in
	*"$want"*) ;;
	*) printf 'layering self-test: expected "%s" in:\n%s\n' "$want" "$out"; exit 1 ;;
	esac
done
