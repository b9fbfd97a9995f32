/* account.h - the one account of a database and first-time setup. */
#ifndef BB_ACCOUNT_H
#define BB_ACCOUNT_H

#include "ctx.h"
#include "util.h"

#define BB_ULID_LEN 26

typedef struct bb_account {
	char id[BB_ULID_LEN + 1]; /* ULID, made once at setup */
	char *name;
	char *plan;         /* free | cloud | business | enterprise */
	char *webhook_base; /* https://..., no trailing '/' */
	char created_at[BB_TIME_LEN];
	char *created_by;
} bb_account;

/* First-time setup: creates the account, the space `root`, and makes
 * ctx->user admin of root. plan NULL means "free". BB_INVALID if an account
 * exists already ("already set up") or a field is invalid. Audited. */
bb_code account_init(bb_ctx *ctx, const char *name, const char *plan, const char *webhook_base,
		     bb_err *err);

/* BB_NOTFOUND ("run bbconsole init ...") when there is no account yet. */
bb_code account_get(bb_ctx *ctx, bb_account *out, bb_err *err);
void account_free(bb_account *a);

/* 1 when plan allows aggregated VCS checks (business, enterprise). */
int account_plan_allows_aggregated(const char *plan);
int account_plan_valid(const char *plan);

/* A new ULID (time + 80 random bits, Crockford base32). */
bb_code account_new_ulid(char out[BB_ULID_LEN + 1], bb_err *err);

#endif
