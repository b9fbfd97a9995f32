/* integration.c - Bitbucket Cloud integrations: the rules of SPEC section 1.
 *
 * The SQL is in integration_store.c. Writes run in BEGIN IMMEDIATE so that
 * the checks they make (one default, free slug, unchanged version) still
 * hold when the row is written. */
#include "integration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <stdint.h>
#include <strings.h>

#include <cJSON.h>

#include "account.h"
#include "audit.h"
#include "integration_store.h"
#include "secret.h"
#include "space.h"
#include "validate.h"

#define TYPE_DEFAULT "default"
#define TYPE_SPACE "space"

void integration_free(bb_integration *it)
{
	if (!it)
		return;
	free(it->name);
	free(it->slug);
	free(it->type);
	free(it->space);
	free(it->email);
	free(it->webhook_endpoint);
	secret_free(it->webhook_secret);
	strlist_free(&it->labels);
	free(it->description);
	free(it->vcs_checks);
	strlist_free(&it->workspaces);
	free(it->token_updated_at);
	free(it->created_at);
	free(it->created_by);
	free(it->updated_at);
	free(it->updated_by);
	free(it->verify_message);
	free(it->verified_at);
	free(it->secret_grace_until);
	free(it->token_expires);
	memset(it, 0, sizeof *it);
}

void integration_list_free(bb_integration *v, size_t n)
{
	UTIL_FREE_EACH(v, n, integration_free);
}

static int is_default(const bb_integration *it)
{
	return strcmp(it->type, TYPE_DEFAULT) == 0;
}

static char *endpoint_of(const bb_account *acc, const char *slug)
{
	char *out = NULL;

	if (asprintf(&out, "%s/bitbucket-cloud/%s/integration/%s", acc->webhook_base, acc->id,
		     slug) < 0)
		return NULL;
	return out;
}

/* Shows what a user with details may see, hides it from the others. */
static bb_code set_details(bb_integration *it, int visible, const bb_account *acc, bb_err *err)
{
	it->details_visible = visible;
	if (!visible) {
		free(it->email);
		free(it->token_updated_at);
		it->email = it->token_updated_at = NULL;
		return BB_OK;
	}
	if (!(it->webhook_endpoint = endpoint_of(acc, it->slug)))
		return bb_oom(err);
	return BB_OK;
}

/* The end of the previous secret's grace period (when not over) and the
 * delivery retention, for those who see details. */
static bb_code load_receiver_fields(bb_ctx *ctx, bb_integration *it, bb_err *err)
{
	char now[BB_TIME_LEN], *until = NULL;
	bb_code rc = integration_store_receiver(ctx->db, it->slug, &until, &it->keep_deliveries,
						&it->keep_days, err);

	util_now(now);
	if (rc == BB_OK && until && strcmp(now, until) < 0)
		it->secret_grace_until = until;
	else
		free(until);
	return rc;
}

/* Loads the integration named key (name or slug), all fields. */
static bb_code load(bb_ctx *ctx, const char *key, bb_integration *out, bb_err *err)
{
	char *k = validate_trim(key ? key : ""), q[BB_QUOTE_SIZE];
	bb_code rc;
	int found;

	memset(out, 0, sizeof *out);
	if (!k)
		return bb_oom(err);
	rc = integration_store_get(ctx->db, k, out, &found, err);
	if (rc == BB_OK && !found) {
		validate_quote(k, q, sizeof q);
		rc = bb_fail(err, BB_NOTFOUND, "No integration is named \"%s\"; check the name in "
			     "the list of integrations.", q);
	}
	free(k);
	return rc;
}

/* The account, once ctx->user is known as one of its users (free with
 * account_free). */
static bb_code user_account(bb_ctx *ctx, bb_account *acc, bb_err *err)
{
	bb_code rc = space_require_user(ctx, err);

	return rc == BB_OK ? account_get(ctx, acc, err) : rc;
}

/* What runs on one loaded integration. */
typedef bb_code (*with_fn)(bb_ctx *ctx, const bb_integration *it, void *arg, bb_err *err);

/* Loads name_or_slug for a user of the account and runs fn on it; write:
 * inside BEGIN IMMEDIATE, committed when fn succeeds, so the checks fn makes
 * still hold when it writes. */
static bb_code with_loaded(bb_ctx *ctx, const char *name_or_slug, int write, with_fn fn,
			   void *arg, bb_err *err)
{
	bb_integration it;
	bb_code rc;

	if ((rc = space_require_user(ctx, err)) != BB_OK ||
	    (write && (rc = db_begin(ctx->db, err)) != BB_OK))
		return rc;
	if ((rc = load(ctx, name_or_slug, &it, err)) == BB_OK) {
		rc = fn(ctx, &it, arg, err);
		integration_free(&it);
	}
	return write ? db_finish(ctx->db, rc, err) : rc;
}

