/* draft.c - per-user wizard drafts (draft.h); the SQL is in draft_store.c. */
#include "draft.h"

#include "draft_store.h"
#include "util.h"

bb_code draft_save(bb_ctx *ctx, const char *json, bb_err *err)
{
	char now[BB_TIME_LEN];

	util_now(now);
	return draft_store_save(ctx->db, ctx->user, json, now, err);
}

bb_code draft_load(bb_ctx *ctx, char **json, bb_err *err)
{
	return draft_store_load(ctx->db, ctx->user, json, err);
}

bb_code draft_delete(bb_ctx *ctx, bb_err *err)
{
	return draft_store_delete(ctx->db, ctx->user, err);
}
