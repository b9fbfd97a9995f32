/* Unit tests for core/delivery and core/run: the signature on the recorded
 * test vector, the event -> trigger mapping on every recorded body, and
 * recording (duplicates, runs, grace period, retention, permissions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delivery.h"
#include "integration.h"
#include "run.h"
#include "space.h"
#include "stack.h"
#include "testdb.h"

#define ADMIN "alice"
/* the key and digest of the recorded signed repo:push body */
#define VECTOR_KEY "Gkvl$k$wyNpQAF42"
#define VECTOR_SIG "sha256=f205c729821c6954aff2afe72b965c34015b4baf96ea8ddc2cc44999c014a035"

static void ok(bb_code rc, const bb_err *err)
{
	if (rc != BB_OK)
		fail_msg("expected ok, got %s: %s", testdb_code_name(rc), err->msg);
}

/* A recorded body from tests/data/webhooks. */
static char *body(const char *name, size_t *len)
{
	const char *src = getenv("BBCONSOLE_SRC");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/tests/data/webhooks/%s", src ? src : ".", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* ---- signature ------------------------------------------------------------------ */

static void test_hmac_vector(void **state)
{
	size_t len;
	char *b = body("push_signed.json", &len);
	char hex[65], upper[80];

	(void)state;
	assert_int_equal(len, 14515);
	assert_int_equal(delivery_hmac_hex(VECTOR_KEY, strlen(VECTOR_KEY), b, len, hex), 0);
	assert_string_equal(hex, VECTOR_SIG + 7);
	assert_true(delivery_signature_ok(VECTOR_KEY, b, len, VECTOR_SIG));
	snprintf(upper, sizeof upper, "sha256=%s", "F205C729821C6954AFF2AFE72B965C34015B4BAF96EA8DD"
		 "C2CC44999C014A035");
	assert_true(delivery_signature_ok(VECTOR_KEY, b, len, upper));
	assert_false(delivery_signature_ok("another secret", b, len, VECTOR_SIG));
	assert_false(delivery_signature_ok(VECTOR_KEY, b, len, NULL));
	assert_false(delivery_signature_ok(VECTOR_KEY, b, len, VECTOR_SIG + 7));
	assert_false(delivery_signature_ok(VECTOR_KEY, b, len - 1, VECTOR_SIG));
	b[100] ^= 1;
	assert_false(delivery_signature_ok(VECTOR_KEY, b, len, VECTOR_SIG));
	free(b);
}

/* ---- triggers -------------------------------------------------------------------- */

typedef struct seen {
	int n;
	char text[8][160];
} seen;

static void note(const bb_trigger *t, void *arg)
{
	seen *s = arg;

	if (s->n < 8)
		snprintf(s->text[s->n], sizeof s->text[0], "%s %s %s %ld", t->type, t->branch,
			 t->commit, t->pull_request);
	s->n++;
}

/* Parses a recorded body and collects the triggers for a stack on `tracked`. */
static seen triggers_of(const char *file, const char *event, const char *tracked,
			bb_payload *p)
{
	size_t len;
	char *b = body(file, &len);
	seen s = {0};
	bb_err err;

	ok(delivery_parse(event, b, len, p, &err), &err);
	delivery_triggers(event, p, tracked, note, &s);
	free(b);
	return s;
}

static void expect_none(const char *file, const char *event, const char *tracked)
{
	bb_payload p;
	seen s = triggers_of(file, event, tracked, &p);

	if (s.n != 0)
		fail_msg("%s (%s) triggered %d runs, first: %s", file, event, s.n, s.text[0]);
	delivery_payload_free(&p);
}

static void test_push_several_changes(void **state)
{
	bb_payload p;
	seen s = triggers_of("push_multiple.json", "repo:push", "main", &p);

	(void)state;
	assert_string_equal(p.repository, "cloudbeers/temp");
	assert_int_equal(p.nchanges, 3);
	assert_int_equal(s.n, 2); /* the tag v0.1 triggers nothing */
	assert_string_equal(s.text[0], "tracked main 325d37697849f4b1fe42cb19c20134af08e03a82 0");
	assert_string_equal(s.text[1], "proposed manchu e22fcb49645b4586a845938afac5eb3ac1950586 0");
	delivery_payload_free(&p);
}

static void test_push_other_branch_is_proposed(void **state)
{
	bb_payload p;
	seen s = triggers_of("push_signed.json", "repo:push", "main", &p);

	(void)state;
	assert_int_equal(s.n, 1);
	assert_string_equal(s.text[0],
			    "proposed feature/webhook d7f300a32270053bdfd97a6d64113f58202c33e7 0");
	delivery_payload_free(&p);
	s = triggers_of("push_signed.json", "repo:push", "feature/webhook", &p);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.text[0],
			    "tracked feature/webhook d7f300a32270053bdfd97a6d64113f58202c33e7 0");
	delivery_payload_free(&p);
}