/* BB_DENIED, saying which role in which space is needed, unless ctx->user is
 * admin of space. `doing` starts the sentence ("Deleting the integration X"). */
static bb_code need_admin(bb_ctx *ctx, const char *space, const char *doing, bb_err *err)
{
	return space_need(ctx, space, BB_ROLE_ADMIN, doing, err);
}

/* need_admin for an action on an existing integration. */
static bb_code need_admin_of(bb_ctx *ctx, const bb_integration *it, const char *verb,
			     bb_err *err)
{
	char doing[BB_MSG_MAX / 2];

	snprintf(doing, sizeof doing, "%s the integration \"%s\"", verb, it->name);
	return need_admin(ctx, it->space, doing, err);
}

static bb_code may_list(bb_ctx *ctx, const bb_integration *it, int *ok, bb_err *err)
{
	*ok = 1;
	if (is_default(it))
		return BB_OK; /* any user of the account: checked by space_require_user */
	return space_may(ctx, it->space, BB_ROLE_READ, ok, err);
}

/* Decrypts one of the encrypted values of slug. */
static bb_code read_secret(bb_ctx *ctx, const char *slug, integration_secret which,
			   char **plain, bb_err *err)
{
	int found;
	bb_code rc = integration_store_secret(ctx->db, slug, which, plain, &found, err);

	if (rc == BB_OK && !found)
		rc = db_fail(ctx->db, "reading the integration", err);
	return rc;
}

static bb_code encrypt_text(bb_ctx *ctx, const char *plain, unsigned char **blob, size_t *len,
			    bb_err *err)
{
	const unsigned char *key;
	bb_code rc = db_key_get(ctx->db, &key, err);

	if (rc != BB_OK)
		return rc;
	return secret_encrypt(key, plain, strlen(plain), blob, len, err);
}

/* Records action on integration slug with a cJSON details object (consumed). */
static bb_code audit_json(bb_ctx *ctx, const char *action, const char *slug, cJSON *details,
			  bb_err *err)
{
	char target[BB_NAME_MAX * 4 + 16];

	snprintf(target, sizeof target, "integration:%s", slug);
	return audit_record_json(ctx, action, target, details, err);
}

static cJSON *json_strlist(const bb_strlist *l)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a && i < l->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
	return a;
}

