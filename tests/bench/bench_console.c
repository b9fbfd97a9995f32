/* bench_console - the console beside the practical floor, in one run: a
 * minimal ncursesw list (tests/bench/floor_list.c), the same list reading
 * its rows from the database with SQLite first (floor_sqlite: the floor of
 * any console that keeps its data in SQLite), and bbconsole on 1,000
 * integrations and 100,000 stacks at 80x24 (xterm-256color), both driven on a
 * pseudo-terminal. For each: bytes written per selection move (20 moves),
 * start to first frame and quit (median of runs), and peak RSS (VmHWM) after
 * the moves. Then bytes per keystroke in a wizard text field (no repaint). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "integration.h"
#include "stack.h"
#include "testdb.h"
#include "vt.h"

#define INTEGRATIONS 1000
#define STACKS 100000
#define MOVES 20
#define KEYS 30
#define STARTS 15
#define WAIT_MS 15000
#define QUIET_MS 40

typedef struct figures {
	double move_bytes, start_ms;
	long hwm_kib;
} figures;

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_console: %s\n", what);
	exit(1);
}

static void seed(bb_ctx *ctx)
{
	size_t cap = (size_t)STACKS * 160, len = 0;
	char name[32], *text = malloc(cap);
	bb_err err = {0};
	long n = 0;

	for (int i = 0; i < INTEGRATIONS; i++) {
		bb_integration_input in = {.name = name, .is_default = i == 0, .space = "root",
					   .email = "ops@acme.example", .token = "bench-token"};

		snprintf(name, sizeof name, "bench-%04d", i);
		if (integration_create(ctx, &in, NULL, &err) != BB_OK)
			die(err.msg);
	}
	for (long i = 0; text && i < STACKS; i++)
		len += (size_t)snprintf(text + len, cap - len, "{\"name\": \"svc-%06ld\", \"space\": "
					"\"root\", \"integration\": \"bench-%04ld\", \"repository\": "
					"\"acme/repo-%06ld\"}\n", i, i % INTEGRATIONS, i);
	if (!text || stack_import(ctx, text, len, &n, &err) != BB_OK || n != STACKS)
		die(err.msg[0] ? err.msg : "out of memory");
	free(text);
}

/* Average bytes the program writes for one key, over n keys. */
static double bytes_per_key(vt *v, const char *key, int n)
{
	uint64_t before;

	if (!vt_wait_quiet(v, QUIET_MS, WAIT_MS))
		die("the program never went quiet");
	before = vt_bytes_received(v);
	for (int i = 0; i < n; i++) {
		uint64_t b = vt_bytes_received(v);

		vt_key(v, key);
		/* wait for the answer to this key, then for the end of it */
		while (vt_bytes_received(v) == b)
			if (!vt_pump(v, WAIT_MS))
				die("no output after a key");
		vt_wait_quiet(v, QUIET_MS, WAIT_MS);
	}
	return (double)(vt_bytes_received(v) - before) / n;
}

/* VmHWM of pid, in KiB (-1 when unreadable). */
static long peak_rss_kib(int pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static vt *start(const char *const *argv, const char *const *env, const char *first)
{
	vt *v = vt_spawn(argv, env, NULL, 80, 24);

	if (!v)
		die("cannot start");
	if (!vt_wait_text(v, first, WAIT_MS) || !vt_wait_text(v, "q quit", WAIT_MS))
		die("no first frame");
	return v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Start to first frame, then q and exit: the median of STARTS runs. */
static double start_quit_ms(const char *const *argv, const char *const *env, const char *first)
{
	double t[STARTS];

	for (int i = 0; i < STARTS; i++) {
		double t0 = now_ms();
		vt *v = start(argv, env, first);

		vt_key(v, "q");
		if (!vt_wait_exit(v, NULL, WAIT_MS))
			die("no exit after q");
		t[i] = now_ms() - t0;
		vt_free(v);
	}
	qsort(t, STARTS, sizeof t[0], cmp_double);
	return t[STARTS / 2];
}

static figures measure(const char *const *argv, const char *const *env, const char *first)
{
	figures f;
	vt *v;

	f.start_ms = start_quit_ms(argv, env, first);
	v = start(argv, env, first);
	f.move_bytes = bytes_per_key(v, "j", MOVES);
	f.hwm_kib = peak_rss_kib(vt_pid(v));
	vt_free(v);
	return f;
}

static void row(const char *what, double floor, double sq, double ours, const char *unit,
		double target)
{
	printf("%-32s %9.1f %9.1f %9.1f %6.2fx %-5s (target <= %.0f) %s\n", what, floor, sq, ours,
	       floor > 0 ? ours / floor : 0, unit, target, ours <= target ? "ok" : "OVER");
}

static double wizard_bytes(const char *const *argv, const char *const *env)
{
	vt *v = start(argv, env, "bench-0018");
	double key;

	vt_key(v, "n");
	if (!vt_wait_text(v, "Step 1 of 7", WAIT_MS))
		die("the wizard did not open");
	key = bytes_per_key(v, "x", KEYS);
	vt_free(v);
	return key;
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build/release";
	char bin[4096], floor_bin[4096], sq_bin[4096], dbenv[4200], dbpath[4200];
	const char *args[] = {bin, NULL}, *floor_args[] = {floor_bin, NULL};
	const char *sq_args[] = {sq_bin, dbpath, NULL};
	const char *env[] = {dbenv, "BBCONSOLE_USER=alice", NULL};
	bb_ctx *ctx = testdb_open("alice");
	figures fl, sq, bb;
	double key;

	testdb_init_account(ctx, NULL);
	seed(ctx);
	snprintf(bin, sizeof bin, "%s/bbconsole", build);
	snprintf(floor_bin, sizeof floor_bin, "%s/tests/bench/floor_list", build);
	snprintf(sq_bin, sizeof sq_bin, "%s/tests/bench/floor_sqlite", build);
	snprintf(dbenv, sizeof dbenv, "BBCONSOLE_DB=%s/console.db", testdb_dir(ctx));
	snprintf(dbpath, sizeof dbpath, "%s/console.db", testdb_dir(ctx));
	fl = measure(floor_args, NULL, "bench-0018");
	sq = measure(sq_args, NULL, "bench-0018");
	bb = measure(args, env, "bench-0018");
	key = wizard_bytes(args, env);
	printf("console at 80x24, %d integrations, %d stacks; floor = a minimal ncursesw list\n",
	       INTEGRATIONS, STACKS);
	printf("%-32s %9s %9s %9s %7s\n", "", "floor", "+sqlite", "bbconsole", "ratio");
	row("bytes per selection move", fl.move_bytes, sq.move_bytes, bb.move_bytes, "bytes", 175);
	row("start to first frame and quit", fl.start_ms, sq.start_ms, bb.start_ms, "ms", 10);
	row("peak RSS after 20 moves", (double)fl.hwm_kib, (double)sq.hwm_kib, (double)bb.hwm_kib,
	    "KiB", 4000);
	/* a full repaint of 80x24 is well over 1,000 bytes */
	printf("%-32s %29.1f %-5s (target <= 400) %s\n", "bytes per keystroke in a wizard field",
	       key, "bytes", key <= 400 ? "ok" : "OVER");
	testdb_close(ctx);
	return 0;
}