static void test_tags_and_deleted_branches_trigger_nothing(void **state)
{
	(void)state;
	expect_none("push_new_tag.json", "repo:push", "main");
	expect_none("push_new_tag.json", "repo:push", "test");
	expect_none("push_branch_deleted.json", "repo:push", "feature/test");
	expect_none("push_branch_deleted.json", "repo:push", "main");
}

static void test_pr_created_and_updated(void **state)
{
	bb_payload p;
	seen s = triggers_of("pr_created.json", "pullrequest:created", "develop", &p);

	(void)state;
	assert_int_equal(s.n, 1);
	assert_string_equal(s.text[0], "proposed feature/do-not-merge 01a3337e3abc 198");
	assert_false(p.fork);
	delivery_payload_free(&p);
	s = triggers_of("pr_updated.json", "pullrequest:updated", "develop", &p);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.text[0], "proposed feature/do-not-merge 123db174babc 198");
	delivery_payload_free(&p);
	/* another destination branch than the tracked one: nothing */
	expect_none("pr_created.json", "pullrequest:created", "main");
}

static void test_other_pr_events_trigger_nothing(void **state)
{
	(void)state;
	expect_none("pr_fulfilled.json", "pullrequest:fulfilled", "develop");
	expect_none("pr_rejected.json", "pullrequest:rejected", "develop");
	expect_none("pr_approved.json", "pullrequest:approved", "develop");
	expect_none("pr_approved.json", "pullrequest:unapproved", "develop");
	expect_none("pr_comment_created.json", "pullrequest:comment_created", "destination-branch");
}

static void test_fork_pr(void **state)
{
	bb_payload p;
	seen s = triggers_of("pr_created_fork.json", "pullrequest:created", "main", &p);

	(void)state;
	assert_true(p.fork);
	assert_string_equal(p.repository, "cloudbeers/temp");
	assert_string_equal(p.source_repository, "stephenc/temp-fork");
	assert_int_equal(s.n, 1);
	assert_string_equal(s.text[0], "proposed main 1c48041a96db 3");
	delivery_payload_free(&p);
}

static void test_parse_refuses_bad_bodies(void **state)
{
	bb_payload p;
	bb_err err;

	(void)state;
	assert_int_equal(delivery_parse("repo:push", "{", 1, &p, &err), BB_INVALID);
	assert_int_equal(delivery_parse("repo:push", "[]", 2, &p, &err), BB_INVALID);
	assert_int_equal(delivery_parse("repo:push", "{\"push\":{}}", 11, &p, &err), BB_INVALID);
	assert_int_equal(delivery_parse("pullrequest:created", "{\"pullrequest\":{\"id\":\"x\"}}",
					26, &p, &err), BB_INVALID);
	/* found by the fuzz smoke: a pull request without a source branch */
	ok(delivery_parse("pullrequest:created", "{\"pullrequest\":{\"id\":1,\"source\":{\"commit\":"
			  "{\"hash\":\"abc\"}},\"destination\":{\"branch\":{\"name\":\"main\"}}}}",
			  100, &p, &err), &err);
	{
		seen s = {0};

		delivery_triggers("pullrequest:created", &p, "main", note, &s);
		assert_int_equal(s.n, 0);
	}
	delivery_payload_free(&p);
	ok(delivery_parse("repo:fork", "{}", 2, &p, &err), &err);
	assert_null(p.repository);
	delivery_payload_free(&p);
}

