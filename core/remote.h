/* remote.h - Bitbucket jobs for a saved integration, named by (ctx, slug).
 *
 * The front ends never hold a decrypted token: these read the integration's
 * credentials (admins of its space only: integration_credentials), hand
 * them to the client, which copies them, and wipe them before returning.
 * The refusal, when the user may not use them, is the start's error. */
#ifndef BB_REMOTE_H
#define BB_REMOTE_H

#include "bitbucket.h"
#include "ctx.h"

/* bitbucket_verify_start with the stored email, token and workspaces of
 * name_or_slug. 0 with err set when refused or not started. */
bb_job_id remote_verify_start(bb_ctx *ctx, bb_client *c, const char *name_or_slug,
			      bb_done_cb done, void *user, bb_err *err);

/* bitbucket_discover_start likewise; opts and progress may be NULL. */
bb_job_id remote_discover_start(bb_ctx *ctx, bb_client *c, const char *name_or_slug,
				const bb_discover_opts *opts, bb_progress_cb progress,
				bb_done_cb done, void *user, bb_err *err);

/* bitbucket_commit_links_start likewise, for one commit of "ws/slug". */
bb_job_id remote_commit_links_start(bb_ctx *ctx, bb_client *c, const char *name_or_slug,
				    const char *repository, const char *commit, bb_done_cb done,
				    void *user, bb_err *err);

/* The blocking forms for the command line. A refusal is returned (err set,
 * result untouched); otherwise result is filled as bitbucket_*_sync does
 * (free with bitbucket_result_free) and BB_OK is returned whatever
 * Bitbucket answered: result->code says that. */
bb_code remote_verify_sync(bb_ctx *ctx, const char *name_or_slug, bb_job_result *result,
			   bb_err *err);
bb_code remote_discover_sync(bb_ctx *ctx, const char *name_or_slug,
			     const bb_discover_opts *opts, bb_job_result *result, bb_err *err);

#endif
