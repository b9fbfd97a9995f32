/* cmd_audit.c - the audit log, newest first. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>

#include "audit.h"

typedef struct trail {
	cli *c;
	cli_table t;
	long n;
} trail;

/* details is stored as a JSON object; written as one, not as a string. A
 * damaged entry still shows, wrapped as {"text": ...}. */
static void write_details(FILE *f, const char *details)
{
	cJSON *d = cJSON_Parse(details ? details : "{}");
	char *text = cJSON_IsObject(d) ? cJSON_PrintUnformatted(d) : NULL;

	if (text) {
		cli_json_put(f, text);
	} else {
		fputs("{\"text\":", f);
		cli_json_write_str(f, details);
		putc('}', f);
	}
	free(text);
	cJSON_Delete(d);
}

static void write_entry(FILE *f, const bb_audit_entry *e)
{
	fputs("{\"at\":", f);
	cli_json_write_str(f, e->at);
	fputs(",\"user\":", f);
	cli_json_write_str(f, e->user);
	fputs(",\"action\":", f);
	cli_json_write_str(f, e->action);
	fputs(",\"target\":", f);
	cli_json_write_str(f, e->target);
	fputs(",\"details\":", f);
	write_details(f, e->details);
	putc('}', f);
}

static int audit_row(const bb_audit_entry *e, void *arg)
{
	trail *tr = arg;

	if (tr->c->json) {
		fputs(tr->n ? ",\n" : "[\n", tr->c->out);
		write_entry(tr->c->out, e);
	} else {
		char at[64];
		const char *row[] = {at, e->user, e->action, e->target, e->details};

		util_local_time(e->at, 1, at, sizeof at);
		if (cli_table_add(&tr->t, row) != 0)
			return 1;
	}
	tr->n++;
	return 0;
}

static bb_code parse_limit(cli *c, long *limit, bb_err *err)
{
	const char *s = cli_get(c, "limit");
	char *end;

	*limit = 0;
	if (!s)
		return BB_OK;
	errno = 0;
	*limit = strtol(s, &end, 10);
	if (errno || end == s || *end || *limit < 1)
		return cli_usage(c, err, "--limit needs a whole number of at least 1");
	return BB_OK;
}

bb_code cmd_audit(cli *c, bb_err *err)
{
	static const char *const head[] = {"AT", "USER", "ACTION", "TARGET", "DETAILS"};
	trail tr = {c, {0}, 0};
	long limit;
	bb_code rc;

	if (parse_limit(c, &limit, err) != BB_OK)
		return err->code;
	cli_table_init(&tr.t, 5, head);
	cli_table_keep(&tr.t, 0); /* AT */
	rc = audit_each(c->ctx, limit, audit_row, &tr, err);
	if (c->json && (tr.n || rc == BB_OK))
		fputs(tr.n ? "\n]\n" : "[]\n", c->out);
	else if (rc == BB_OK)
		cli_table_print(&tr.t, c->out);
	cli_table_free(&tr.t);
	return rc;
}
