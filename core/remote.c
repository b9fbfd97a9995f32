/* remote.c - Bitbucket jobs for a saved integration (remote.h). The token
 * lives only between creds_open and creds_close. */
#include "remote.h"

#include <stdlib.h>
#include <string.h>

#include "integration.h"
#include "secret.h"

typedef struct creds {
	bb_integration it; /* its configured workspaces */
	char *email;
	char *token;       /* wiped by creds_close */
	bb_creds cr;
} creds;

/* Credentials first: they carry the permission check (admins of the
 * integration's space), so a reader is refused before anything else. */
static bb_code creds_open(bb_ctx *ctx, const char *name_or_slug, creds *k, bb_err *err)
{
	bb_err local;

	if (!err)
		err = &local;
	memset(k, 0, sizeof *k);
	if (integration_credentials(ctx, name_or_slug, &k->email, &k->token, err) != BB_OK)
		return err->code;
	if (integration_get(ctx, name_or_slug, 0, &k->it, err) != BB_OK) {
		secret_free(k->token);
		free(k->email);
		memset(k, 0, sizeof *k);
		return err->code;
	}
	k->cr = (bb_creds){k->email, k->token, &k->it.workspaces};
	return BB_OK;
}

static void creds_close(creds *k)
{
	secret_free(k->token);
	free(k->email);
	integration_free(&k->it);
	memset(k, 0, sizeof *k);
}

bb_job_id remote_verify_start(bb_ctx *ctx, bb_client *c, const char *name_or_slug,
			      bb_done_cb done, void *user, bb_err *err)
{
	bb_job_id id = 0;
	creds k;

	if (creds_open(ctx, name_or_slug, &k, err) == BB_OK)
		id = bitbucket_verify_start(c, &k.cr, done, user, err);
	creds_close(&k);
	return id;
}

bb_job_id remote_discover_start(bb_ctx *ctx, bb_client *c, const char *name_or_slug,
				const bb_discover_opts *opts, bb_progress_cb progress,
				bb_done_cb done, void *user, bb_err *err)
{
	bb_job_id id = 0;
	creds k;

	if (creds_open(ctx, name_or_slug, &k, err) == BB_OK)
		id = bitbucket_discover_start(c, &k.cr, opts, progress, done, user, err);
	creds_close(&k);
	return id;
}

bb_job_id remote_commit_links_start(bb_ctx *ctx, bb_client *c, const char *name_or_slug,
				    const char *repository, const char *commit, bb_done_cb done,
				    void *user, bb_err *err)
{
	bb_job_id id = 0;
	creds k;

	if (creds_open(ctx, name_or_slug, &k, err) == BB_OK) {
		k.cr.workspaces = NULL;
		id = bitbucket_commit_links_start(c, &k.cr, repository, commit, done, user, err);
	}
	creds_close(&k);
	return id;
}

bb_code remote_verify_sync(bb_ctx *ctx, const char *name_or_slug, bb_job_result *result,
			   bb_err *err)
{
	creds k;
	bb_code rc = creds_open(ctx, name_or_slug, &k, err);

	if (rc == BB_OK)
		bitbucket_verify_sync(&k.cr, result);
	creds_close(&k);
	return rc;
}

bb_code remote_discover_sync(bb_ctx *ctx, const char *name_or_slug,
			     const bb_discover_opts *opts, bb_job_result *result, bb_err *err)
{
	creds k;
	bb_code rc = creds_open(ctx, name_or_slug, &k, err);

	if (rc == BB_OK)
		bitbucket_discover_sync(&k.cr, opts, result);
	creds_close(&k);
	return rc;
}
