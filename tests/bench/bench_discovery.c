/* bench_discovery - wall time of repository discovery against the fake
 * Bitbucket server: 5,000 repositories over 3 workspaces, 50 ms added to
 * every answer. Compares the concurrent discovery with a sequential walk of
 * `next` links and with the floor: the rounds of at most BB_MAX_INFLIGHT
 * concurrent requests that the page counts force, times the latency.
 * Target: within 1.5x the floor and at least 6x faster than sequential. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bitbucket.h"
#include "../fake/spawn.h"

#define WORKSPACES 3
#define REPOS 5000
#define LATENCY_MS 50
#define PAGELEN 100
#define RUNS 3

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long ceil_div(long a, long b)
{
	return (a + b - 1) / b;
}

/* Rounds of requests the dependencies force: the workspace list, then the
 * first page of every workspace (it gives `size`), then the other pages. */
static long floor_rounds(void)
{
	long rest = 0;

	for (long w = 0; w < WORKSPACES; w++) {
		long n = REPOS / WORKSPACES + (w < REPOS % WORKSPACES);

		rest += ceil_div(n, PAGELEN) - 1;
	}
	return ceil_div(WORKSPACES, PAGELEN) + ceil_div(WORKSPACES, BB_MAX_INFLIGHT) +
	       ceil_div(rest, BB_MAX_INFLIGHT);
}

typedef struct traffic {
	long requests;
	long long bytes;
} traffic;

static traffic last;

static double discover_with(int sequential, int all_fields, size_t *found)
{
	bb_creds cr = { "bench@example.com", "bench-token", NULL };
	bb_discover_opts o = { .sequential = sequential, .all_fields = all_fields };
	bb_job_result r;
	double t0 = now_s(), t;

	if (bitbucket_discover_sync(&cr, &o, &r) != BB_OK) {
		fprintf(stderr, "bench_discovery: %s\n", r.msg);
		exit(1);
	}
	t = now_s() - t0;
	*found = r.repos.n;
	last.requests = r.requests;
	last.bytes = r.bytes;
	bitbucket_result_free(&r);
	return t;
}

static double discover(int sequential, size_t *found)
{
	return discover_with(sequential, 0, found);
}

/* The same listing without fields= (everything Bitbucket sends) and with it. */
static void fields_figures(void)
{
	size_t found;
	double t;

	t = discover_with(0, 1, &found);
	printf("  without fields=  %7.3f s, %ld requests, %lld bytes (%lld a repository, %lld a page)\n",
	       t, last.requests, last.bytes, last.bytes / (long long)(found ? found : 1),
	       last.bytes / (last.requests ? last.requests : 1));
	t = discover_with(0, 0, &found);
	printf("  with fields=     %7.3f s, %ld requests, %lld bytes (%lld a repository, %lld a page)\n",
	       t, last.requests, last.bytes, last.bytes / (long long)(found ? found : 1),
	       last.bytes / (last.requests ? last.requests : 1));
}

/* The fake server is BUILD_DIR/fake_bitbucket: BUILD_DIR is the argument
 * tests/bench/run.sh passes, or else found from where this program sits
 * (BUILD_DIR/tests/bench/). */
static void default_fake(int argc, char **argv)
{
	char path[4096], *copy;

	if (getenv("BBCONSOLE_FAKE"))
		return;
	if (argc > 1) {
		snprintf(path, sizeof path, "%s/fake_bitbucket", argv[1]);
		setenv("BBCONSOLE_FAKE", path, 1);
		return;
	}
	copy = strdup(argv[0]);
	if (!copy)
		exit(1);
	snprintf(path, sizeof path, "%s/../../fake_bitbucket", dirname(copy));
	setenv("BBCONSOLE_FAKE", path, 1);
	free(copy);
}

int main(int argc, char **argv)
{
	const char *const args[] = { "--email", "bench@example.com", "--token", "bench-token",
				     "--workspaces", "3", "--repos-total", "5000", "--latency", "50",
				     NULL };
	fake_server srv;
	double best = 1e9, seq, floor_s = (double)floor_rounds() * LATENCY_MS / 1000.0;
	size_t found = 0;
	long max_inflight = 0;
	int met;

	default_fake(argc, argv);
	if (fake_start(&srv, args) != 0) {
		fprintf(stderr, "bench_discovery: cannot start %s\n", getenv("BBCONSOLE_FAKE"));
		return 1;
	}
	setenv("BBCONSOLE_BITBUCKET_API", srv.base, 1);
	for (int i = 0; i < RUNS; i++) {
		double t = discover(0, &found);

		best = t < best ? t : best;
	}
	fake_requests(&srv, &max_inflight);
	seq = discover(1, &found);
	fields_figures();
	fake_stop(&srv);
	met = best <= 1.5 * floor_s && seq >= 6.0 * best;
	printf("bench_discovery: %zu repositories, %d workspaces, %d ms latency, at most %d in flight "
	       "(server saw %ld)\n", found, WORKSPACES, LATENCY_MS, BB_MAX_INFLIGHT, max_inflight);
	printf("  concurrent  %7.3f s (best of %d)\n", best, RUNS);
	printf("  sequential  %7.3f s\n", seq);
	printf("  floor       %7.3f s (%ld rounds x %d ms)\n", floor_s, floor_rounds(), LATENCY_MS);
	printf("  concurrent / floor      %5.2fx (target <= 1.5x)\n", best / floor_s);
	printf("  sequential / concurrent %5.2fx (target >= 6x)\n", seq / best);
	printf("  target %s\n", met ? "met" : "MISSED");
	return found == REPOS && met ? 0 : 1;
}
