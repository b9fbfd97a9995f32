#!/bin/sh
# Checks that a binary carries the hardening of the release build, as
# Debian's hardening-check would, with readelf alone: a position-independent
# executable, RELRO with immediate binding, a non-executable stack, the stack
# protector and fortified libc calls. Usage: hardening.sh BINARY
bin=$1
fail=0
no() { echo "hardening: $bin: $1" >&2; fail=1; }
[ -x "$bin" ] || { echo "hardening: $bin is missing; build it first" >&2; exit 1; }
headers=$(readelf -W -h -l -d "$bin") || exit 1
syms=$(readelf -W --dyn-syms "$bin") || exit 1
echo "$headers" | grep -q 'Type: *DYN' || no "not a position-independent executable (-fPIE -pie)"
echo "$headers" | grep -q 'GNU_RELRO' || no "no RELRO segment (-Wl,-z,relro)"
echo "$headers" | grep -Eq 'BIND_NOW|FLAGS_1.*NOW' || no "relocations not bound at start (-Wl,-z,now)"
echo "$headers" | grep 'GNU_STACK' | grep -q 'RWE' && no "executable stack"
echo "$syms" | grep -q '__stack_chk_fail' || no "no stack protector (-fstack-protector-strong)"
echo "$syms" | grep -Eq '__[a-z_]+_chk(@|$| )' || no "no fortified calls (-D_FORTIFY_SOURCE=2)"
[ "$fail" -eq 0 ] && echo "hardening: $bin: PIE, RELRO, BIND_NOW, NX stack, stack protector, fortify"
exit "$fail"
