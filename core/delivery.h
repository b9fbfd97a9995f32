/* delivery.h - webhook deliveries from Bitbucket: the signature check, the
 * payload parser, recording (idempotent by X-Request-UUID), retention, and
 * reading them back.
 *
 * Two sides:
 *   - the receiver (`bbconsole serve`) is the platform, not a user: it calls
 *     delivery_check() in its request threads and delivery_record() (through
 *     delivery_queue.h) in its one writer thread, with no permission check;
 *   - readers (commands, console) go through ctx: deliveries are visible to
 *     whoever may see the integration's details (admins of its space; of root
 *     for the default integration). */
#ifndef BB_DELIVERY_H
#define BB_DELIVERY_H

#include "account.h"
#include "ctx.h"
#include "util.h"
#include "validate.h"

#define BB_DELIVERY_MAX_BODY (256 * 1024) /* Bitbucket's own limit */
#define BB_DELIVERY_HOURS 24

/* ---- reading (permission-checked) ------------------------------------------ */

typedef struct bb_delivery {
	long long id;
	char *received_at;
	char *integration;   /* slug */
	char *event;         /* X-Event-Key; NULL when it had none */
	char *hook_uuid;     /* X-Hook-UUID, or NULL */
	char *request_uuid;  /* X-Request-UUID, or NULL */
	long attempt;        /* X-Attempt-Number; 0 when absent */
	char *repository;    /* full_name, or NULL */
	char *branch;        /* branch or tag, or NULL */
	char *commit;        /* hash as Bitbucket sent it (PRs: 12 characters) */
	long pull_request;   /* 0 when none */
	int fork;            /* a pull request from a fork */
	char *signature;     /* "current", "previous" or "bad" */
	char *outcome;       /* "accepted", "duplicate" or "rejected: <why>" */
	int status;          /* the HTTP status answered */
	long ms;             /* from receipt to answer */
	char *answered_at;
	char *headers;       /* JSON object of the delivery headers (never the signature) */
	bb_strlist runs;     /* ids of the runs it triggered */
} bb_delivery;

/* The newest deliveries of integration (name or slug) first; limit 0 = all
 * that are kept. BB_DENIED unless ctx->user may see its details. */
bb_code delivery_list(bb_ctx *ctx, const char *integration, long limit, bb_delivery **out,
		      size_t *n, bb_err *err);
void delivery_list_free(bb_delivery *v, size_t n);
void delivery_free(bb_delivery *d);

/* One delivery by id, with its raw body when kept (accepted ones, within
 * retention; *body NULL otherwise). body may be NULL when not wanted. */
bb_code delivery_get(bb_ctx *ctx, long long id, bb_delivery *out, char **body,
		     size_t *body_len, bb_err *err);

/* The newest delivery of integration: *found 0 when it has none. */
bb_code delivery_last(bb_ctx *ctx, const char *integration, bb_delivery *out, int *found,
		      bb_err *err);

/* Deliveries per hour over the last 24 hours: counts[23] is the current hour
 * (from its start), counts[0] the hour 23 hours before. */
bb_code delivery_hourly(bb_ctx *ctx, const char *integration, long counts[BB_DELIVERY_HOURS],
			bb_err *err);

/* Over the last `days` days: every delivery, the accepted ones, and those
 * refused for their signature (the secret in Bitbucket differs). */
typedef struct bb_delivery_stats {
	long total, accepted, bad_signature;
} bb_delivery_stats;
bb_code delivery_stats(bb_ctx *ctx, const char *integration, long days,
		       bb_delivery_stats *out, bb_err *err);

/* ---- the parts of a delivery that are pure functions -------------------------- */

/* Lower-case hex HMAC-SHA256(key, body) into out; -1 when libcrypto is missing. */
int delivery_hmac_hex(const char *key, size_t key_len, const void *body, size_t len,
		      char out[65]);

/* 1 when header is "sha256=<hex HMAC-SHA256(secret, body)>" (compared in
 * constant time, hex case-insensitive); 0 otherwise, NULL header included. */
int delivery_signature_ok(const char *secret, const void *body, size_t len, const char *header);

/* One change of a repo:push. */
typedef struct bb_change {
	char *name;     /* branch or tag name (the old one when deleted) */
	char *commit;   /* the new target hash, NULL when deleted */
	int is_tag;
	int deleted;
} bb_change;

