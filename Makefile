# bbconsole - build, run, check, bench, install.
#
#   make            build build/release/bbconsole
#   make run        build and open the console on the default database
#   make check      warnings-as-errors build, then every test under ASan+UBSan
#   make bench      benchmarks (figures on stdout)
#   make soak       every screen test SOAK_N times (default 20), runs passed/failed each
#   make fuzz       libFuzzer targets (clang)
#   make install    PREFIX=/usr/local DESTDIR= (binary, man pages, bash and zsh completion)

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
# where bash-completion and zsh look for completions
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
VERSION := 0.1.0

CC      ?= cc
PKGS      := ncursesw libcurl libcjson sqlite3 libcrypto libmicrohttpd
TEST_PKGS := cmocka vterm
# pkg-config module -> Debian package that provides it
DEB_ncursesw := libncurses-dev
DEB_libcurl  := libcurl4-openssl-dev
DEB_libcjson := libcjson-dev
DEB_sqlite3  := libsqlite3-dev
DEB_libcrypto:= libssl-dev
DEB_libmicrohttpd := libmicrohttpd-dev
DEB_cmocka   := libcmocka-dev
DEB_vterm    := libvterm-dev

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
        -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wvla -Wundef \
        -Wno-missing-field-initializers
STD  := -std=c11 -D_GNU_SOURCE -DBB_VERSION='"$(VERSION)"'

ifeq ($(MAKECMDGOALS),deps)
else
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl, libcrypto and libmicrohttpd are opened at run time on first use
# (core/*_lazy.c, server/mhd_lazy.c): not linked, so a command that needs
# none of them does not load them.
PKG_LIBS   = $(shell pkg-config --libs $(filter-out libcurl libcrypto libmicrohttpd,$(PKGS)) \
	2>/dev/null) -ldl
TEST_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)
endif

# The hardening Debian builds its packages with: stack protector, fortified
# libc calls, a position-independent executable, read-only relocations
# bound at start (tests/hardening.sh checks the result).
RELEASE_FLAGS := -O2 -g -fstack-protector-strong -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fPIE
RELEASE_LDFLAGS := -pie -Wl,-z,relro,-z,now
ASAN_FLAGS    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                 -fno-sanitize-recover=undefined

