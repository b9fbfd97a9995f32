/* bench_console - the console on 1,000 integrations at 80x24, driven on a
 * pseudo-terminal: time to the first frame of the home screen, bytes written
 * per selection move in the list, and bytes per keystroke in a wizard text
 * field (no full-screen repaint). Figures are printed against targets. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "integration.h"
#include "testdb.h"
#include "vt.h"

#define INTEGRATIONS 1000
#define MOVES 40
#define KEYS 30
#define WAIT_MS 15000
#define QUIET_MS 40

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
	bb_err err = {0};
	char name[32];

	for (int i = 0; i < INTEGRATIONS; i++) {
		bb_integration_input in = {.name = name, .is_default = i == 0, .space = "root",
					   .email = "ops@acme.example", .token = "bench-token"};

		snprintf(name, sizeof name, "bench-%04d", i);
		if (integration_create(ctx, &in, NULL, &err) != BB_OK)
			die(err.msg);
	}
}

/* Average bytes the console writes for one key, over n keys. */
static double bytes_per_key(vt *v, const char *key, int n)
{
	uint64_t before;

	if (!vt_wait_quiet(v, QUIET_MS, WAIT_MS))
		die("the console never went quiet");
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

static void report(const char *what, double value, const char *unit, double target)
{
	printf("%-44s %10.1f %-6s (target < %.0f) %s\n", what, value, unit, target,
	       value < target ? "ok" : "OVER");
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build/release";
	char bin[4096], dbenv[4200];
	const char *args[] = {bin, NULL};
	const char *env[] = {dbenv, "BBCONSOLE_USER=alice", NULL};
	bb_ctx *ctx = testdb_open("alice");
	double t0, first, move, key;
	vt *v;

	testdb_init_account(ctx, NULL);
	seed(ctx);
	snprintf(bin, sizeof bin, "%s/bbconsole", build);
	snprintf(dbenv, sizeof dbenv, "BBCONSOLE_DB=%s/console.db", testdb_dir(ctx));
	t0 = now_ms();
	if (!(v = vt_spawn(args, env, NULL, 80, 24)))
		die("cannot start the console");
	if (!vt_wait_text(v, "bench-0019", WAIT_MS) || !vt_wait_text(v, "q quit", WAIT_MS))
		die("no first frame");
	first = now_ms() - t0;
	move = bytes_per_key(v, "j", MOVES);
	vt_key(v, "n");
	if (!vt_wait_text(v, "Step 1 of 7", WAIT_MS))
		die("the wizard did not open");
	key = bytes_per_key(v, "x", KEYS);
	printf("console, %d integrations, 80x24\n", INTEGRATIONS);
	report("time to first frame of the home screen", first, "ms", 1000);
	report("bytes per selection move in the list", move, "bytes", 200);
	/* a full repaint of 80x24 is well over 1,000 bytes */
	report("bytes per keystroke in a wizard text field", key, "bytes", 400);
	vt_free(v);
	testdb_close(ctx);
	return 0;
}