static int strlist_equal(const bb_strlist *a, const bb_strlist *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

/* ---- reading ------------------------------------------------------------- */

static bb_code reveal_secret(bb_ctx *ctx, bb_integration *it, bb_err *err)
{
	bb_code rc = need_admin_of(ctx, it, "Revealing the webhook secret of", err);
	char *secret = NULL;

	if (rc == BB_OK)
		rc = read_secret(ctx, it->slug, INTEGRATION_WEBHOOK_SECRET, &secret, err);
	/* the reveal is on record before anyone sees the value */
	if (rc == BB_OK && (rc = db_begin(ctx->db, err)) == BB_OK) {
		rc = audit_json(ctx, "integration.reveal_secret", it->slug, cJSON_CreateObject(),
				err);
		rc = db_finish(ctx->db, rc, err);
	}
	if (rc == BB_OK)
		it->webhook_secret = secret;
	else
		secret_free(secret);
	return rc;
}

bb_code integration_get(bb_ctx *ctx, const char *name_or_slug, int reveal, bb_integration *out,
			bb_err *err)
{
	bb_account acc = {0};
	bb_err local;
	int ok = 0, details = 0;
	bb_code rc;

	if (!err)
		err = &local;
	memset(out, 0, sizeof *out);
	if ((rc = user_account(ctx, &acc, err)) != BB_OK)
		return rc;
	if ((rc = load(ctx, name_or_slug, out, err)) == BB_OK &&
	    (rc = may_list(ctx, out, &ok, err)) == BB_OK && !ok)
		rc = bb_fail(err, BB_DENIED, "Seeing the integration \"%s\" needs the read role in "
			     "space %s; ask an admin of %s.", out->name, out->space, out->space);
	if (rc == BB_OK)
		rc = space_may(ctx, out->space, BB_ROLE_ADMIN, &details, err);
	if (rc == BB_OK)
		rc = set_details(out, details, &acc, err);
	if (rc == BB_OK && details)
		rc = load_receiver_fields(ctx, out, err);
	if (rc == BB_OK && reveal)
		rc = reveal_secret(ctx, out, err);
	if (rc != BB_OK)
		integration_free(out);
	account_free(&acc);
	return rc;
}

/* The spaces where ctx->user holds at least need, as a JSON array for json_each. */
static bb_code spaces_json(bb_ctx *ctx, bb_role need, char **out, bb_err *err)
{
	return space_names_json(ctx, need, out, NULL, err);
}

/* Details for the rows the store marked as administered by ctx->user. */
static bb_code list_query(bb_ctx *ctx, const bb_account *acc, const char *readable,
			  const char *admin, bb_integration **out, size_t *n, bb_err *err)
{
	bb_code rc = integration_store_list(ctx->db, readable, admin, out, n, err);

	for (size_t i = 0; rc == BB_OK && i < *n; i++)
		rc = set_details(&(*out)[i], (*out)[i].details_visible, acc, err);
	return rc;
}

bb_code integration_list(bb_ctx *ctx, bb_integration **out, size_t *n, bb_err *err)
{
	char *readable = NULL, *admin = NULL;
	bb_account acc = {0};
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	*out = NULL;
	*n = 0;
	if ((rc = user_account(ctx, &acc, err)) != BB_OK)
		return rc;
	if ((rc = spaces_json(ctx, BB_ROLE_READ, &readable, err)) == BB_OK &&
	    (rc = spaces_json(ctx, BB_ROLE_ADMIN, &admin, err)) == BB_OK)
		rc = list_query(ctx, &acc, readable, admin, out, n, err);
	if (rc != BB_OK) {
		integration_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	free(readable);
	free(admin);
	account_free(&acc);
	return rc;
}

/* ---- helpers for the wizard ---------------------------------------------- */

/* The trimmed name and its slug, both malloc'd. */
static bb_code name_and_slug(const char *name, char **trimmed, char **slug, bb_err *err)
{
	*slug = NULL;
	if (!(*trimmed = validate_trim(name ? name : "")))
		return bb_oom(err);
	if (!(*slug = malloc(strlen(*trimmed) + 1))) {
		free(*trimmed);
		*trimmed = NULL;
		return bb_oom(err);
	}
	validate_slugify(*trimmed, *slug, strlen(*trimmed) + 1);
	return BB_OK;
}

/* The name of the integration holding slug into holder; 1 if any. */
static int slug_holder(bb_ctx *ctx, const char *slug, char *holder, size_t size)
{
	return integration_store_slug_holder(ctx->db, slug, holder, size);
}

int integration_slug_taken(bb_ctx *ctx, const char *name, char *holder, size_t size)
{
	char *trimmed, *slug;
	int found;

	if (name_and_slug(name, &trimmed, &slug, NULL) != BB_OK)
		return 0;
	found = *slug && slug_holder(ctx, slug, holder, size);
	free(trimmed);
	free(slug);
	return found;
}

bb_code integration_endpoint_for(bb_ctx *ctx, const char *name, char **out, bb_err *err)
{
	bb_account acc = {0};
	char *trimmed = NULL, *slug = NULL;
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	*out = NULL;
	if ((rc = account_get(ctx, &acc, err)) != BB_OK)
		return rc;
	if ((rc = name_and_slug(name, &trimmed, &slug, err)) == BB_OK && !*slug)
		rc = bb_fail(err, BB_INVALID, "The name needs at least one Latin letter or digit "
			     "(a-z, 0-9): the webhook endpoint is built from them.");
	if (rc == BB_OK && !(*out = endpoint_of(&acc, slug)))
		rc = bb_oom(err);
	free(trimmed);
	free(slug);
	account_free(&acc);
	return rc;
}

/* The name of the default integration into name (size bytes); 1 if one exists. */
static int default_holder(bb_ctx *ctx, char *name, size_t size)
{
	return integration_store_default_holder(ctx->db, name, size);
}

static bb_code default_exists(const char *holder, bb_err *err)
{
	return bb_fail(err, BB_INVALID, "The default integration \"%s\" exists already and there "
		       "can be only one; create a space integration instead.", holder);
}

bb_code integration_default_allowed(bb_ctx *ctx, int *ok, bb_err *why)
{
	char holder[BB_NAME_MAX * 4 + 1];
	bb_err local;
	bb_code rc;

	if (!why)
		why = &local;
	*ok = 0;
	bb_err_clear(why);
	if ((rc = space_require_user(ctx, why)) != BB_OK)
		return rc;
	if (default_holder(ctx, holder, sizeof holder)) {
		default_exists(holder, why);
		return BB_OK;
	}
	rc = need_admin(ctx, BB_ROOT_SPACE, "Creating the default integration", why);
	if (rc == BB_DENIED)
		return BB_OK; /* the answer is "no", with why->msg saying why */
	*ok = rc == BB_OK;
	return rc;
}

/* ---- creating ------------------------------------------------------------ */

/* The cleaned values of a new integration. */
typedef struct fields {
	char *name, *slug, *email;
	const char *space, *description, *checks;
	bb_strlist labels, workspaces;
} fields;

static void fields_free(fields *f)
{
	free(f->name);
	free(f->slug);
	free(f->email);
	strlist_free(&f->labels);
	strlist_free(&f->workspaces);
}

/* Workspaces: each trimmed and valid; duplicates (any case) dropped. */
static bb_code clean_workspaces(const bb_strlist *in, bb_strlist *out, bb_err *err)
{
	bb_code rc = BB_OK;

	for (size_t i = 0; in && i < in->n && rc == BB_OK; i++) {
		char *t = validate_trim(in->v[i]);
		int dup = 0;

		if (!t)
			return bb_oom(err);
		for (size_t j = 0; j < out->n; j++)
			dup |= strcasecmp(out->v[j], t) == 0;
		if ((rc = validate_workspace(t, err)) == BB_OK && !dup && strlist_push(out, t) != 0)
			rc = bb_oom(err);
		free(t);
	}
	if (rc != BB_OK)
		strlist_free(out);
	return rc;
}

static bb_code check_checks(const char *mode, const bb_account *acc, bb_err *err)
{
	bb_code rc = validate_checks_mode(mode, err);

	if (rc != BB_OK || strcmp(mode, "individual") == 0 ||
	    account_plan_allows_aggregated(acc->plan))
		return rc;
	return bb_fail(err, BB_INVALID, "The VCS checks mode %s needs the business or enterprise "
		       "plan, and this account is on the %s plan; use individual, or upgrade the "
		       "plan.", mode, acc->plan);
}

/* Which space, and may ctx->user create an integration there. */
static bb_code check_placement(bb_ctx *ctx, const bb_integration_input *in, fields *f,
			       bb_err *err)
{
	char doing[BB_MSG_MAX / 2];
	bb_code rc;

	if (in->is_default) {
		f->space = BB_ROOT_SPACE;
		return need_admin(ctx, BB_ROOT_SPACE, "Creating the default integration", err);
	}
	if (!in->space || !*in->space)
		return bb_fail(err, BB_INVALID, "A space integration needs a space; choose the "
			       "space it will live in.");
	if ((rc = validate_space_name(in->space, err)) != BB_OK)
		return rc;
	f->space = in->space;
	snprintf(doing, sizeof doing, "Creating an integration in space %s", in->space);
	return need_admin(ctx, in->space, doing, err);
}

static bb_code clean_input(bb_ctx *ctx, const bb_account *acc, const bb_integration_input *in,
			   fields *f, bb_err *err)
{
	bb_code rc;

	if ((rc = validate_name(in->name, err)) != BB_OK ||
	    (rc = name_and_slug(in->name, &f->name, &f->slug, err)) != BB_OK ||
	    (rc = check_placement(ctx, in, f, err)) != BB_OK)
		return rc;
	if (!(f->email = validate_trim(in->email ? in->email : "")))
		return bb_oom(err);
	f->description = in->description ? in->description : "";
	f->checks = in->vcs_checks ? in->vcs_checks : "individual";
	if ((rc = validate_email(f->email, err)) != BB_OK ||
	    (rc = validate_token(in->token, err)) != BB_OK ||
	    (rc = validate_labels(in->labels, &f->labels, err)) != BB_OK ||
	    (rc = validate_description(f->description, err)) != BB_OK ||
	    (rc = check_checks(f->checks, acc, err)) != BB_OK)
		return rc;
	return clean_workspaces(in->workspaces, &f->workspaces, err);
}

/* Rules that depend on the other rows, checked under the write lock. */
static bb_code check_unique(bb_ctx *ctx, const fields *f, int is_def, bb_err *err)
{
	char holder[BB_NAME_MAX * 4 + 1];

	if (slug_holder(ctx, f->slug, holder, sizeof holder))
		return bb_fail(err, BB_INVALID, "The name \"%s\" gives the slug %s, already used by "
			       "the integration \"%s\"; choose another name.", f->name, f->slug,
			       holder);
	if (is_def && default_holder(ctx, holder, sizeof holder))
		return default_exists(holder, err);
	return BB_OK;
}

static bb_code insert_row(bb_ctx *ctx, const fields *f, int is_def, const char *token,
			  bb_err *err)
{
	char secret[BB_WEBHOOK_SECRET_HEX + 1], now[BB_TIME_LEN];
	integration_row r = {.slug = f->slug, .name = f->name,
			     .type = is_def ? TYPE_DEFAULT : TYPE_SPACE, .space = f->space,
			     .email = f->email, .description = f->description,
			     .checks = f->checks, .now = now, .user = ctx->user};
	unsigned char *tok = NULL, *sec = NULL;
	char *labels = strlist_to_json(&f->labels), *ws = strlist_to_json(&f->workspaces);
	bb_code rc = labels && ws ? BB_OK : bb_oom(err);

	util_now(now);
	if (rc == BB_OK && (rc = secret_webhook_new(secret, err)) == BB_OK &&
	    (rc = encrypt_text(ctx, secret, &sec, &r.secret_len, err)) == BB_OK &&
	    (rc = encrypt_text(ctx, token, &tok, &r.token_len, err)) == BB_OK) {
		r.token = tok;
		r.secret = sec;
		r.labels = labels;
		r.workspaces = ws;
		rc = integration_store_insert(ctx->db, &r, err);
	}
	secret_wipe(secret, sizeof secret);
	free(tok);
	free(sec);
	free(labels);
	free(ws);
	return rc;
}

static cJSON *create_details(const fields *f, int is_def)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "name", f->name);
	cJSON_AddStringToObject(d, "type", is_def ? TYPE_DEFAULT : TYPE_SPACE);
	cJSON_AddStringToObject(d, "space", f->space);
	cJSON_AddStringToObject(d, "email", f->email);
	cJSON_AddStringToObject(d, "token", "set");
	cJSON_AddItemToObject(d, "labels", json_strlist(&f->labels));
	cJSON_AddStringToObject(d, "description", f->description);
	cJSON_AddStringToObject(d, "vcs_checks", f->checks);
	cJSON_AddItemToObject(d, "workspaces", json_strlist(&f->workspaces));
	cJSON_AddStringToObject(d, "webhook_secret", "generated");
	return d;
}

