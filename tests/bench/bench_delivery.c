/* bench_delivery - where a delivery's time goes, without HTTP: checking it
 * (finding the integration, HMAC, parsing), the HMAC and the parse alone,
 * and recording batches of 64 in one transaction with synchronous=FULL (the
 * receiver's writer), on the recorded signed 14.5 KB repo:push body.
 * Usage: bench_delivery BUILD_DIR (unused; the body is found from the
 * source tree, the current directory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delivery.h"
#include "integration.h"
#include "stack.h"
#include "testdb.h"

#define ROUNDS 2000
#define BATCH 64

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if (!(b = malloc((size_t)n + 1)) || fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void setup_db(bb_ctx *ctx, char secret[65])
{
	bb_integration_input in = {.name = "Bench BB", .is_default = 1,
				   .email = "ops@bench.example", .token = "ATATT3-bench"};
	bb_stack web = {.name = "web", .space = "root", .integration = "bench-bb",
			.repository = "nfalco79/test-repos"};
	bb_integration it;
	bb_err err;

	testdb_init_account(ctx, NULL);
	if (integration_create(ctx, &in, NULL, &err) != BB_OK || stack_create(ctx, &web, &err) ||
	    integration_get(ctx, "bench-bb", 1, &it, &err) != BB_OK) {
		fprintf(stderr, "bench_delivery: %s\n", err.msg);
		exit(1);
	}
	snprintf(secret, 65, "%s", it.webhook_secret);
	integration_free(&it);
}

static void time_pure(const char *body, size_t len)
{
	char hex[65];
	bb_payload p;
	bb_err err;
	double t0 = util_mono_ms();

	for (int i = 0; i < ROUNDS; i++)
		delivery_hmac_hex("a secret of 64 characters, like the generated ones, more or less",
				  64, body, len, hex);
	printf("HMAC-SHA256 of the body:       %7.1f us\n", (util_mono_ms() - t0) * 1000 / ROUNDS);
	t0 = util_mono_ms();
	for (int i = 0; i < ROUNDS; i++) {
		delivery_parse("repo:push", body, len, &p, &err);
		delivery_payload_free(&p);
	}
	printf("parse (cJSON + fields):         %7.1f us\n", (util_mono_ms() - t0) * 1000 / ROUNDS);
}

static void time_receiver(bb_ctx *ctx, const char *body, size_t len, const char *secret)
{
	static bb_delivery_job jobs[BATCH];
	bb_delivery_job *ptrs[BATCH];
	char sig[80] = "sha256=", path[160], uuid[40];
	bb_receiver r;
	bb_err err;
	double check = 0, record = 0, commit = 0, t;

	delivery_hmac_hex(secret, strlen(secret), body, len, sig + 7);
	delivery_receiver_init(ctx->db, &r, &err);
	snprintf(path, sizeof path, "/bitbucket-cloud/%s/integration/bench-bb", r.account_id);
	/* as the receiver's writer sets its connection */
	sqlite3_exec(db_handle(ctx->db), "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	sqlite3_exec(db_handle(ctx->db), "PRAGMA cache_size = -4096", NULL, NULL, NULL);
	sqlite3_exec(db_handle(ctx->db), "PRAGMA secure_delete = FAST", NULL, NULL, NULL);
	for (int round = 0; round < ROUNDS / BATCH; round++) {
		t = util_mono_ms();
		for (int i = 0; i < BATCH; i++) {
			bb_delivery_req req = {path, "repo:push", "{hook}", uuid, "1", sig,
					       "application/json", "bench", body, len, 0, t};

			snprintf(uuid, sizeof uuid, "{%d-%d}", round, i);
			delivery_check(ctx->db, &r, &req, &jobs[i]);
			ptrs[i] = &jobs[i];
		}
		check += util_mono_ms() - t;
		t = util_mono_ms();
		db_begin(ctx->db, &err);
		delivery_record(ctx->db, ptrs, BATCH, &err);
		record += util_mono_ms() - t;
		t = util_mono_ms();
		db_commit(ctx->db, &err);
		commit += util_mono_ms() - t;
		for (int i = 0; i < BATCH; i++)
			delivery_job_free(&jobs[i]);
	}
	printf("check (lookup, HMAC, parse):    %7.1f us per delivery\n", check * 1000 / ROUNDS);
	printf("record (insert, run):           %7.1f us per delivery\n", record * 1000 / ROUNDS);
	printf("commit (batches of %d, FULL):   %7.1f us per delivery\n", BATCH,
	       commit * 1000 / ROUNDS);
}

int main(int argc, char **argv)
{
	size_t len = 0;
	char *body = slurp("tests/data/webhooks/push_signed.json", &len);
	char secret[65];
	bb_ctx *ctx;

	(void)argc;
	(void)argv;
	if (!body) {
		fprintf(stderr, "bench_delivery: run it from the source tree (make bench)\n");
		return 1;
	}
	time_pure(body, len);
	ctx = testdb_open("bench");
	setup_db(ctx, secret);
	time_receiver(ctx, body, len, secret);
	testdb_close(ctx);
	free(body);
	return 0;
}
