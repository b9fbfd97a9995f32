/* delivery.c - the receiver's side of a delivery: the signature, the check
 * made in a request thread, recording in the writer's transaction, retention
 * and the log line (delivery.h).
 *
 * A check reads the integration with the calling thread's own connection and
 * decides every refusal that needs no write; delivery_record then writes a
 * whole batch in the writer's one transaction, so a busy receiver pays one
 * commit for many deliveries. Duplicates are found there too: there is a
 * single writer, so two copies of one request in a batch cannot both pass. */
#include "delivery.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include "crypto_lazy.h"

#include "integration_store.h"
#include "run.h"
#include "secret.h"

int delivery_hmac_hex(const char *key, size_t key_len, const void *body, size_t len,
		      char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	out[0] = '\0';
	if (!HMAC(EVP_sha256(), key, (int)key_len, body, len, md, &md_len) || md_len != 32)
		return -1;
	secret_hex(md, 32, out);
	secret_wipe(md, sizeof md);
	return 0;
}

int delivery_signature_ok(const char *secret, const void *body, size_t len, const char *header)
{
	char want[65], got[65];
	int ok;

	if (!secret || !header || strncmp(header, "sha256=", 7) != 0 || strlen(header) != 71)
		return 0;
	for (int i = 0; i < 64; i++)
		got[i] = (char)tolower((unsigned char)header[7 + i]);
	got[64] = '\0';
	if (delivery_hmac_hex(secret, strlen(secret), body, len, want) != 0)
		return 0;
	ok = secret_equal(want, got, 64);
	secret_wipe(want, sizeof want);
	return ok;
}

/* ---- routing ------------------------------------------------------------------ */

bb_code delivery_receiver_init(bb_db *db, bb_receiver *r, bb_err *err)
{
	bb_ctx ctx = {db, ""};
	bb_account acc;
	const char *p;
	bb_code rc = account_get(&ctx, &acc, err);

	memset(r, 0, sizeof *r);
	delivery_parser_init();
	if (rc != BB_OK)
		return rc;
	snprintf(r->account_id, sizeof r->account_id, "%s", acc.id);
	/* https://host[:port][/path]: the path part, without a trailing '/' */
	p = strstr(acc.webhook_base, "://");
	p = p ? strchr(p + 3, '/') : NULL;
	snprintf(r->base_path, sizeof r->base_path, "%s", p ? p : "");
	for (size_t n = strlen(r->base_path); n && r->base_path[n - 1] == '/'; n--)
		r->base_path[n - 1] = '\0';
	account_free(&acc);
	return BB_OK;
}

/* The rest of path after <base path>/bitbucket-cloud/, or NULL. */
static const char *after_base(const bb_receiver *r, const char *path)
{
	size_t n = strlen(r->base_path);

	if (!path || strncmp(path, r->base_path, n) != 0 ||
	    strncmp(path + n, "/bitbucket-cloud/", 17) != 0)
		return NULL;
	return path + n + 17;
}

int delivery_path_is_endpoint(const bb_receiver *r, const char *path)
{
	return after_base(r, path) != NULL;
}

/* <account id>/integration/<slug> with our account id: the slug, else 0. */
static int route_slug(const bb_receiver *r, const char *path, char *slug, size_t size)
{
	const char *rest = after_base(r, path), *s;
	size_t idlen = strlen(r->account_id);

	if (!rest || strncmp(rest, r->account_id, idlen) != 0 ||
	    strncmp(rest + idlen, "/integration/", 13) != 0)
		return 0;
	s = rest + idlen + 13;
	if (!*s || strlen(s) >= size || strchr(s, '/'))
		return 0;
	snprintf(slug, size, "%s", s);
	return 1;
}

/* ---- checking, in a request thread -------------------------------------------- */

/* The integration's secrets, still encrypted: the previous one is decrypted
 * only for a delivery the current one does not sign. */
typedef struct secrets {
	bb_db *db;
	unsigned char *current, *previous; /* previous NULL when none or its grace is over */
	size_t current_len, previous_len;
} secrets;

static void secrets_free(secrets *s)
{
	free(s->current);
	free(s->previous);
}

/* 0 found, 1 no such integration, -1 database trouble. The previous secret
 * still signs during its grace only. */