static bb_code store_new(bb_ctx *ctx, const fields *f, int is_def, const char *token,
			 bb_err *err)
{
	bb_code rc = db_begin(ctx->db, err);

	if (rc != BB_OK)
		return rc;
	if ((rc = check_unique(ctx, f, is_def, err)) == BB_OK &&
	    (rc = insert_row(ctx, f, is_def, token, err)) == BB_OK)
		rc = audit_json(ctx, "integration.create", f->slug, create_details(f, is_def), err);
	return db_finish(ctx->db, rc, err);
}

bb_code integration_create(bb_ctx *ctx, const bb_integration_input *in, bb_integration *out,
			   bb_err *err)
{
	bb_account acc = {0};
	fields f = {0};
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	if (out)
		memset(out, 0, sizeof *out);
	if ((rc = user_account(ctx, &acc, err)) != BB_OK)
		return rc;
	if ((rc = clean_input(ctx, &acc, in, &f, err)) == BB_OK &&
	    (rc = store_new(ctx, &f, in->is_default, in->token, err)) == BB_OK && out)
		rc = integration_get(ctx, f.slug, 0, out, err);
	fields_free(&f);
	account_free(&acc);
	return rc;
}

/* ---- updating ------------------------------------------------------------ */

/* The values an update writes: the current ones unless changed. */
typedef struct change {
	const char *space, *email, *description, *checks;
	const bb_strlist *labels, *workspaces;
	char *email_own;
	bb_strlist labels_own, workspaces_own;
	unsigned char *token;
	size_t token_len;
	cJSON *details; /* changed field -> new value */
} change;

