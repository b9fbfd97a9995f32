/* hooks_int.h - internals shared by hooks.c and hooks_store.c only. */
#ifndef BB_HOOKS_INT_H
#define BB_HOOKS_INT_H

#include "hooks.h"

/* What the table `hook` holds for one subject. */
typedef struct hook_row {
	int workspace;   /* level 'workspace' */
	char *subject;   /* "ws/slug" or "ws" */
	char *uuid;      /* the hook bbconsole last wrote; NULL when none */
	long gen;        /* the secret generation written to it; -1 when none */
	hooks_state state;
	char *events_missing; /* JSON array */
	char *detail;
	char checked_at[BB_TIME_LEN];
} hook_row;

typedef struct hook_rows {
	hook_row *v;
	size_t n;
} hook_rows;

void hooks_rows_free(hook_rows *r);
/* The row of a subject, or NULL. */
const hook_row *hooks_rows_find(const hook_rows *r, int workspace, const char *subject);

/* The current secret (free with secret_free) and its generation. */
bb_code hooks_store_secret(bb_ctx *ctx, const char *slug, char **secret, long *gen, bb_err *err);
/* The distinct repositories of the stacks and modules attached to slug. */
bb_code hooks_store_repositories(bb_ctx *ctx, const char *slug, bb_strlist *out, bb_err *err);
bb_code hooks_store_rows(bb_ctx *ctx, const char *slug, hook_rows *out, bb_err *err);

/* Records one subject's state. written: bbconsole wrote generation gen to
 * hook uuid (uuid NULL with written: the hook is gone). Otherwise the recorded
 * uuid and generation are kept. Call inside a transaction. */
typedef struct hook_put {
	int workspace;
	const char *subject;
	hooks_state state;
	const bb_strlist *events_missing;
	const char *detail;
	const char *checked_at;
	int written;
	const char *uuid;
	long gen;
} hook_put;
bb_code hooks_store_put(bb_ctx *ctx, const char *slug, const hook_put *p, bb_err *err);
bb_code hooks_store_broken(bb_ctx *ctx, bb_strlist *out, bb_err *err);

#endif
