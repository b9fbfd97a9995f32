/* cmd_account.c - init, space and user commands. */
#include "cli.h"

#include <string.h>

#include "account.h"
#include "space.h"

bb_code cmd_init(cli *c, bb_err *err)
{
	bb_account a = {0};
	cJSON *doc;

	if (account_init(c->ctx, cli_get(c, "account"), cli_get(c, "plan"),
			 cli_get(c, "webhook-base"), err) != BB_OK ||
	    account_get(c->ctx, &a, err) != BB_OK)
		return err->code;
	if (c->json) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "id", a.id);
		cli_json_add_str(doc, "name", a.name);
		cli_json_add_str(doc, "plan", a.plan);
		cli_json_add_str(doc, "webhook_base", a.webhook_base);
		cJSON_AddStringToObject(doc, "created_at", a.created_at);
		cli_json_add_str(doc, "created_by", a.created_by);
		account_free(&a);
		return cli_json_print(c, doc, err);
	}
	fputs("Set up account ", c->out);
	cli_put_safe(c->out, a.name, 0);
	fprintf(c->out, " (plan %s, id %s); ", a.plan, a.id);
	cli_put_safe(c->out, c->ctx->user, 0);
	fputs(" is admin of root.\nNext: bbconsole integration create --help\n", c->out);
	account_free(&a);
	return BB_OK;
}

static cJSON *space_json(const bb_space *s)
{
	cJSON *o = cJSON_CreateObject();

	cli_json_add_str(o, "name", s->name);
	cli_json_add_str(o, "parent", s->parent);
	cJSON_AddBoolToObject(o, "inherit", s->inherit);
	cli_json_add_str(o, "created_at", s->created_at);
	return o;
}

bb_code cmd_space_create(cli *c, bb_err *err)
{
	const char *name = c->pos[0], *parent = cli_get(c, "parent");
	int inherit = !cli_has(c, "no-inherit");
	bb_space s = {0};
	cJSON *doc;

	if (space_create(c->ctx, name, parent, inherit, err) != BB_OK)
		return err->code;
	if (!c->json) {
		fputs("Created space ", c->out);
		cli_put_safe(c->out, name, 0);
		fputs(" under ", c->out);
		cli_put_safe(c->out, parent ? parent : "root", 0);
		fputs(inherit ? " (uses its parent's integrations).\n"
		      : " (does not use its parent's integrations).\n", c->out);
		return BB_OK;
	}
	if (space_get(c->ctx, name, &s, err) != BB_OK)
		return err->code;
	doc = space_json(&s);
	space_free(&s);
	return cli_json_print(c, doc, err);
}

bb_code cmd_space_delete(cli *c, bb_err *err)
{
	const char *name = c->pos[0];

	if (space_delete(c->ctx, name, err) != BB_OK)
		return err->code;
	if (c->json) {
		fputs("{\"name\":", c->out);
		cli_json_write_str(c->out, name);
		fputs(",\"deleted\":true}\n", c->out);
		return BB_OK;
	}
	fputs("Deleted space ", c->out);
	cli_put_safe(c->out, name, 0);
	fputs(".\n", c->out);
	return BB_OK;
}

bb_code cmd_space_list(cli *c, bb_err *err)
{
	static const char *const head[] = {"NAME", "PARENT", "INHERIT", "CREATED"};
	bb_space *v;
	size_t n;
	cli_table t;

	if (space_list(c->ctx, &v, &n, err) != BB_OK)
		return err->code;
	if (c->json) {
		cJSON *doc = cJSON_CreateArray();

		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(doc, space_json(&v[i]));
		space_list_free(v, n);
		return cli_json_print(c, doc, err);
	}
	cli_table_init(&t, 4, head);
	cli_table_keep(&t, 3); /* CREATED */
	for (size_t i = 0; i < n; i++) {
		char at[64];
		const char *row[] = {v[i].name, v[i].parent, v[i].inherit ? "yes" : "no", at};

		util_local_time(v[i].created_at, 1, at, sizeof at);
		cli_table_add(&t, row);
	}
	cli_table_print(&t, c->out);
	cli_table_free(&t);
	space_list_free(v, n);
	return BB_OK;
}

static cJSON *grant_json(const char *login, const char *space, const char *role)
{
	cJSON *o = cJSON_CreateObject();

	cli_json_add_str(o, "login", login);
	cli_json_add_str(o, "space", space);
	cli_json_add_str(o, "role", role);
	return o;
}

/* "<before><login><after><space>." */
static void say_grant(cli *c, const char *before, const char *login, const char *after,
		      const char *space)
{
	fputs(before, c->out);
	cli_put_safe(c->out, login, 0);
	fputs(after, c->out);
	cli_put_safe(c->out, space, 0);
	fputs(".\n", c->out);
}

bb_code cmd_user_grant(cli *c, bb_err *err)
{
	const char *login = c->pos[0], *space = cli_get(c, "space");
	bb_role role = space_role_parse(cli_get(c, "role"));

	if (role == BB_ROLE_NONE)
		return bb_fail(err, BB_INVALID, "Unknown role \"%s\"; use read, write or admin.",
			       cli_get(c, "role"));
	if (space_grant(c->ctx, login, space, role, err) != BB_OK)
		return err->code;
	if (c->json)
		return cli_json_print(c, grant_json(login, space, space_role_name(role)), err);
	say_grant(c, "Granted ", login, role == BB_ROLE_ADMIN ? " admin in space "
		  : role == BB_ROLE_WRITE ? " write in space " : " read in space ", space);
	return BB_OK;
}

bb_code cmd_user_revoke(cli *c, bb_err *err)
{
	const char *login = c->pos[0], *space = cli_get(c, "space");

	if (space_revoke(c->ctx, login, space, err) != BB_OK)
		return err->code;
	if (c->json)
		return cli_json_print(c, grant_json(login, space, NULL), err);
	say_grant(c, "Revoked the role of ", login, " in space ", space);
	return BB_OK;
}

bb_code cmd_user_list(cli *c, bb_err *err)
{
	static const char *const head[] = {"LOGIN", "SPACE", "ROLE"};
	bb_grant *v;
	size_t n;
	cli_table t;

	if (space_grant_list(c->ctx, &v, &n, err) != BB_OK)
		return err->code;
	if (c->json) {
		cJSON *doc = cJSON_CreateArray();

		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(doc, grant_json(v[i].login, v[i].space,
							     space_role_name(v[i].role)));
		space_grant_list_free(v, n);
		return cli_json_print(c, doc, err);
	}
	cli_table_init(&t, 3, head);
	for (size_t i = 0; i < n; i++) {
		const char *row[] = {v[i].login, v[i].space, space_role_name(v[i].role)};

		cli_table_add(&t, row);
	}
	cli_table_print(&t, c->out);
	cli_table_free(&t);
	space_grant_list_free(v, n);
	return BB_OK;
}