/* ---- recording ------------------------------------------------------------------- */

typedef struct world {
	bb_ctx *ctx;
	bb_receiver r;
	char path[256];
	char secret[65];
} world;

static int setup(void **state)
{
	world *w = calloc(1, sizeof *w);
	bb_integration_input in = {.name = "Prod BB", .is_default = 1,
				   .email = "ops@acme.example", .token = "ATATT3-token-1"};
	bb_integration_input old = {.name = "Old BB", .is_default = 0, .space = "root",
				    .email = "ops@acme.example", .token = "ATATT3-token-1"};
	bb_stack web = {.name = "web", .space = "root", .integration = "prod-bb",
			.repository = "nfalco79/test-repos", .branch = "main"};
	bb_stack gone = {.name = "gone", .space = "root", .integration = "old-bb",
			 .repository = "nfalco79/test-repos", .branch = "main"};
	bb_integration it;
	bb_err err;

	w->ctx = testdb_open(ADMIN);
	testdb_init_account(w->ctx, NULL);
	ok(integration_create(w->ctx, &in, NULL, &err), &err);
	ok(integration_create(w->ctx, &old, NULL, &err), &err);
	ok(stack_create(w->ctx, &web, &err), &err);
	ok(stack_create(w->ctx, &gone, &err), &err);
	ok(integration_delete(w->ctx, "old-bb", NULL, &err), &err); /* gone is detached */
	ok(integration_get(w->ctx, "prod-bb", 1, &it, &err), &err);
	snprintf(w->secret, sizeof w->secret, "%s", it.webhook_secret);
	integration_free(&it);
	ok(delivery_receiver_init(w->ctx->db, &w->r, &err), &err);
	snprintf(w->path, sizeof w->path, "/bitbucket-cloud/%s/integration/prod-bb",
		 w->r.account_id);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	world *w = *state;

	testdb_close(w->ctx);
	free(w);
	unsetenv("BBCONSOLE_NOW");
	return 0;
}

/* Checks and records one delivery of a recorded body signed with secret;
 * returns the status answered. */
static int deliver(world *w, const char *file, const char *event, const char *uuid,
		   const char *secret)
{
	size_t len;
	char *b = body(file, &len);
	char sig[80] = "sha256=";
	bb_delivery_req req = {w->path, event, "{hook}", uuid, "1", sig, "application/json",
			       "Bitbucket-Webhooks/2.0", b, len, 0, util_mono_ms()};
	bb_delivery_job job, *jobs[] = {&job};
	bb_err err;
	int status;

	assert_int_equal(delivery_hmac_hex(secret, strlen(secret), b, len, sig + 7), 0);
	delivery_check(w->ctx->db, &w->r, &req, &job);
	ok(db_begin(w->ctx->db, &err), &err);
	ok(delivery_record(w->ctx->db, jobs, 1, &err), &err);
	ok(db_commit(w->ctx->db, &err), &err);
	status = job.status;
	delivery_job_free(&job);
	free(b);
	return status;
}

