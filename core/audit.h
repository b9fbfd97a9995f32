/* audit.h - the audit log: who did what to which, when. Never secret values. */
#ifndef BB_AUDIT_H
#define BB_AUDIT_H

#include "ctx.h"

typedef struct bb_audit_entry {
	long id;
	char *at;
	char *user;
	char *action;  /* e.g. integration.create, integration.reveal_secret */
	char *target;  /* e.g. integration:prod-bb, space:dev, role:alice@dev */
	char *details; /* a JSON object: changed field names and non-secret values */
} bb_audit_entry;

/* Appends an entry by ctx->user now. details_json may be NULL ("{}"). Call
 * inside the caller's transaction so the change and its entry land together. */
bb_code audit_record(bb_ctx *ctx, const char *action, const char *target,
		     const char *details_json, bb_err *err);
/* The same with details as a cJSON object, which it consumes (NULL: out of
 * memory, refused as such). */
struct cJSON;
bb_code audit_record_json(bb_ctx *ctx, const char *action, const char *target,
			  struct cJSON *details, bb_err *err);

/* The same with the details as a cJSON object, which it consumes (NULL, as
 * a failed cJSON_CreateObject gives: out of memory). */
struct cJSON;
bb_code audit_record_json(bb_ctx *ctx, const char *action, const char *target,
			  struct cJSON *details, bb_err *err);

/* Newest first; calls fn for each entry until it returns non-zero.
 * Visible to admins of root only (others: BB_DENIED). limit 0 = all. */
typedef int (*bb_audit_fn)(const bb_audit_entry *e, void *arg);
bb_code audit_each(bb_ctx *ctx, long limit, bb_audit_fn fn, void *arg, bb_err *err);

#endif
