/* cmd_stack.c - stack create, list, set-integration, update, delete and import.
 *
 * Listings stream: each stack is written as stack_each hands it over, so a
 * hundred thousand stacks never sit in memory as one JSON tree. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "stack.h"

void cli_stack_json(cli_jbuf *b, const bb_stack *s)
{
	static const cli_jkey keys[] = {CLI_JKEY("kind"), CLI_JKEY("name"), CLI_JKEY("space"),
					CLI_JKEY("integration"), CLI_JKEY("repository"),
					CLI_JKEY("branch"), CLI_JKEY("project_root"),
					CLI_JKEY("detached_from"), CLI_JKEY("created_at")};
	const char *const vals[] = {s->kind, s->name, s->space, s->integration, s->repository,
				    s->branch, s->project_root && *s->project_root ? s->project_root : NULL,
				    s->detached_from, s->created_at};

	cli_jbuf_object(b, keys, vals, sizeof keys / sizeof keys[0]);
}

/* Looks one stack up by kind and name and prints it (JSON or a sentence). */
typedef struct found {
	cli *c;
	const char *kind, *name;
	int hit;
	FILE *f; /* where the sentence goes (JSON: always c->out) */
} found;

static void say_stack(FILE *f, const bb_stack *s)
{
	fprintf(f, "%s ", strcmp(s->kind, "module") == 0 ? "Module" : "Stack");
	cli_put_safe(f, s->name, 0);
	fputs(" in space ", f);
	cli_put_safe(f, s->space, 0);
	fputs(" tracks ", f);
	cli_put_safe(f, s->repository, 0);
	fputs(" (branch ", f);
	cli_put_safe(f, s->branch, 0);
	if (s->project_root && *s->project_root) {
		fputs(", project root ", f);
		cli_put_safe(f, s->project_root, 0);
	}
	fputs(") through integration ", f);
	cli_put_safe(f, s->integration ? s->integration : "-", 0);
	fputs(".\n", f);
}

static int found_row(const bb_stack *s, void *arg)
{
	found *fd = arg;

	if (strcmp(s->kind, fd->kind) != 0 || strcmp(s->name, fd->name) != 0)
		return 0;
	fd->hit = 1;
	if (fd->c->json) {
		cli_jbuf b = {0};

		cli_stack_json(&b, s);
		cli_jbuf_lit(&b, "\n");
		cli_jbuf_flush(&b, fd->c->out);
		cli_jbuf_free(&b);
	} else {
		say_stack(fd->f, s);
	}
	return 1;
}

/* Prints one stack: JSON on c->out, or its sentence on `to`. */
static bb_code show_stack_to(cli *c, FILE *to, const char *kind, const char *name,
			     bb_err *err)
{
	bb_stack_filter f = {0};
	found fd = {c, kind ? kind : "stack", name, 0, to};

	f.text = name;
	if (stack_each(c->ctx, &f, found_row, &fd, err) != BB_OK)
		return err->code;
	if (!fd.hit && !kind) {
		fd.kind = "module";
		if (stack_each(c->ctx, &f, found_row, &fd, err) != BB_OK)
			return err->code;
	}
	if (!fd.hit)
		return bb_fail(err, BB_NOTFOUND, "The %s %s was saved but cannot be read back; run "
			       "bbconsole stack list.", fd.kind, name);
	return BB_OK;
}

static bb_code show_stack(cli *c, const char *kind, const char *name, bb_err *err)
{
	return show_stack_to(c, c->out, kind, name, err);
}

bb_code cmd_stack_create(cli *c, bb_err *err)
{
	bb_stack in = {0};

	in.kind = cli_has(c, "module") ? "module" : "stack";
	in.name = c->pos[0];
	in.space = cli_get(c, "space");
	in.integration = cli_get(c, "integration");
	in.repository = cli_get(c, "repository");
	in.branch = cli_get(c, "branch");
	in.project_root = cli_get(c, "project-root") ? cli_get(c, "project-root") : "";
	if (stack_create(c->ctx, &in, err) != BB_OK)
		return err->code;
	if (!c->json)
		fputs("Created. ", c->out);
	return show_stack(c, in.kind, in.name, err);
}

typedef struct listing {
	cli *c;
	cli_table t;
	cli_jbuf json;
	long n;
} listing;

static int list_row(const bb_stack *s, void *arg)
{
	listing *l = arg;
	char from[160];

	if (l->c->json) {
		cli_jbuf_lit(&l->json, l->n ? ",\n" : "[\n");
		cli_stack_json(&l->json, s);
		if (l->json.n >= CLI_JBUF_FLUSH_AT && cli_jbuf_flush(&l->json, l->c->out) != 0)
			return 1;
	} else {
		const char *row[] = {s->kind, s->name, s->space, s->integration, s->repository,
				     s->branch};

		if (!s->integration) {
			snprintf(from, sizeof from, "detached from %s",
				 s->detached_from ? s->detached_from : "?");
			row[3] = from;
		}
		if (cli_table_add(&l->t, row) != 0)
			return 1;
	}
	l->n++;
	return 0;
}