static int load_secrets(bb_db *db, const char *slug, const char *now, secrets *out)
{
	integration_secret_blobs b;
	int found, rc;
	bb_err err;

	memset(out, 0, sizeof *out);
	out->db = db;
	if (integration_store_secret_blobs(db, slug, &b, &found, &err) != BB_OK)
		return -1;
	rc = !found ? 1 : b.current ? 0 : -1;
	if (rc == 0) {
		out->current = b.current, out->current_len = b.current_len;
		if (b.previous && b.prev_until && strcmp(now, b.prev_until) < 0)
			out->previous = b.previous, out->previous_len = b.previous_len;
		else
			free(b.previous);
	} else {
		free(b.current);
		free(b.previous);
	}
	free(b.prev_until);
	return rc;
}

/* Whether the encrypted secret blob signs the request. */
static int signed_with(const secrets *s, const unsigned char *blob, size_t len,
		       const bb_delivery_req *req)
{
	char *plain = NULL;
	bb_err err;
	int ok;

	if (!blob || db_decrypt(s->db, blob, len, &plain, &err) != BB_OK)
		return 0;
	ok = delivery_signature_ok(plain, req->body, req->len, req->signature);
	secret_free(plain);
	return ok;
}

static char *header_json(const bb_delivery_req *req)
{
	cJSON *h = cJSON_CreateObject();
	const char *names[] = {"X-Event-Key", "X-Hook-UUID", "X-Request-UUID",
			       "X-Attempt-Number", "Content-Type", "User-Agent"};
	const char *vals[] = {req->event, req->hook_uuid, req->request_uuid, req->attempt,
			      req->content_type, req->user_agent};
	char *out;

	for (size_t i = 0; h && i < sizeof names / sizeof names[0]; i++)
		if (vals[i])
			cJSON_AddStringToObject(h, names[i], vals[i]);
	out = h ? cJSON_PrintUnformatted(h) : NULL;
	cJSON_Delete(h);
	return out;
}

static int is_json_type(const char *ct)
{
	size_t n = strlen("application/json");

	return ct && strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void refuse(bb_delivery_job *job, int status, const char *why)
{
	job->status = status;
	snprintf(job->outcome, sizeof job->outcome, "rejected: %s", why);
}

static void check_signature(const bb_delivery_req *req, const secrets *s, bb_delivery_job *job)
{
	if (!req->signature)
		refuse(job, 401, "no signature");
	else if (signed_with(s, s->current, s->current_len, req))
		job->signature = "current";
	else if (signed_with(s, s->previous, s->previous_len, req))
		job->signature = "previous";
	else
		refuse(job, 401, req->signature ? "bad signature" : "no signature");
}

static void check_body(const bb_delivery_req *req, bb_delivery_job *job)
{
	bb_err err;

	if (!is_json_type(req->content_type)) {
		refuse(job, 415, "not JSON");
		return;
	}
	if (!req->event || !*req->event) {
		refuse(job, 400, "no X-Event-Key");
		return;
	}
	if (delivery_parse(req->event, req->body, req->len, &job->payload, &err) != BB_OK) {
		refuse(job, 400, "malformed JSON");
		return;
	}
	snprintf(job->outcome, sizeof job->outcome, "accepted");
	job->body = req->body;
	job->len = req->len;
}

static void fill_request(const bb_delivery_req *req, bb_delivery_job *job)
{
	job->event = util_strdup(req->event);
	job->hook_uuid = util_strdup(req->hook_uuid);
	job->request_uuid = util_strdup(req->request_uuid);
	job->attempt = req->attempt ? strtol(req->attempt, NULL, 10) : 0;
	if (job->attempt < 0 || job->attempt > 1000000)
		job->attempt = 0;
	job->headers = header_json(req);
	job->signature = "bad";
	job->record = 1;
}

void delivery_check(bb_db *db, const bb_receiver *r, const bb_delivery_req *req,
		    bb_delivery_job *job)
{
	secrets s;
	int found;

	memset(job, 0, sizeof *job);
	job->started = req->started;
	util_now(job->received_at);
	if (!route_slug(r, req->path, job->slug, sizeof job->slug)) {
		refuse(job, 404, "unknown endpoint");
		return;
	}
	found = load_secrets(db, job->slug, job->received_at, &s);
	if (found != 0) {
		refuse(job, found > 0 ? 404 : 503, found > 0 ? "unknown integration" : "busy");
		secrets_free(&s);
		return;
	}
	fill_request(req, job);
	if (req->too_large)
		refuse(job, 413, "body over 256 KiB");
	else
		check_signature(req, &s, job);
	secrets_free(&s);
	if (job->status == 0)
		check_body(req, job);
}

void delivery_job_free(bb_delivery_job *job)
{
	free(job->event);
	free(job->hook_uuid);
	free(job->request_uuid);
	free(job->headers);
	delivery_payload_free(&job->payload);
	job->event = job->hook_uuid = job->request_uuid = job->headers = NULL;
}