CORE_SRC    := $(sort $(wildcard core/*.c))
TUI_SRC     := $(sort $(wildcard tui/*.c))
SCREENS_SRC := $(sort $(wildcard screens/*.c))
SERVER_SRC  := $(sort $(wildcard server/*.c))
CLI_SRC     := $(sort $(wildcard cli/*.c))
UNIT_SRC    := $(sort $(wildcard tests/unit/test_*.c))
CLITEST_SRC := $(sort $(wildcard tests/cli/test_*.c))
SCREEN_SRC  := $(sort $(wildcard tests/screen/test_*.c))
TESTLIB_SRC := $(sort $(wildcard tests/lib/*.c))
FAKE_SRC    := $(sort $(wildcard tests/fake/*.c))
BENCH_SRC   := $(sort $(wildcard tests/bench/bench_*.c))

FUZZ_SECONDS ?= 30
# keep test objects (make would delete them as intermediates, after the summary)
.SECONDARY:
.PHONY: all run check deps build-release build-asan test layering screen-lint soak bench fuzz \
	install install-completion clean
all: build-release
	@ln -sf build/release/bbconsole bbconsole

# ---- dependencies -----------------------------------------------------------
# The build needs a compiler and the libraries; the tests also cmocka,
# libvterm, groff (man-page lint) and clang (libFuzzer, for the fuzz smoke).
DEPS_STAMP := build/.deps-ok
TEST_DEPS_STAMP := build/.test-deps-ok
$(DEPS_STAMP):
	@sh tests/deps.sh program=cc:gcc program=ar:binutils \
		$(foreach p,$(PKGS),$(p):$(DEB_$(p)))
	@mkdir -p build && touch $@
$(TEST_DEPS_STAMP): $(DEPS_STAMP)
	@sh tests/deps.sh $(foreach p,$(TEST_PKGS),$(p):$(DEB_$(p))) \
		program=groff:groff-base program=clang:clang
	@touch $@
# the completion tests run bash's and zsh's completion functions; the OSC 52
# test copies inside a real tmux
SHELL_DEPS_STAMP := build/.shell-deps-ok
$(SHELL_DEPS_STAMP): $(DEPS_STAMP)
	@sh tests/deps.sh program=bash:bash program=zsh:zsh program=tmux:tmux
	@touch $@
deps: $(DEPS_STAMP) $(TEST_DEPS_STAMP) $(SHELL_DEPS_STAMP)

# ---- one build tree per flavour: build/release and build/asan ----------------
define flavour
# `=`: pkg-config answers only once the dependencies are installed
$(1)_CFLAGS = $$(STD) $$(WARN) $(2) $$(PKG_CFLAGS) -Icore -Itui -Iscreens -Iserver -Icli
$(1)_LDFLAGS := $(2) $(3)
build/$(1)/%.o: %.c $$(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(CC) $$($(1)_CFLAGS) $$(TEST_CFLAGS) -Itests/lib -MMD -MP -c $$< -o $$@
build/$(1)/libcore.a: $$(CORE_SRC:%.c=build/$(1)/%.o)
	@rm -f $$@; ar rcs $$@ $$^
build/$(1)/libtui.a: $$(TUI_SRC:%.c=build/$(1)/%.o)
	@rm -f $$@; ar rcs $$@ $$^
build/$(1)/libscreens.a: $$(SCREENS_SRC:%.c=build/$(1)/%.o)
	@rm -f $$@; ar rcs $$@ $$^
build/$(1)/libserver.a: $$(SERVER_SRC:%.c=build/$(1)/%.o)
	@rm -f $$@; ar rcs $$@ $$^
build/$(1)/libtestlib.a: $$(TESTLIB_SRC:%.c=build/$(1)/%.o)
	@rm -f $$@; ar rcs $$@ $$^
$(1)_LIBS := build/$(1)/libscreens.a build/$(1)/libtui.a build/$(1)/libcore.a
build/$(1)/bbconsole: $$(CLI_SRC:%.c=build/$(1)/%.o) build/$(1)/libserver.a $$($(1)_LIBS)
	$$(CC) $$($(1)_LDFLAGS) -o $$@ $$^ $$(PKG_LIBS) -lpthread
build/$(1)/tests/%: build/$(1)/tests/%.o $$($(1)_LIBS) build/$(1)/libtestlib.a
	$$(CC) $$($(1)_LDFLAGS) -o $$@ $$< build/$(1)/libtestlib.a $$($(1)_LIBS) \
		$$(TEST_LIBS) $$(PKG_LIBS) -lpthread -lutil
build/$(1)/fake_bitbucket: $$(FAKE_SRC:%.c=build/$(1)/%.o) build/$(1)/libcore.a
	$$(CC) $$($(1)_LDFLAGS) -o $$@ $$^ $$(PKG_LIBS) -lpthread
endef
$(eval $(call flavour,release,$(RELEASE_FLAGS),$(RELEASE_LDFLAGS)))
$(eval $(call flavour,asan,$(ASAN_FLAGS)))

REL_TESTS  := $(UNIT_SRC:%.c=build/release/%) $(CLITEST_SRC:%.c=build/release/%) \
              $(SCREEN_SRC:%.c=build/release/%)
ASAN_TESTS := $(UNIT_SRC:%.c=build/asan/%) $(CLITEST_SRC:%.c=build/asan/%) \
              $(SCREEN_SRC:%.c=build/asan/%)
FAKE_BIN    = $(if $(FAKE_SRC),build/$(1)/fake_bitbucket)

build-release: $(DEPS_STAMP) build/release/bbconsole
build-asan: $(TEST_DEPS_STAMP) $(SHELL_DEPS_STAMP) build/asan/bbconsole $(ASAN_TESTS) $(call FAKE_BIN,asan)

run: build-release
	./build/release/bbconsole

# Every test runs under ASan+UBSan; the warnings-as-errors release build must
# compile too (its tests are compiled, not run, to catch flavour-only warnings).
check: $(TEST_DEPS_STAMP) layering screen-lint build-release $(REL_TESTS) build-asan
	@sh tests/hardening.sh build/release/bbconsole
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/smoke.sh
	@sh tests/run.sh build/asan $(ASAN_TESTS)

# core/ must never draw; tui/ must never know the domain. The includes are
# grepped; the symbols each part's objects use (nm -u) are checked against
# the direction of dependencies (tests/layering.sh, which must itself fail on
# objects that break it: tests/layering_selftest.sh).
LAYER_OBJS := build/release/libcore.a build/release/libtui.a build/release/libscreens.a \
	      build/release/libserver.a $(CLI_SRC:%.c=build/release/%.o)
layering: $(LAYER_OBJS)
	@! grep -nE '#include *[<"](n?curses|ncursesw/|tui/|screens/|cli/)' core/*.c core/*.h \
	  || { echo "layering: core/ must not include curses, tui/, screens/ or cli/"; exit 1; }
	@! grep -nE '#include *[<"]([a-z_]+\.h)"?' tui/*.c tui/*.h 2>/dev/null \
	  | grep -E '"(db|ctx|integration|stack|space|account|audit|bitbucket|validate|secret|util|error)\.h"' \
	  || { echo "layering: tui/ must not include core/ headers"; exit 1; }
	@sh tests/layering.sh build/release
	@sh tests/layering_selftest.sh

# Screen tests check through deadlines, never a single read (tests/lib/vt_assert.h).
screen-lint:
	@sh tests/screen/lint.sh

SOAK_N ?= 20
soak: build-asan
	@sh tests/soak.sh $(SOAK_N) build/asan $(SCREEN_SRC:%.c=build/asan/%)

# the practical floor the console is measured beside: ncursesw and nothing else
build/release/tests/bench/floor_list: tests/bench/floor_list.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(RELEASE_FLAGS) $(shell pkg-config --cflags ncursesw) $< -o $@ \
		$(shell pkg-config --libs ncursesw)

# wrk and nginx: only the receiver's benchmark needs them, never make check
BENCH_DEPS_STAMP := build/.bench-deps-ok
$(BENCH_DEPS_STAMP): $(DEPS_STAMP)
	@sh tests/deps.sh program=wrk:wrk program=nginx:nginx-light
	@touch $@
build/release/tests/bench/floor_sqlite: tests/bench/floor_list.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(RELEASE_FLAGS) -DFLOOR_SQLITE \
		$(shell pkg-config --cflags ncursesw sqlite3) $< -o $@ \
		$(shell pkg-config --libs ncursesw sqlite3)

bench: $(TEST_DEPS_STAMP) $(BENCH_DEPS_STAMP) build-release $(BENCH_SRC:%.c=build/release/%) \
		$(call FAKE_BIN,release) build/release/tests/bench/floor_list \
		build/release/tests/bench/floor_sqlite
	@sh tests/bench/run.sh build/release

fuzz: $(TEST_DEPS_STAMP)
	@sh tests/fuzz/build.sh

install: build-release install-completion
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 build/release/bbconsole $(DESTDIR)$(BINDIR)/bbconsole
	install -m 0644 man/bbconsole.1 $(DESTDIR)$(MANDIR)/man1/bbconsole.1
	install -m 0644 man/bbconsole.5 $(DESTDIR)$(MANDIR)/man5/bbconsole.5

install-completion:
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0644 contrib/completion/bbconsole.bash $(DESTDIR)$(BASHCOMPDIR)/bbconsole
	install -m 0644 contrib/completion/_bbconsole $(DESTDIR)$(ZSHCOMPDIR)/_bbconsole

clean:
	rm -rf build bbconsole

-include $(shell find build -name '*.d' 2>/dev/null)