bb_code cmd_stack_list(cli *c, bb_err *err)
{
	static const char *const head[] = {"KIND", "NAME", "SPACE", "INTEGRATION", "REPOSITORY",
					   "BRANCH"};
	bb_stack_filter f = {0};
	listing l = {c, {0}, {0}, 0};
	bb_code rc;

	f.detached_only = cli_has(c, "detached");
	cli_table_init(&l.t, 6, head);
	/* "[" comes with the first row: a refusal prints no half document */
	rc = stack_each(c->ctx, &f, list_row, &l, err);
	if (c->json && (l.n || rc == BB_OK))
		cli_jbuf_lit(&l.json, l.n ? "\n]\n" : "[]\n");
	if (c->json && cli_jbuf_flush(&l.json, c->out) != 0 && rc == BB_OK)
		rc = bb_fail(err, BB_INVALID, "Out of memory while writing the list.");
	cli_jbuf_free(&l.json);
	if (c->json)
		;
	else if (rc == BB_OK && l.n == 0)
		fputs(f.detached_only ? "No detached stacks or modules.\n"
		      : "No stacks or modules you may see.\n", c->out);
	else if (rc == BB_OK)
		cli_table_print(&l.t, c->out);
	cli_table_free(&l.t);
	return rc;
}

bb_code cmd_stack_set_integration(cli *c, bb_err *err)
{
	const char *kind = cli_has(c, "module") ? "module" : NULL;

	if (stack_set_integration(c->ctx, kind, c->pos[0], c->pos[1], err) != BB_OK)
		return err->code;
	if (!c->json)
		fputs("Done. ", c->out);
	return show_stack(c, kind, c->pos[0], err);
}

bb_code cmd_stack_import(cli *c, bb_err *err)
{
	FILE *in;
	long n = 0;
	bb_code rc;

	if (cli_open_file(c->pos[0], &in, err) != BB_OK)
		return err->code;
	rc = stack_import_file(c->ctx, in, &n, err);
	if (in != stdin)
		fclose(in);
	if (rc != BB_OK)
		return rc;
	if (c->json)
		fprintf(c->out, "{\"imported\":%ld}\n", n);
	else
		fprintf(c->out, "Imported %ld stacks and modules.\n", n);
	return BB_OK;
}

bb_code cmd_stack_update(cli *c, bb_err *err)
{
	const char *kind = cli_has(c, "module") ? "module" : NULL;
	bb_stack_change ch = {cli_get(c, "repository"), cli_get(c, "branch"),
			      cli_get(c, "project-root")};
	int changed = 0;

	if (!ch.repository && !ch.branch && !ch.project_root)
		return cli_usage(c, err, "Say what to change: --repository, --branch or "
				 "--project-root");
	if (stack_update(c->ctx, kind, c->pos[0], &ch, &changed, err) != BB_OK)
		return err->code;
	if (!c->json)
		fputs(changed ? "Updated. " : "Nothing changed: it already had these values. ",
		      c->out);
	return show_stack(c, kind, c->pos[0], err);
}

/* {"kind","name","deleted","runs"}: what a delete did, or would do. */
static void say_deleted_json(cli *c, const char *name, const bb_stack_removal *r, int done)
{
	fputs("{\"kind\":", c->out);
	cli_json_write_str(c->out, r->kind);
	fputs(",\"name\":", c->out);
	cli_json_write_str(c->out, name);
	fprintf(c->out, ",\"deleted\":%s,\"runs\":%ld}\n", done ? "true" : "false", r->runs);
}

static bb_code delete_preview(cli *c, const char *name,
			      const bb_stack_removal *r, bb_err *err)
{
	if (c->json) {
		say_deleted_json(c, name, r, 0);
	} else {
		fputs("Would delete: ", stderr);
		if (show_stack_to(c, stderr, r->kind, name, err) != BB_OK)
			return err->code;
		fprintf(stderr, "Its %ld run%s would be deleted with it; the repository and its "
			"webhook in Bitbucket are not touched.\n", r->runs, r->runs == 1 ? "" : "s");
	}
	return bb_fail(err, BB_INVALID, "Nothing was deleted; re-run with --yes to delete the %s "
		       "%s.", r->kind, name);
}

bb_code cmd_stack_delete(cli *c, bb_err *err)
{
	const char *kind = cli_has(c, "module") ? "module" : NULL;
	bb_stack_removal r;
	int yes = cli_has(c, "yes");

	if (stack_delete(c->ctx, kind, c->pos[0], yes, &r, err) != BB_OK)
		return err->code;
	if (!yes)
		return delete_preview(c, c->pos[0], &r, err);
	if (c->json) {
		say_deleted_json(c, c->pos[0], &r, 1);
		return BB_OK;
	}
	fprintf(c->out, "Deleted %s ", r.kind);
	cli_put_safe(c->out, c->pos[0], 0);
	fprintf(c->out, " and its %ld run%s.\n", r.runs, r.runs == 1 ? "" : "s");
	return BB_OK;
}
