/* draft.h - a wizard's unfinished input, kept per user when the session drops.
 *
 * The console saves the wizard's fields (never the token) when SSH hangs up,
 * and offers to resume them at the next start. One draft per login; the data
 * is an opaque JSON text owned by the console. */
#ifndef BB_DRAFT_H
#define BB_DRAFT_H

#include "ctx.h"

/* Stores json as ctx->user's draft, replacing any earlier one. */
bb_code draft_save(bb_ctx *ctx, const char *json, bb_err *err);

/* *json receives ctx->user's draft (malloc'd), or NULL when there is none. */
bb_code draft_load(bb_ctx *ctx, char **json, bb_err *err);

/* Forgets ctx->user's draft (no error when there is none). */
bb_code draft_delete(bb_ctx *ctx, bb_err *err);

#endif
