#include "account.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "account_store.h"
#include "audit.h"
#include "space.h"
#include "validate.h"

#define ACCOUNT_NAME_MAX 64

static const char *const plans[] = {"free", "cloud", "business", "enterprise"};

int account_plan_valid(const char *plan)
{
	for (size_t i = 0; plan && i < sizeof plans / sizeof plans[0]; i++)
		if (strcmp(plan, plans[i]) == 0)
			return 1;
	return 0;
}

int account_plan_allows_aggregated(const char *plan)
{
	return plan && (strcmp(plan, "business") == 0 || strcmp(plan, "enterprise") == 0);
}

/* 48 bits of milliseconds since 1970, then 80 random bits; 128 bits written
 * as 26 Crockford base32 digits, most significant first (2 leading zero bits). */
bb_code account_new_ulid(char out[BB_ULID_LEN + 1], bb_err *err)
{
	static const char digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char b[16];
	struct timespec ts;
	uint64_t ms;
	bb_code rc;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (8 * (5 - i)));
	if ((rc = secret_random(b + 6, 10, err)) != BB_OK)
		return rc;
	for (int i = 0; i < BB_ULID_LEN; i++) {
		int bit = 130 - 5 * (i + 1); /* lowest bit of digit i, counting from 0 */
		unsigned v = 0;

		for (int k = 4; k >= 0; k--) {
			int pos = bit + k; /* bits 128 and 129 are the leading zeros */
			int set = pos < 128 && (b[15 - pos / 8] >> (pos % 8)) & 1;
			v = (v << 1) | (unsigned)set;
		}
		out[i] = digits[v];
	}
	out[BB_ULID_LEN] = '\0';
	return BB_OK;
}

static bb_code check_account_name(const char *name, bb_err *err)
{
	long n = validate_utf8_length(name);

	if (n <= 0 || n > ACCOUNT_NAME_MAX || validate_has_control(name))
		return bb_fail(err, BB_INVALID, "The account name must be 1 to %d characters of "
			       "text without control characters; type a name like \"Acme\".",
			       ACCOUNT_NAME_MAX);
	return BB_OK;
}

static char *init_details(const char *name, const char *plan, const char *base)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "plan", plan);
	cJSON_AddStringToObject(o, "webhook_base", base);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* The rows of a first-time setup; the caller holds the transaction. */
static bb_code insert_account(bb_ctx *ctx, const char *name, const char *plan,
			      const char *base, bb_err *err)
{
	char ulid[BB_ULID_LEN + 1], now[BB_TIME_LEN], target[BB_ULID_LEN + 16];
	char *details;
	bb_code rc;

	util_now(now);
	if ((rc = account_new_ulid(ulid, err)) != BB_OK ||
	    (rc = account_store_init(ctx->db, ulid, name, plan, base, now, ctx->user, err)) !=
		    BB_OK)
		return rc;
	snprintf(target, sizeof target, "account:%s", ulid);
	if (!(details = init_details(name, plan, base)))
		return bb_oom(err);
	rc = audit_record(ctx, "account.init", target, details, err);
	free(details);
	return rc;
}

bb_code account_init(bb_ctx *ctx, const char *name, const char *plan, const char *webhook_base,
		     bb_err *err)
{
	char *n = validate_trim(name), *base = validate_trim(webhook_base);
	bb_code rc = BB_OK;

	if (!n || !base) {
		rc = bb_oom(err);
		goto out;
	}
	for (size_t len = strlen(base); len > 0 && base[len - 1] == '/'; len--)
		base[len - 1] = '\0';
	if (!plan)
		plan = "free";
	if ((rc = check_account_name(n, err)) != BB_OK ||
	    (rc = validate_webhook_base(base, err)) != BB_OK ||
	    (rc = validate_login(ctx->user, err)) != BB_OK)
		goto out;
	if (!account_plan_valid(plan)) {
		rc = bb_fail(err, BB_INVALID, "The plan must be free, cloud, business or enterprise.");
		goto out;
	}
	if ((rc = db_begin(ctx->db, err)) != BB_OK)
		goto out;
	if (account_store_exists(ctx->db))
		rc = bb_fail(err, BB_INVALID, "This database is already set up with an account; "
			     "use it as it is, or pass another --db PATH for a new one.");
	else
		rc = insert_account(ctx, n, plan, base, err);
	if (rc == BB_OK)
		rc = db_commit(ctx->db, err);
	else
		db_rollback(ctx->db);
out:
	free(n);
	free(base);
	return rc;
}

bb_code account_get(bb_ctx *ctx, bb_account *out, bb_err *err)
{
	int found;
	bb_code rc = account_store_get(ctx->db, out, &found, err);

	if (rc == BB_OK && !found)
		rc = bb_fail(err, BB_NOTFOUND, "No account yet; run `bbconsole init --account NAME "
			     "--webhook-base URL` or open the console to set one up.");
	return rc;
}

void account_free(bb_account *a)
{
	if (!a)
		return;
	free(a->name);
	free(a->plan);
	free(a->webhook_base);
	free(a->created_by);
	memset(a, 0, sizeof *a);
}
