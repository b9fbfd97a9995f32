/* cmd_integration.c - integration create, list, show, update, rotate-secret
 * and delete. Core enforces every rule; this file parses and presents. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_hooks.h"
#include "integration.h"
#include "secret.h"
#include "stack.h"
#include "validate.h"

#define MASKED "\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022 (use --reveal-secret)"

/* SPEC section 2: details (email, endpoint, secret) are absent, not null,
 * for users who may not see them; the secret is null until revealed. */
static cJSON *integration_json(const bb_integration *it)
{
	cJSON *o = cJSON_CreateObject();

	cli_json_add_str(o, "name", it->name);
	cli_json_add_str(o, "slug", it->slug);
	cli_json_add_str(o, "type", it->type);
	cli_json_add_str(o, "space", it->space);
	if (it->details_visible)
		cli_json_add_str(o, "email", it->email);
	cli_json_add_list(o, "labels", &it->labels);
	cli_json_add_str(o, "description", it->description ? it->description : "");
	cli_json_add_str(o, "vcs_checks", it->vcs_checks);
	cli_json_add_list(o, "workspaces", &it->workspaces);
	if (it->details_visible) {
		cli_json_add_str(o, "webhook_endpoint", it->webhook_endpoint);
		cli_json_add_str(o, "webhook_secret", it->webhook_secret);
	}
	cJSON_AddBoolToObject(o, "token_set", it->token_set);
	cli_json_add_str(o, "token_expires", it->token_expires);
	cli_json_add_str(o, "created_at", it->created_at);
	cli_json_add_str(o, "updated_at", it->updated_at);
	cJSON_AddNumberToObject(o, "stacks", (double)it->stacks);
	return o;
}

/* "a, b, c" (labels never hold commas); malloc'd. */
static char *join(const bb_strlist *l)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + 2;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, l->v[i]);
	}
	return s;
}

static void put_line(FILE *f, const char *label, const char *value)
{
	fprintf(f, "%-18s", label);
	cli_put_safe(f, value && value[0] ? value : "-", 0);
	fputc('\n', f);
}

static void put_list_line(FILE *f, const char *label, const bb_strlist *l)
{
	char *s = join(l);

	put_line(f, label, s);
	free(s);
}

static void put_hidden(FILE *f, const char *label, const bb_integration *it)
{
	fprintf(f, "%-18shidden: needs admin in space ", label);
	cli_put_safe(f, it->space, 0);
	fputc('\n', f);
}

static void put_by(FILE *f, const char *label, const char *at, const char *by)
{
	char when[64];

	util_local_time(at, 1, when, sizeof when);
	fprintf(f, "%-18s", label);
	cli_put_safe(f, when, 0);
	fputs(" by ", f);
	cli_put_safe(f, by, 0);
	fputc('\n', f);
}