static void test_record_and_list(void **state)
{
	world *w = *state;
	bb_delivery *v;
	bb_run *runs;
	size_t n, nr;
	bb_err err;

	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{u-1}", w->secret), 202);
	ok(delivery_list(w->ctx, "Prod BB", 0, &v, &n, &err), &err);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].outcome, "accepted");
	assert_string_equal(v[0].signature, "current");
	assert_string_equal(v[0].event, "repo:push");
	assert_string_equal(v[0].repository, "nfalco79/test-repos");
	assert_string_equal(v[0].branch, "feature/webhook");
	assert_string_equal(v[0].request_uuid, "{u-1}");
	assert_int_equal(v[0].attempt, 1);
	assert_int_equal(v[0].runs.n, 1); /* web only: gone is detached */
	assert_null(strstr(v[0].headers, "sha256"));
	ok(run_list(w->ctx, NULL, 0, &runs, &nr, &err), &err);
	assert_int_equal(nr, 1);
	assert_string_equal(runs[0].stack, "web");
	assert_string_equal(runs[0].type, "proposed");
	assert_string_equal(runs[0].state, "queued");
	assert_string_equal(runs[0].id, v[0].runs.v[0]);
	assert_int_equal(runs[0].delivery, v[0].id);
	assert_int_equal(strlen(runs[0].id), BB_ULID_LEN);
	run_list_free(runs, nr);
	{
		bb_delivery one;
		char *raw;
		size_t len;

		ok(delivery_get(w->ctx, v[0].id, &one, &raw, &len, &err), &err);
		assert_int_equal(len, 14515); /* the raw body, kept */
		assert_string_equal(one.outcome, "accepted");
		free(raw);
		delivery_free(&one);
	}
	delivery_list_free(v, n);
}

static void test_duplicate_uuid_triggers_nothing(void **state)
{
	world *w = *state;
	bb_delivery *v;
	bb_run *runs;
	size_t n, nr;
	bb_err err;

	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{u-1}", w->secret), 202);
	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{u-1}", w->secret), 202);
	ok(delivery_list(w->ctx, "prod-bb", 0, &v, &n, &err), &err);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].outcome, "duplicate");
	assert_int_equal(v[0].runs.n, 0);
	ok(run_list(w->ctx, "web", 0, &runs, &nr, &err), &err);
	assert_int_equal(nr, 1);
	run_list_free(runs, nr);
	delivery_list_free(v, n);
}

static void test_refusals(void **state)
{
	world *w = *state;
	bb_delivery *v;
	size_t n;
	bb_err err;

	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{u-2}", "wrong"), 401);
	assert_int_equal(deliver(w, "push_signed.json", NULL, "{u-3}", w->secret), 400);
	snprintf(w->path, sizeof w->path, "/bitbucket-cloud/%s/integration/nope", w->r.account_id);
	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{u-4}", w->secret), 404);
	ok(delivery_list(w->ctx, "prod-bb", 0, &v, &n, &err), &err);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].outcome, "rejected: no X-Event-Key");
	assert_string_equal(v[1].outcome, "rejected: bad signature");
	assert_string_equal(v[1].signature, "bad");
	delivery_list_free(v, n);
}

static void test_previous_secret_in_grace_and_after(void **state)
{
	world *w = *state;
	char fresh[65];
	bb_delivery *v;
	bb_integration it;
	size_t n;
	bb_err err;

	ok(integration_rotate_secret(w->ctx, "prod-bb", fresh, &err), &err);
	ok(integration_get(w->ctx, "prod-bb", 0, &it, &err), &err);
	assert_non_null(it.secret_grace_until);
	integration_free(&it);
	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{g-1}", w->secret), 202);
	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{g-2}", fresh), 202);
	ok(delivery_list(w->ctx, "prod-bb", 0, &v, &n, &err), &err);
	assert_string_equal(v[0].signature, "current");
	assert_string_equal(v[1].signature, "previous");
	delivery_list_free(v, n);
	setenv("BBCONSOLE_NOW", "2099-01-01T00:00:00.000Z", 1);
	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{g-3}", w->secret), 401);
	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{g-4}", fresh), 202);
	ok(integration_get(w->ctx, "prod-bb", 0, &it, &err), &err);
	assert_null(it.secret_grace_until);
	integration_free(&it);
}

