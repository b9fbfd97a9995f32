#include "audit.h"

#include <stdlib.h>

#include <cJSON.h>

#include "audit_store.h"
#include "space.h"
#include "util.h"

bb_code audit_record(bb_ctx *ctx, const char *action, const char *target,
		     const char *details_json, bb_err *err)
{
	char now[BB_TIME_LEN];

	util_now(now);
	return audit_store_insert(ctx->db, now, ctx->user, action, target,
				  details_json ? details_json : "{}", err);
}

bb_code audit_record_json(bb_ctx *ctx, const char *action, const char *target,
			  struct cJSON *details, bb_err *err)
{
	char *json = details ? cJSON_PrintUnformatted(details) : NULL;
	bb_code rc;

	cJSON_Delete(details);
	if (!json)
		return bb_oom(err);
	rc = audit_record(ctx, action, target, json, err);
	free(json);
	return rc;
}

/* The audit log tells who did what everywhere: admins of root only. */
static bb_code may_read(bb_ctx *ctx, bb_err *err)
{
	return space_need(ctx, BB_ROOT_SPACE, BB_ROLE_ADMIN, "Reading the audit log", err);
}

bb_code audit_each(bb_ctx *ctx, long limit, bb_audit_fn fn, void *arg, bb_err *err)
{
	bb_code rc = may_read(ctx, err);

	return rc != BB_OK ? rc : audit_store_each(ctx->db, limit, fn, arg, err);
}