static void put_description(FILE *f, const char *text)
{
	char *safe = validate_sanitize(text ? text : "", 1);
	const char *p = safe;

	if (!p || !*p) {
		fprintf(f, "%-18s-\n", "Description:"); /* in the column of the others */
		free(safe);
		return;
	}
	fputs("Description:\n", f);
	while (*p) {
		size_t n = strcspn(p, "\n");

		fprintf(f, "  %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	free(safe);
}

static void put_details(FILE *f, const bb_integration *it)
{
	char token[96], when[64];

	if (!it->details_visible) {
		put_hidden(f, "Email:", it);
		put_hidden(f, "API token:", it);
		put_hidden(f, "Webhook endpoint:", it);
		put_hidden(f, "Webhook secret:", it);
		return;
	}
	put_line(f, "Email:", it->email);
	util_local_time(it->token_updated_at, 1, when, sizeof when);
	snprintf(token, sizeof token, "set, updated %s", when);
	put_line(f, "API token:", it->token_set ? token : "not set");
	if (it->token_expires)
		put_line(f, "Token expires:", it->token_expires);
	put_line(f, "Webhook endpoint:", it->webhook_endpoint);
	put_line(f, "Webhook secret:", it->webhook_secret ? it->webhook_secret : MASKED);
	if (it->secret_grace_until) {
		util_local_time(it->secret_grace_until, 1, when, sizeof when);
		fprintf(f, "%-18sthe previous secret is accepted until %s\n", "Secret grace:",
			when);
	}
}

static void put_integration(FILE *f, const bb_integration *it)
{
	char stacks[32], when[64];

	put_line(f, "Name:", it->name);
	put_line(f, "Slug:", it->slug);
	put_line(f, "Type:", it->type);
	put_line(f, "Space:", it->space);
	put_details(f, it);
	put_list_line(f, "Labels:", &it->labels);
	put_list_line(f, "Workspaces:", &it->workspaces);
	put_line(f, "VCS checks:", it->vcs_checks);
	snprintf(stacks, sizeof stacks, "%ld", it->stacks);
	put_line(f, "Stacks:", stacks);
	put_by(f, "Created:", it->created_at, it->created_by);
	put_by(f, "Updated:", it->updated_at, it->updated_by);
	if (it->details_visible && it->verify_known) {
		util_local_time(it->verified_at, 1, when, sizeof when);
		fprintf(f, "%-18s%s at ", "Verified:", it->verify_ok ? "ok" : "failed");
		cli_put_safe(f, when, 0);
		if (it->verify_message) {
			fputs(": ", f);
			cli_put_safe(f, it->verify_message, 0);
		}
		fputc('\n', f);
	}
	put_description(f, it->description);
}

/* After a create: stacks detached from an integration of the same name are
 * re-attached on request, or pointed out. */
static bb_code offer_reattach(cli *c, const bb_integration *it, bb_err *err)
{
	bb_stack_filter f = {0};
	long n = 0;

	if (cli_has(c, "reattach")) {
		if (stack_reattach(c->ctx, it->name, it->slug, &n, err) != BB_OK)
			return err->code;
		if (!c->json)
			fprintf(c->out, "Re-attached %ld stacks and modules.\n", n);
		return BB_OK;
	}
	f.detached_only = 1;
	f.detached_from = it->name;
	if (stack_count(c->ctx, &f, &n, err) != BB_OK)
		return err->code;
	if (n > 0 && !c->json)
		fprintf(c->out, "%ld stacks and modules were detached from an integration of this "
			"name; re-attach them with bbconsole stack set-integration STACK %s, or "
			"create with --reattach.\n", n, it->slug);
	return BB_OK;
}

static void say_created(cli *c, const bb_integration *it)
{
	fputs("Created integration ", c->out);
	cli_put_safe(c->out, it->name, 0);
	fputs(" (slug ", c->out);
	cli_put_safe(c->out, it->slug, 0);
	fputs(").\nWebhook endpoint: ", c->out);
	cli_put_safe(c->out, it->webhook_endpoint ? it->webhook_endpoint : "-", 0);
	fputs("\nAdd a webhook with this URL in Bitbucket; see its secret with "
	      "bbconsole integration show ", c->out);
	cli_put_safe(c->out, it->slug, 0);
	fputs(" --reveal-secret\n", c->out);
}

/* The token's expiry is a date only the user knows: kept beside the row. */
static bb_code record_expiry(cli *c, bb_integration *it, bb_err *err)
{
	const char *date = cli_get(c, "token-expires");

	if (!cli_has(c, "token-expires"))
		return BB_OK;
	if (integration_set_token_expires(c->ctx, it->slug, date, err) != BB_OK)
		return err->code;
	free(it->token_expires);
	it->token_expires = date && *date ? strdup(date) : NULL;
	return BB_OK;
}

/* A warning on stderr when the token expires within the warning window. */
static void warn_expiry(const bb_integration *it)
{
	char now[BB_TIME_LEN];
	long days;

	util_now(now);
	days = integration_expiry_days(it->token_expires, now);
	if (days > BB_TOKEN_EXPIRY_WARN_DAYS)
		return;
	fputs("bbconsole: warning: the API token of ", stderr);
	cli_put_safe(stderr, it->name, 0);
	if (days < 0)
		fprintf(stderr, " expired on %s", it->token_expires);
	else
		fprintf(stderr, " expires on %s (in %ld day%s)", it->token_expires, days,
			days == 1 ? "" : "s");
	fputs(": create a new one and give it with integration update --token-stdin.\n", stderr);
}

static bb_code create_with(cli *c, const bb_integration_input *in, bb_err *err)
{
	bb_integration it = {0};
	bb_code rc;

	if (cli_has(c, "token-expires") && *cli_get(c, "token-expires") &&
	    integration_check_expiry(cli_get(c, "token-expires"), err) != BB_OK)
		return err->code; /* before anything is created */
	rc = integration_create(c->ctx, in, &it, err);
	if (rc == BB_OK)
		rc = record_expiry(c, &it, err);
	if (rc == BB_OK) {
		if (!c->json)
			say_created(c, &it);
		rc = offer_reattach(c, &it, err);
	}
	if (rc == BB_OK && c->json)
		rc = cli_json_print(c, integration_json(&it), err);
	integration_free(&it);
	return rc;
}

bb_code cmd_integration_create(cli *c, bb_err *err)
{
	bb_integration_input in = {0};
	char *token;
	bb_code rc;

	in.is_default = cli_has(c, "default");
	in.space = cli_get(c, "space");
	if (in.is_default == (in.space != NULL))
		return cli_usage(c, err, "Give exactly one of --default and --space SPACE");
	if (cli_read_token(&token, err) != BB_OK)
		return err->code;
	in.name = cli_get(c, "name");
	in.email = cli_get(c, "email");
	in.token = token;
	in.labels = cli_list(c, "label");
	in.description = cli_get(c, "description");
	in.vcs_checks = cli_get(c, "checks");
	in.workspaces = cli_list(c, "workspace");
	rc = create_with(c, &in, err);
	secret_free(token);
	return rc;
}

static const char *credential_state(const bb_integration *it)
{
	if (!it->details_visible)
		return "hidden";
	return integration_credentials_word(it); /* the console's words too */
}

static void list_table(cli *c, const bb_integration *v, size_t n)
{
	static const char *const head[] = {"NAME", "SLUG", "TYPE", "SPACE", "LABELS", "STACKS",
					   "CREDENTIALS"};
	cli_table t;

	cli_table_init(&t, 7, head);
	for (size_t i = 0; i < n; i++) {
		char stacks[32], *labels = join(&v[i].labels);
		const char *row[] = {v[i].name, v[i].slug, v[i].type, v[i].space, labels, stacks,
				     credential_state(&v[i])};

		snprintf(stacks, sizeof stacks, "%ld", v[i].stacks);
		cli_table_add(&t, row);
		free(labels);
	}
	if (n == 0)
		fputs("No integrations you may see; create one with bbconsole integration create.\n",
		      c->out);
	else
		cli_table_print(&t, c->out);
	cli_table_free(&t);
}

/* --expiring DAYS keeps those whose token expires within DAYS (or has). */
static bb_code keep_expiring(cli *c, bb_integration *v, size_t *n, bb_err *err)
{
	const char *arg = cli_get(c, "expiring");
	char now[BB_TIME_LEN], *end;
	long days;
	size_t w = 0;

	days = arg ? strtol(arg, &end, 10) : 0;
	if (arg && (!*arg || *end || days < 0 || days > 3650))
		return cli_usage(c, err, "--expiring takes a number of days, like 30");
	for (size_t i = 0; i < *n; i++)
		warn_expiry(&v[i]);
	if (!arg)
		return BB_OK;
	util_now(now);
	for (size_t i = 0; i < *n; i++) {
		if (integration_expiry_days(v[i].token_expires, now) <= days)
			v[w++] = v[i];
		else
			integration_free(&v[i]);
	}
	*n = w;
	return BB_OK;
}

bb_code cmd_integration_list(cli *c, bb_err *err)
{
	bb_integration *v;
	size_t n;

	if (integration_list(c->ctx, &v, &n, err) != BB_OK)
		return err->code;
	if (keep_expiring(c, v, &n, err) != BB_OK) {
		integration_list_free(v, n);
		return err->code;
	}
	if (c->json) {
		/* one object per line: readable, and no giant tree */
		fputc('[', c->out);
		for (size_t i = 0; i < n; i++) {
			cJSON *o = integration_json(&v[i]);
			char *text = cJSON_PrintUnformatted(o);

			fputs(i ? ",\n" : "\n", c->out);
			cli_json_put(c->out, text ? text : "null");
			free(text);
			cJSON_Delete(o);
		}
		fputs(n ? "\n]\n" : "]\n", c->out);
	} else {
		list_table(c, v, n);
	}
	integration_list_free(v, n);
	return BB_OK;
}

bb_code cmd_integration_show(cli *c, bb_err *err)
{
	bb_integration it = {0};
	bb_code rc = BB_OK;

	if (integration_get(c->ctx, c->pos[0], cli_has(c, "reveal-secret"), &it, err) != BB_OK)
		return err->code;
	warn_expiry(&it);
	if (c->json)
		rc = cli_json_print(c, integration_json(&it), err);
	else
		put_integration(c->out, &it);
	integration_free(&it);
	return rc;
}

/* --label/--clear-labels (or the workspace pair) into has/list. */
static bb_code list_change(cli *c, const char *opt, const char *clear, int *has,
			   const bb_strlist **list, bb_err *err)
{
	if (cli_has(c, opt) && cli_has(c, clear))
		return cli_usage(c, err, "Give --%s or --%s, not both", opt, clear);
	*has = cli_has(c, opt) || cli_has(c, clear);
	*list = cli_list(c, opt);
	return BB_OK;
}

static bb_code fill_update(cli *c, bb_integration_update *up, bb_err *err)
{
	static const char *const changes[] = {"email", "token-stdin", "label", "clear-labels",
					      "description", "checks", "space", "workspace",
					      "clear-workspaces", "token-expires"};
	int any = 0;

	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
		any |= cli_has(c, changes[i]);
	if (!any)
		return cli_usage(c, err, "Nothing to change: give at least one of --email, "
				 "--token-stdin, --token-expires, --label, --description, --checks, --space, "
				 "--workspace");
	up->email = cli_get(c, "email");
	up->description = cli_get(c, "description");
	up->vcs_checks = cli_get(c, "checks");
	up->space = cli_get(c, "space");
	up->expect_updated_at = cli_get(c, "if-updated-at");
	if (list_change(c, "label", "clear-labels", &up->has_labels, &up->labels, err) ||
	    list_change(c, "workspace", "clear-workspaces", &up->has_workspaces, &up->workspaces,
			err))
		return err->code;
	return BB_OK;
}

static bb_code report_update(cli *c, bb_err *err)
{
	bb_integration it = {0};
	bb_code rc = integration_get(c->ctx, c->pos[0], 0, &it, err);

	if (rc != BB_OK)
		return rc;
	if (c->json) {
		rc = cli_json_print(c, integration_json(&it), err);
	} else {
		fputs("Updated integration ", c->out);
		cli_put_safe(c->out, it.name, 0);
		fprintf(c->out, " (updated_at %s).\n", it.updated_at);
	}
	integration_free(&it);
	return rc;
}

static int only_expiry(cli *c)
{
	static const char *const others[] = {"email", "token-stdin", "label", "clear-labels",
					     "description", "checks", "space", "workspace",
					     "clear-workspaces"};

	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (cli_has(c, others[i]))
			return 0;
	return 1;
}

bb_code cmd_integration_update(cli *c, bb_err *err)
{
	bb_integration_update up = {0};
	char *token = NULL;
	bb_code rc;

	if (fill_update(c, &up, err) != BB_OK)
		return err->code;
	if (cli_has(c, "token-stdin")) {
		if (cli_read_token(&token, err) != BB_OK)
			return err->code;
		up.token = token;
	}
	if (cli_has(c, "token-expires") && *cli_get(c, "token-expires") &&
	    integration_check_expiry(cli_get(c, "token-expires"), err) != BB_OK) {
		secret_free(token);
		return err->code;
	}
	/* only the expiry: the configuration itself does not change */
	rc = only_expiry(c) ? BB_OK : integration_update(c->ctx, c->pos[0], &up, err);
	secret_free(token);
	if (rc == BB_OK && cli_has(c, "token-expires"))
		rc = integration_set_token_expires(c->ctx, c->pos[0], cli_get(c, "token-expires"),
						   err);
	if (rc != BB_OK)
		return rc;
	return report_update(c, err);
}

static bb_code say_rotated(cli *c, const char *secret, bb_err *err)
{
	bb_integration it = {0};
	char when[64];
	cJSON *doc;

	if (integration_get(c->ctx, c->pos[0], 0, &it, err) != BB_OK)
		return err->code;
	if (c->json) {
		doc = cJSON_CreateObject();
		cli_json_add_str(doc, "name", it.name);
		cli_json_add_str(doc, "slug", it.slug);
		cli_json_add_str(doc, "webhook_secret", secret);
		cli_json_add_str(doc, "previous_secret_valid_until", it.secret_grace_until);
		integration_free(&it);
		return cli_json_print(c, doc, err);
	}
	fputs("New webhook secret for ", c->out);
	cli_put_safe(c->out, it.name, 0);
	if (it.secret_grace_until)
		util_local_time(it.secret_grace_until, 1, when, sizeof when);
	fprintf(c->out, ":\n%s\nPut it in the webhook's settings in Bitbucket now: deliveries "
		"signed with the old secret are accepted until %s, refused after.\n", secret,
		it.secret_grace_until ? when : "now");
	integration_free(&it);
	return BB_OK;
}

/* 1 when the person at the terminal answers y or yes. */
static int confirmed(const char *name)
{
	char answer[16] = "";

	fputs("Rotate the webhook secret of ", stderr);
	cli_put_safe(stderr, name, 0);
	fputs("? Every webhook in Bitbucket must then get the new secret; the old one is "
	      "accepted for 24 more hours. [y/N] ", stderr);
	fflush(stderr);
	if (!fgets(answer, sizeof answer, stdin))
		return 0;
	answer[strcspn(answer, "\r\n")] = '\0';
	return strcmp(answer, "y") == 0 || strcmp(answer, "Y") == 0 || strcmp(answer, "yes") == 0;
}

/* Rotating means every webhook must get the new secret before the old one's
 * grace period ends: asked on a terminal; a script says --yes, and without it
 * nothing happens. */
static bb_code confirm_rotation(cli *c, bb_err *err)
{
	bb_integration it = {0};
	bb_code rc = BB_OK;

	if (integration_get(c->ctx, c->pos[0], 0, &it, err) != BB_OK)
		return err->code;
	if (!it.details_visible) /* the rotation would be refused: do not ask first */
		rc = bb_fail(err, BB_DENIED, "Rotating the webhook secret of %s needs admin in space "
			     "%s; ask an admin there.", it.slug, it.space);
	else if (cli_has(c, "yes"))
		rc = BB_OK;
	else if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		rc = bb_fail(err, BB_INVALID, "Nothing was rotated: after a rotation every webhook "
			     "of %s needs the new secret within 24 hours; re-run with --yes to "
			     "rotate.", it.slug);
	else if (!confirmed(it.name))
		rc = bb_fail(err, BB_INVALID, "Nothing was rotated.");
	integration_free(&it);
	return rc;
}

bb_code cmd_integration_rotate(cli *c, bb_err *err)
{
	char secret[BB_WEBHOOK_SECRET_HEX + 1] = "";
	bb_code rc = confirm_rotation(c, err);

	if (rc == BB_OK)
		rc = integration_rotate_secret(c->ctx, c->pos[0], secret, err);
	if (rc == BB_OK)
		rc = say_rotated(c, secret, err);
	secret_wipe(secret, sizeof secret);
	if (rc == BB_OK && cli_has(c, "update-webhooks"))
		rc = cmd_hooks_rekey(c, c->pos[0], err);
	return rc;
}

/* The listing of what a delete would detach. */
typedef struct preview {
	cli *c;
	cli_table t;
	long n;
} preview;

static int preview_row(const bb_stack *s, void *arg)
{
	preview *p = arg;

	if (p->c->json) {
		cli_jbuf b = {0};

		cli_jbuf_lit(&b, p->n ? ",\n" : "\n");
		cli_stack_json(&b, s);
		cli_jbuf_flush(&b, p->c->out);
		cli_jbuf_free(&b);
	} else {
		const char *row[] = {s->kind, s->name, s->space, s->repository};

		cli_table_add(&p->t, row);
	}
	p->n++;
	return 0;
}

static void preview_head(cli *c, const bb_integration *it, FILE *f)
{
	if (c->json) {
		fputs("{\"name\":", f);
		cli_json_write_str(f, it->name);
		fputs(",\"slug\":", f);
		cli_json_write_str(f, it->slug);
		fprintf(f, ",\"deleted\":false,\"detached\":%ld,\"stacks\":[", it->stacks);
		return;
	}
	fputs("Deleting integration ", f);
	cli_put_safe(f, it->name, 0);
	fprintf(f, " would detach %ld stacks and modules (no webhooks, no triggered runs until "
		"an admin sets a new integration):\n", it->stacks);
}

static bb_code delete_preview(cli *c, const bb_integration *it, bb_err *err)
{
	static const char *const head[] = {"KIND", "NAME", "SPACE", "REPOSITORY"};
	FILE *f = c->json ? c->out : stderr;
	bb_stack_filter flt = {0};
	preview p = {c, {0}, 0};
	bb_code rc;

	cli_table_init(&p.t, 4, head);
	preview_head(c, it, f);
	flt.integration = it->slug;
	rc = stack_each(c->ctx, &flt, preview_row, &p, err);
	if (c->json)
		fputs(p.n ? "\n]}\n" : "]}\n", f);
	else if (p.n)
		cli_table_print(&p.t, f);
	cli_table_free(&p.t);
	if (rc != BB_OK)
		return rc;
	return bb_fail(err, BB_INVALID, "Nothing was deleted; re-run with --yes to delete %s "
		       "(re-creating it with the same name keeps its webhook URL).", it->slug);
}

static bb_code delete_now(cli *c, const bb_integration *it, bb_err *err)
{
	long n = 0, refused = 0;

	if (cli_has(c, "remove-webhooks") &&
	    cmd_hooks_remove(c, it->slug, &refused, err) != BB_OK)
		return err->code;
	if (integration_delete(c->ctx, it->slug, &n, err) != BB_OK)
		return err->code;
	if (refused)
		fprintf(stderr, "bbconsole: %ld webhook%s could not be removed (listed above): remove "
			"%s by hand in Bitbucket.\n", refused, refused == 1 ? "" : "s",
			refused == 1 ? "it" : "them");
	if (c->json) {
		fputs("{\"name\":", c->out);
		cli_json_write_str(c->out, it->name);
		fputs(",\"slug\":", c->out);
		cli_json_write_str(c->out, it->slug);
		fprintf(c->out, ",\"deleted\":true,\"detached\":%ld}\n", n);
		return BB_OK;
	}
	fputs("Deleted integration ", c->out);
	cli_put_safe(c->out, it->name, 0);
	fprintf(c->out, "; %ld stacks and modules detached. An integration created with the same "
		"name gets the same webhook URL (with a new secret).\n", n);
	return BB_OK;
}

bb_code cmd_integration_delete(cli *c, bb_err *err)
{
	bb_integration it = {0};
	bb_code rc;

	if (integration_get(c->ctx, c->pos[0], 0, &it, err) != BB_OK)
		return err->code;
	if (!it.details_visible) /* same right as delete: do not invite a doomed --yes */
		rc = bb_fail(err, BB_DENIED, "Deleting integration %s needs admin in space %s; ask "
			     "an admin there.", it.slug, it.space);
	else if (cli_has(c, "remove-webhooks") && !cli_has(c, "yes"))
		rc = cli_usage(c, err, "--remove-webhooks goes with --yes (without it nothing is "
			       "deleted)");
	else if (cli_has(c, "yes"))
		rc = delete_now(c, &it, err);
	else
		rc = delete_preview(c, &it, err);
	integration_free(&it);
	return rc;
}