static void test_retention(void **state)
{
	world *w = *state;
	char uuid[16];
	bb_delivery *v;
	size_t n;
	bb_err err;

	ok(integration_set_retention(w->ctx, "prod-bb", 2, 0, &err), &err);
	{
		long audited = 0;

		ok(db_query_int(w->ctx->db, "SELECT COUNT(*) FROM audit WHERE action = "
				"'integration.retention' AND details LIKE '%keep_deliveries%'", NULL, 0,
				&audited, "counting", &err), &err);
		assert_int_equal(audited, 1); /* the setting is audited; deliveries are not */
	}
	for (int i = 0; i < 4; i++) {
		snprintf(uuid, sizeof uuid, "{r-%d}", i);
		assert_int_equal(deliver(w, "push_signed.json", "repo:push", uuid, w->secret), 202);
	}
	ok(delivery_retain(w->ctx->db, NULL, &err), &err);
	ok(delivery_list(w->ctx, "prod-bb", 0, &v, &n, &err), &err);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].request_uuid, "{r-3}");
	delivery_list_free(v, n);
	{
		long bodies = 0;

		ok(db_query_int(w->ctx->db, "SELECT COUNT(*) FROM delivery_body", NULL, 0, &bodies,
				"counting", &err), &err);
		assert_int_equal(bodies, 2); /* the bodies went with their deliveries */
	}
	assert_int_equal(integration_set_retention(w->ctx, "prod-bb", -1, 0, &err), BB_INVALID);
	ok(space_grant(w->ctx, "bob", "root", BB_ROLE_READ, &err), &err);
	testdb_as(w->ctx, "bob");
	assert_int_equal(integration_set_retention(w->ctx, "prod-bb", 5, 0, &err), BB_DENIED);
}

static void test_last_hourly_stats(void **state)
{
	world *w = *state;
	long counts[BB_DELIVERY_HOURS];
	bb_delivery_stats st;
	bb_delivery d;
	int found;
	bb_err err;

	ok(delivery_last(w->ctx, "prod-bb", &d, &found, &err), &err);
	assert_false(found);
	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{h-1}", w->secret), 202);
	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{h-2}", "bad"), 401);
	ok(delivery_last(w->ctx, "prod-bb", &d, &found, &err), &err);
	assert_true(found);
	assert_string_equal(d.outcome, "rejected: bad signature");
	delivery_free(&d);
	ok(delivery_hourly(w->ctx, "prod-bb", counts, &err), &err);
	assert_int_equal(counts[BB_DELIVERY_HOURS - 1], 2);
	assert_int_equal(counts[0], 0);
	ok(delivery_stats(w->ctx, "prod-bb", 7, &st, &err), &err);
	assert_int_equal(st.total, 2);
	assert_int_equal(st.accepted, 1);
	assert_int_equal(st.bad_signature, 1);
}

static void test_permissions(void **state)
{
	world *w = *state;
	bb_delivery *v;
	bb_run *runs;
	size_t n, nr;
	bb_err err;

	assert_int_equal(deliver(w, "push_signed.json", "repo:push", "{p-1}", w->secret), 202);
	ok(space_grant(w->ctx, "bob", "root", BB_ROLE_READ, &err), &err);
	testdb_as(w->ctx, "bob");
	assert_int_equal(delivery_list(w->ctx, "prod-bb", 0, &v, &n, &err), BB_DENIED);
	ok(run_list(w->ctx, "web", 0, &runs, &nr, &err), &err); /* bob may see the stack */
	assert_int_equal(nr, 1);
	run_list_free(runs, nr);
	testdb_as(w->ctx, "carol");
	assert_int_equal(run_list(w->ctx, NULL, 0, &runs, &nr, &err), BB_DENIED);
	testdb_as(w->ctx, ADMIN);
	assert_int_equal(run_list(w->ctx, "nope", 0, &runs, &nr, &err), BB_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_vector),
		cmocka_unit_test(test_push_several_changes),
		cmocka_unit_test(test_push_other_branch_is_proposed),
		cmocka_unit_test(test_tags_and_deleted_branches_trigger_nothing),
		cmocka_unit_test(test_pr_created_and_updated),
		cmocka_unit_test(test_other_pr_events_trigger_nothing),
		cmocka_unit_test(test_fork_pr),
		cmocka_unit_test(test_parse_refuses_bad_bodies),
		cmocka_unit_test_setup_teardown(test_record_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_uuid_triggers_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_previous_secret_in_grace_and_after, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_hourly_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