static void change_free(change *c)
{
	free(c->email_own);
	strlist_free(&c->labels_own);
	strlist_free(&c->workspaces_own);
	free(c->token);
	cJSON_Delete(c->details);
}

/* Every stack using it must still be able to use it from new_space. */
static bb_code check_move_keeps_stacks(bb_ctx *ctx, const bb_integration *it,
				       const char *new_space, bb_err *err)
{
	bb_strlist spaces = {0};
	int ok = 1;
	bb_code rc = integration_store_stack_spaces(ctx->db, it->slug, &spaces, err);

	for (size_t i = 0; rc == BB_OK && ok && i < spaces.n; i++) {
		const char *s = spaces.v[i];

		if ((rc = space_usable(ctx, new_space, 0, s, &ok, err)) == BB_OK && !ok)
			rc = bb_fail(err, BB_INVALID, "Moving the integration \"%s\" to space %s would "
				     "leave its stacks in space %s unable to use it (%s does not "
				     "inherit from %s); give those stacks another integration first.",
				     it->name, new_space, s, s, new_space);
	}
	strlist_free(&spaces);
	return rc;
}

static bb_code change_space(bb_ctx *ctx, const bb_integration *it, const char *space,
			    change *c, bb_err *err)
{
	char doing[BB_MSG_MAX / 2];
	bb_code rc;

	if (!space || strcmp(space, it->space) == 0)
		return BB_OK;
	if (is_default(it))
		return bb_fail(err, BB_INVALID, "The default integration \"%s\" always lives in "
			       "space root; only space integrations can move.", it->name);
	if ((rc = validate_space_name(space, err)) != BB_OK)
		return rc;
	snprintf(doing, sizeof doing, "Moving the integration \"%s\" to space %s", it->name,
		 space);
	if ((rc = need_admin(ctx, space, doing, err)) != BB_OK ||
	    (rc = check_move_keeps_stacks(ctx, it, space, err)) != BB_OK)
		return rc;
	c->space = space;
	cJSON_AddStringToObject(c->details, "space", space);
	return BB_OK;
}

