/* integration.h - Bitbucket Cloud integrations (SPEC section 1).
 *
 * Every function checks ctx->user's permissions itself:
 *   list:     default -> any user of the account; space -> read in its space
 *   details:  default -> admin of root;           space -> admin of its space
 *   create/edit/delete/rotate/reveal: same as details.
 * An integration is named by its name or its slug. Token and webhook secret
 * are stored encrypted; the token never leaves core except through
 * integration_credentials(). */
#ifndef BB_INTEGRATION_H
#define BB_INTEGRATION_H

#include "ctx.h"
#include "util.h"

#define BB_PROVIDER "bitbucket_cloud"
/* After a rotation the previous webhook secret is accepted this long. */
#define BB_SECRET_GRACE_SECONDS (24L * 3600)

typedef struct bb_integration {
	char *name;
	char *slug;
	char *type;  /* "default" | "space" */
	char *space; /* "root" for default */
	char *email;            /* NULL unless details_visible */
	char *webhook_endpoint; /* NULL unless details_visible */
	char *webhook_secret;   /* NULL unless revealed (wiped by integration_free) */
	bb_strlist labels;
	char *description;
	char *vcs_checks;
	bb_strlist workspaces;
	int token_set;
	char *token_updated_at; /* NULL unless details_visible */
	char *created_at, *created_by, *updated_at, *updated_by;
	long version; /* bumped by every change: the stale-edit check */
	long stacks;  /* stacks and modules using it */
	int details_visible;
	int verify_known;       /* 1 when verified at least once */
	int verify_ok;
	char *verify_message;   /* last verification sentence, or NULL */
	char *verified_at;
	/* details only: */
	char *secret_grace_until; /* the previous secret is accepted until then; NULL when none */
	long keep_deliveries;     /* delivery retention: the newest N ... */
	long keep_days;           /* ... of the last D days */
	char *token_expires;    /* YYYY-MM-DD the user recorded, or NULL */
} bb_integration;

/* Days before an expiry date warns (list, details). */
#define BB_TOKEN_EXPIRY_WARN_DAYS 14

typedef struct bb_integration_input {
	const char *name;
	int is_default;          /* 1: default (lives in root); 0: space */
	const char *space;       /* for a space integration */
	const char *email;
	const char *token;       /* the caller wipes its copy */
	const bb_strlist *labels;      /* may be NULL */
	const char *description;       /* may be NULL */
	const char *vcs_checks;        /* NULL = individual */
	const bb_strlist *workspaces;  /* may be NULL */
} bb_integration_input;

/* NULL / has_* = 0 means "leave unchanged". */
typedef struct bb_integration_update {
	const char *email;
	const char *token;
	int has_labels;
	const bb_strlist *labels;
	const char *description;
	const char *vcs_checks;
	const char *space;       /* space integrations only */
	int has_workspaces;
	const bb_strlist *workspaces;
	long expect_version;     /* > 0: refuse with BB_TEMP if it changed since */
	const char *expect_updated_at; /* non-NULL: the same check by updated_at */
} bb_integration_update;

/* Checks every rule, generates the secret, stores, audits. out may be NULL;
 * when given it is filled as integration_get would (secret not revealed). */
bb_code integration_create(bb_ctx *ctx, const bb_integration_input *in, bb_integration *out,
			   bb_err *err);

/* reveal=1 fills webhook_secret (admins only; audited as a reveal). */
bb_code integration_get(bb_ctx *ctx, const char *name_or_slug, int reveal, bb_integration *out,
			bb_err *err);

/* Integrations ctx->user may list, ordered by name (case-insensitive). */
bb_code integration_list(bb_ctx *ctx, bb_integration **out, size_t *n, bb_err *err);
void integration_list_free(bb_integration *v, size_t n);
void integration_free(bb_integration *it);

bb_code integration_update(bb_ctx *ctx, const char *name_or_slug,
			   const bb_integration_update *up, bb_err *err);

/* New secret; secret_out receives it (64 hex + NUL). The previous one stays
 * valid for BB_SECRET_GRACE_SECONDS (integration_get shows until when).
 * Audited (no value). */
bb_code integration_rotate_secret(bb_ctx *ctx, const char *name_or_slug, char secret_out[65],
				  bb_err *err);

/* Detaches every stack and module using it (integration NULL, detached_from
 * = its name), then deletes it; one transaction. *detached may be NULL. */
bb_code integration_delete(bb_ctx *ctx, const char *name_or_slug, long *detached, bb_err *err);

/* Who holds the slug of `name`, if anyone: fills holder (the existing name)
 * and returns 1; 0 when free. For live feedback while typing. */
int integration_slug_taken(bb_ctx *ctx, const char *name, char *holder, size_t size);

/* The endpoint a name would get: <base>/bitbucket-cloud/<account id>/integration/<slug>.
 * malloc'd into *out. */
bb_code integration_endpoint_for(bb_ctx *ctx, const char *name, char **out, bb_err *err);

/* Whether ctx->user may create a default integration: *ok, and when not, a
 * sentence in err->msg (one exists already / needs admin of root). */
bb_code integration_default_allowed(bb_ctx *ctx, int *ok, bb_err *why);

/* BB_OK when the acting user may use the integration's credentials (admin of
 * its space), else BB_DENIED with the sentence integration_credentials gives.
 * What the token can read (the repositories, cached or live) is shown only
 * to them, in the console as on the command line. */
bb_code integration_may_use(bb_ctx *ctx, const char *name_or_slug, bb_err *err);

/* Email and decrypted token, for talking to Bitbucket (admins of its space
 * only). Free token with secret_free(). */
bb_code integration_credentials(bb_ctx *ctx, const char *name_or_slug, char **email,
				char **token, bb_err *err);

/* Delivery retention: keep the newest `keep` deliveries of the last `days`
 * days (0 = leave unchanged). Admins of its space; audited. */
bb_code integration_set_retention(bb_ctx *ctx, const char *name_or_slug, long keep, long days,
				  bb_err *err);

/* Stores the outcome of a verification (not audited: no configuration change). */
bb_code integration_record_verify(bb_ctx *ctx, const char *name_or_slug, int ok,
				  const char *message, bb_err *err);

/* Records the expiry date of the API token (YYYY-MM-DD; NULL or "" clears
 * it): Atlassian API tokens expire after 1-365 days and no API reports when,
 * so only the user can say. Admins of its space only. */
bb_code integration_set_token_expires(bb_ctx *ctx, const char *name_or_slug, const char *date,
				      bb_err *err);
/* BB_OK when date is a real YYYY-MM-DD date; else BB_USAGE with a sentence. */
bb_code integration_check_expiry(const char *date, bb_err *err);
/* Days from the date part of `now` (RFC 3339) to `date` (negative: past);
 * LONG_MAX when either is missing. */
long integration_expiry_days(const char *date, const char *now);

/* The one word for the state of the credentials, the same in the console and
 * on the command line: "no token", "token set" (not verified yet),
 * "verified" or "verify failed". */
const char *integration_credentials_word(const bb_integration *it);

#endif