typedef struct bb_payload {
	char *repository;       /* top-level repository.full_name */
	bb_change *changes;     /* repo:push */
	size_t nchanges;
	long pull_request;      /* pullrequest:*; 0 otherwise */
	char *source_branch, *source_commit, *source_repository, *dest_branch;
	int fork;               /* source repository differs from the destination */
} bb_payload;

/* Parses a delivery body for event (X-Event-Key). BB_INVALID, with the
 * reason, when it is not JSON or lacks what the event needs. Unknown events
 * parse to just the repository. */
bb_code delivery_parse(const char *event, const char *body, size_t len, bb_payload *out,
		       bb_err *err);
void delivery_payload_free(bb_payload *p);

/* Sets up the parser's allocator (cJSON's hooks) once. delivery_parse does
 * it on first use; delivery_receiver_init does it before any thread starts. */
void delivery_parser_init(void);

/* What a delivery asks of one stack tracking `tracked_branch` of the
 * delivery's repository: fn is called once per run to create, with type
 * "tracked" or "proposed". Tags, deleted branches and the other events call
 * nothing. */
typedef struct bb_trigger {
	const char *type;
	const char *branch;
	const char *commit;
	long pull_request;
} bb_trigger;
typedef void (*bb_trigger_fn)(const bb_trigger *t, void *arg);
void delivery_triggers(const char *event, const bb_payload *p, const char *tracked_branch,
		       bb_trigger_fn fn, void *arg);

/* ---- the receiver ---------------------------------------------------------- */

/* What the receiver knows once at start: the account id and the path part
 * of the webhook base URL (endpoints are <base path>/bitbucket-cloud/<id>/
 * integration/<slug>). */
typedef struct bb_receiver {
	char account_id[BB_ULID_LEN + 1];
	char base_path[512]; /* "" when the base URL has no path */
} bb_receiver;
bb_code delivery_receiver_init(bb_db *db, bb_receiver *rc, bb_err *err);

/* 1 when path is under the endpoints (<base path>/bitbucket-cloud/), so a
 * non-POST there is a 405 rather than a 404. */
int delivery_path_is_endpoint(const bb_receiver *r, const char *path);

/* One HTTP request, as the server saw it. Header values may be NULL. */
typedef struct bb_delivery_req {
	const char *path;
	const char *event, *hook_uuid, *request_uuid, *attempt, *signature;
	const char *content_type, *user_agent;
	const char *body;
	size_t len;
	int too_large;        /* the body went over BB_DELIVERY_MAX_BODY */
	double started;       /* util_mono_ms() at receipt */
} bb_delivery_req;

/* A delivery between check and record. Owned by the caller of
 * delivery_check; delivery_job_free releases what the check attached. */
typedef struct bb_delivery_job {
	int status;              /* 0 after check: to record; else answered as is */
	int record;              /* 1: written to the database (also rejected ones) */
	char slug[BB_NAME_MAX + 1];
	char received_at[BB_TIME_LEN];
	const char *signature;   /* "current" | "previous" | "bad" */
	char outcome[96];
	char *event, *hook_uuid, *request_uuid;
	long attempt;
	char *headers;           /* JSON text */
	const char *body;        /* kept for accepted deliveries (the request's) */
	size_t len;
	bb_payload payload;
	double started;
	/* filled by delivery_record */
	long long id;
	long runs;
	long ms;
	/* delivery_queue's: the link and who to tell once committed */
	struct bb_delivery_job *next;
	void (*done)(struct bb_delivery_job *job, void *arg);
	void *done_arg;
} bb_delivery_job;

/* In a request thread, with that thread's own connection: finds the
 * integration, checks the signature (current secret, then the previous one
 * within its grace period) and parses. Sets job->status to the answer when
 * it is already known (404, 413, 415, 401, 400), else 0. */
void delivery_check(bb_db *db, const bb_receiver *r, const bb_delivery_req *req,
		    bb_delivery_job *job);
void delivery_job_free(bb_delivery_job *job);

/* In the writer's transaction (the caller began it): records each job that
 * asks for it, recognises duplicates, creates the runs, and sets the final
 * status (202; 404 when the integration went away meanwhile). BB_TEMP when
 * the database stayed busy: nothing is recorded, answer 503. */
bb_code delivery_record(bb_db *db, bb_delivery_job *const *jobs, size_t n, bb_err *err);

/* Deletes deliveries of slug beyond its retention (count and age). */
bb_code delivery_retain(bb_db *db, const char *slug, bb_err *err);

/* One log line for a delivery (no secret, token or body), without newline. */
void delivery_log_line(const bb_delivery_job *job, char *out, size_t size);

#endif