static bb_code change_text(bb_ctx *ctx, const bb_integration *it, const bb_account *acc,
			   const bb_integration_update *up, change *c, bb_err *err)
{
	bb_code rc;

	if (up->email) {
		if (!(c->email_own = validate_trim(up->email)))
			return bb_oom(err);
		if ((rc = validate_email(c->email_own, err)) != BB_OK)
			return rc;
		if (strcmp(c->email_own, it->email) != 0) {
			c->email = c->email_own;
			cJSON_AddStringToObject(c->details, "email", c->email);
		}
	}
	if (up->token) {
		if ((rc = validate_token(up->token, err)) != BB_OK ||
		    (rc = encrypt_text(ctx, up->token, &c->token, &c->token_len, err)) != BB_OK)
			return rc;
		cJSON_AddStringToObject(c->details, "token", "changed");
	}
	if (up->description && strcmp(up->description, it->description) != 0) {
		if ((rc = validate_description(up->description, err)) != BB_OK)
			return rc;
		c->description = up->description;
		cJSON_AddStringToObject(c->details, "description", c->description);
	}
	if (up->vcs_checks && strcmp(up->vcs_checks, it->vcs_checks) != 0) {
		if ((rc = check_checks(up->vcs_checks, acc, err)) != BB_OK)
			return rc;
		c->checks = up->vcs_checks;
		cJSON_AddStringToObject(c->details, "vcs_checks", c->checks);
	}
	return BB_OK;
}

static bb_code change_lists(const bb_integration *it, const bb_integration_update *up,
			    change *c, bb_err *err)
{
	bb_code rc;

	if (up->has_labels) {
		if ((rc = validate_labels(up->labels, &c->labels_own, err)) != BB_OK)
			return rc;
		if (!strlist_equal(&c->labels_own, &it->labels)) {
			c->labels = &c->labels_own;
			cJSON_AddItemToObject(c->details, "labels", json_strlist(c->labels));
		}
	}
	if (up->has_workspaces) {
		if ((rc = clean_workspaces(up->workspaces, &c->workspaces_own, err)) != BB_OK)
			return rc;
		if (!strlist_equal(&c->workspaces_own, &it->workspaces)) {
			c->workspaces = &c->workspaces_own;
			cJSON_AddItemToObject(c->details, "workspaces", json_strlist(c->workspaces));
		}
	}
	return BB_OK;
}

static bb_code stale(const bb_integration *it, bb_err *err)
{
	return bb_fail(err, BB_TEMP, "The integration \"%s\" was changed by someone else since you "
		       "opened it; reload and try again.", it->name);
}

static bb_code write_update(bb_ctx *ctx, const bb_integration *it,
			    const bb_integration_update *up, const change *c, bb_err *err)
{
	char *labels = strlist_to_json(c->labels), *ws = strlist_to_json(c->workspaces);
	char now[BB_TIME_LEN];
	integration_change_row r = {
		.slug = it->slug, .space = c->space, .email = c->email, .token = c->token,
		.token_len = c->token_len, .labels = labels, .description = c->description,
		.checks = c->checks, .workspaces = ws, .now = now, .user = ctx->user,
		.expect_version = up->expect_version > 0 ? up->expect_version : it->version,
		.expect_updated_at = up->expect_updated_at};
	int written = 0;
	bb_code rc = labels && ws ? BB_OK : bb_oom(err);

	util_now(now);
	if (rc == BB_OK && (rc = integration_store_update(ctx->db, &r, &written, err)) == BB_OK &&
	    !written)
		rc = stale(it, err);
	free(labels);
	free(ws);
	return rc;
}

static int is_stale(const bb_integration *it, const bb_integration_update *up)
{
	return (up->expect_version > 0 && up->expect_version != it->version) ||
	       (up->expect_updated_at && strcmp(up->expect_updated_at, it->updated_at) != 0);
}

typedef struct update_args {
	const bb_account *acc;
	const bb_integration_update *up;
} update_args;

/* Inside the transaction: checks, then writes and audits what changed. */
static bb_code update_locked(bb_ctx *ctx, const bb_integration *it, void *arg, bb_err *err)
{
	const bb_account *acc = ((update_args *)arg)->acc;
	const bb_integration_update *up = ((update_args *)arg)->up;
	change c = {.space = it->space, .email = it->email, .description = it->description,
		    .checks = it->vcs_checks, .labels = &it->labels,
		    .workspaces = &it->workspaces, .details = cJSON_CreateObject()};
	bb_code rc = c.details ? BB_OK : bb_oom(err);

	if (rc == BB_OK &&
	    (rc = need_admin_of(ctx, it, "Changing", err)) == BB_OK &&
	    (rc = change_space(ctx, it, up->space, &c, err)) == BB_OK &&
	    (rc = change_text(ctx, it, acc, up, &c, err)) == BB_OK &&
	    (rc = change_lists(it, up, &c, err)) == BB_OK) {
		if (!cJSON_GetArraySize(c.details))
			rc = is_stale(it, up) ? stale(it, err) : BB_OK; /* nothing to write */
		else if ((rc = write_update(ctx, it, up, &c, err)) == BB_OK) {
			rc = audit_json(ctx, "integration.update", it->slug, c.details, err);
			c.details = NULL;
		}
	}
	change_free(&c);
	return rc;
}

bb_code integration_update(bb_ctx *ctx, const char *name_or_slug,
			   const bb_integration_update *up, bb_err *err)
{
	bb_account acc = {0};
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	if ((rc = user_account(ctx, &acc, err)) != BB_OK)
		return rc;
	rc = with_loaded(ctx, name_or_slug, 1, update_locked, &(update_args){&acc, up}, err);
	account_free(&acc);
	return rc;
}

/* ---- secret, delete, credentials, verification --------------------------- */

static bb_code rotate_locked(bb_ctx *ctx, const bb_integration *it, void *arg, bb_err *err)
{
	char *secret_out = arg; /* 65 bytes */
	/* the old secret stays valid for a grace period: deliveries Bitbucket
	 * signs before the admin pastes the new one are not lost */
	char now[BB_TIME_LEN], until[BB_TIME_LEN];
	unsigned char *blob = NULL;
	size_t len = 0;
	cJSON *d = cJSON_CreateObject();
	bb_code rc;

	util_now(now);
	if (util_time_add(now, BB_SECRET_GRACE_SECONDS, until) != 0)
		snprintf(until, sizeof until, "%s", now);
	cJSON_AddStringToObject(d, "webhook_secret", "rotated");
	if ((rc = need_admin_of(ctx, it, "Rotating the webhook secret of", err)) == BB_OK &&
	    (rc = secret_webhook_new(secret_out, err)) == BB_OK &&
	    (rc = encrypt_text(ctx, secret_out, &blob, &len, err)) == BB_OK)
		rc = integration_store_rotate(ctx->db, it->slug, blob, len, until, now, ctx->user,
					      err);
	free(blob);
	if (rc == BB_OK) {
		rc = audit_json(ctx, "integration.rotate_secret", it->slug, d, err);
		d = NULL;
	}
	cJSON_Delete(d);
	return rc;
}

bb_code integration_rotate_secret(bb_ctx *ctx, const char *name_or_slug, char secret_out[65],
				  bb_err *err)
{
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	secret_out[0] = '\0';
	if ((rc = with_loaded(ctx, name_or_slug, 1, rotate_locked, secret_out, err)) != BB_OK)
		secret_wipe(secret_out, 65);
	return rc;
}

static bb_code delete_locked(bb_ctx *ctx, const bb_integration *it, void *arg, bb_err *err)
{
	long *detached = arg;
	cJSON *d;
	bb_code rc;

	if ((rc = need_admin_of(ctx, it, "Deleting", err)) != BB_OK ||
	    (rc = integration_store_delete(ctx->db, it->slug, it->name, detached, err)) != BB_OK)
		return rc;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "name", it->name);
	cJSON_AddStringToObject(d, "type", it->type);
	cJSON_AddStringToObject(d, "space", it->space);
	cJSON_AddNumberToObject(d, "detached", (double)*detached);
	return audit_json(ctx, "integration.delete", it->slug, d, err);
}

bb_code integration_delete(bb_ctx *ctx, const char *name_or_slug, long *detached, bb_err *err)
{
	long n = 0;
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	rc = with_loaded(ctx, name_or_slug, 1, delete_locked, &n, err);
	if (detached)
		*detached = rc == BB_OK ? n : 0;
	return rc;
}

static bb_code may_use(bb_ctx *ctx, const bb_integration *it, void *arg, bb_err *err)
{
	(void)arg;
	return need_admin_of(ctx, it, "Using the credentials of", err);
}

bb_code integration_may_use(bb_ctx *ctx, const char *name_or_slug, bb_err *err)
{
	bb_err local;

	return with_loaded(ctx, name_or_slug, 0, may_use, NULL, err ? err : &local);
}

typedef struct creds_args {
	char **email, **token;
} creds_args;

static bb_code read_credentials(bb_ctx *ctx, const bb_integration *it, void *arg, bb_err *err)
{
	creds_args *a = arg;
	bb_code rc;

	if ((rc = may_use(ctx, it, NULL, err)) == BB_OK &&
	    (rc = read_secret(ctx, it->slug, INTEGRATION_TOKEN, a->token, err)) == BB_OK &&
	    !(*a->email = strdup(it->email))) {
		secret_free(*a->token);
		*a->token = NULL;
		rc = bb_oom(err);
	}
	return rc;
}

bb_code integration_credentials(bb_ctx *ctx, const char *name_or_slug, char **email,
				char **token, bb_err *err)
{
	bb_err local;

	*email = NULL;
	*token = NULL;
	return with_loaded(ctx, name_or_slug, 0, read_credentials, &(creds_args){email, token},
			   err ? err : &local);
}

typedef struct verified_args {
	int ok;
	const char *message;
} verified_args;

static bb_code record_verified(bb_ctx *ctx, const bb_integration *it, void *arg, bb_err *err)
{
	const verified_args *a = arg;
	char now[BB_TIME_LEN];
	bb_code rc;

	util_now(now);
	if ((rc = need_admin_of(ctx, it, "Verifying", err)) == BB_OK)
		rc = integration_store_verified(ctx->db, it->slug, a->ok, a->message, now, err);
	return rc;
}

bb_code integration_record_verify(bb_ctx *ctx, const char *name_or_slug, int ok,
				  const char *message, bb_err *err)
{
	bb_err local;

	return with_loaded(ctx, name_or_slug, 0, record_verified, &(verified_args){ok, message},
			   err ? err : &local);
}

/* ---- delivery retention ---------------------------------------------------- */

static bb_code check_retention(long keep, long days, bb_err *err)
{
	if (keep < 0 || keep > 1000000)
		return bb_fail(err, BB_INVALID, "Keep between 1 and 1,000,000 deliveries per "
			       "integration.");
	if (days < 0 || days > 3650)
		return bb_fail(err, BB_INVALID, "Keep deliveries between 1 and 3,650 days.");
	return BB_OK;
}

static bb_code retention_locked(bb_ctx *ctx, const bb_integration *it, void *arg, bb_err *err)
{
	long keep = ((const long *)arg)[0], days = ((const long *)arg)[1];
	cJSON *details;
	bb_code rc;

	if ((rc = need_admin_of(ctx, it, "Changing the delivery retention of", err)) != BB_OK ||
	    (rc = integration_store_retention(ctx->db, it->slug, keep, days, err)) != BB_OK)
		return rc;
	details = cJSON_CreateObject();
	if (keep > 0)
		cJSON_AddNumberToObject(details, "keep_deliveries", (double)keep);
	if (days > 0)
		cJSON_AddNumberToObject(details, "keep_days", (double)days);
	return audit_json(ctx, "integration.retention", it->slug, details, err);
}

bb_code integration_set_retention(bb_ctx *ctx, const char *name_or_slug, long keep, long days,
				  bb_err *err)
{
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	if ((rc = check_retention(keep, days, err)) != BB_OK)
		return rc;
	return with_loaded(ctx, name_or_slug, 1, retention_locked, (long[]){keep, days}, err);
}

/* ---- token expiry -------------------------------------------------------------------- */

bb_code integration_check_expiry(const char *date, bb_err *err)
{
	struct tm tm = {0};
	char back[16];
	const char *end;

	if (!date || strlen(date) != 10 || !(end = strptime(date, "%Y-%m-%d", &tm)) || *end)
		return bb_fail(err, BB_USAGE, "The token expiry date must be written YYYY-MM-DD, "
			       "like 2026-12-31: the date you chose when creating the API token.");
	tm.tm_isdst = 0;
	/* strptime accepts 2026-02-31: a real date prints back the same */
	if (timegm(&tm) == (time_t)-1 || !strftime(back, sizeof back, "%Y-%m-%d", &tm) ||
	    strcmp(back, date) != 0)
		return bb_fail(err, BB_USAGE, "The token expiry date %s is not a real date: write it "
			       "YYYY-MM-DD, like 2026-12-31.", date);
	return BB_OK;
}

long integration_expiry_days(const char *date, const char *now)
{
	struct tm a = {0}, b = {0};

	if (!date || !now || !strptime(date, "%Y-%m-%d", &a) || !strptime(now, "%Y-%m-%d", &b))
		return LONG_MAX;
	return (long)((timegm(&a) - timegm(&b)) / 86400);
}

static bb_code token_expires_locked(bb_ctx *ctx, const bb_integration *it, void *arg,
				   bb_err *err)
{
	const char *date = arg;
	cJSON *details;
	bb_code rc;

	if ((rc = need_admin_of(ctx, it, "Changing", err)) != BB_OK ||
	    (rc = integration_store_token_expires(ctx->db, it->slug, date, err)) != BB_OK)
		return rc;
	details = cJSON_CreateObject();
	if (date && *date)
		cJSON_AddStringToObject(details, "token_expires", date);
	else
		cJSON_AddNullToObject(details, "token_expires");
	return audit_json(ctx, "integration.update", it->slug, details, err);
}

bb_code integration_set_token_expires(bb_ctx *ctx, const char *name_or_slug, const char *date,
				      bb_err *err)
{
	bb_err local;

	if (!err)
		err = &local;
	if (date && *date && integration_check_expiry(date, err) != BB_OK)
		return err->code;
	return with_loaded(ctx, name_or_slug, 1, token_expires_locked, (void *)(uintptr_t)date,
			   err);
}

const char *integration_credentials_word(const bb_integration *it)
{
	if (!it->token_set)
		return "no token";
	if (!it->verify_known)
		return "token set";
	return it->verify_ok ? "verified" : "verify failed";
}
