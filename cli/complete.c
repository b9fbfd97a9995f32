/* complete.c - the hidden `bbconsole --complete WORD... CURRENT` that the
 * bash and zsh completions call: the candidates for CURRENT after the typed
 * WORDs, one per line, read from the command table (so completion is always
 * the binary's own) and, for names, from the database (read-only: it never
 * creates one). Only names and slugs are printed, never a secret. A line
 * "@files" asks the shell to complete a file name. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "integration.h"
#include "space.h"

typedef struct where {
	const char *group;
	const cli_cmd *cmd;
	const cli_opt *pending; /* the option whose value is being typed */
	int npos;
} where;

static void put(FILE *out, const char *prefix, const char *word)
{
	if (word && *word && strncmp(word, prefix, strlen(prefix)) == 0) {
		cli_put_safe(out, word, 0);
		fputc('\n', out);
	}
}

static const cli_opt *find_opt(const cli_opt *opts, const char *w)
{
	size_t len = strcspn(w, "=");

	for (int i = 0; opts && opts[i].name; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, w, len) == 0)
			return &opts[i];
	return NULL;
}

static const cli_cmd *find_cmd(const char *group, const char *name)
{
	for (const cli_cmd *k = cli_commands; k->name; k++)
		if ((group ? k->group && strcmp(k->group, group) == 0 : !k->group) &&
		    strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static int is_group(const char *w)
{
	for (const cli_cmd *k = cli_commands; k->name; k++)
		if (k->group && strcmp(k->group, w) == 0)
			return 1;
	return 0;
}

/* True for the first command of k's group in the table (each group once). */
static int first_of_group(const cli_cmd *k)
{
	for (const cli_cmd *e = cli_commands; e != k; e++)
		if (e->group && !strcmp(e->group, k->group))
			return 0;
	return 1;
}

/* Reads the typed words as cli_parse would, without failing on any. */
static where locate(int n, char **words)
{
	where at = {0};

	for (int i = 0; i < n; i++) {
		const char *w = words[i];

		if (at.pending) {
			at.pending = NULL;
		} else if (strncmp(w, "--", 2) == 0) {
			const cli_opt *o = at.cmd ? find_opt(at.cmd->opts, w + 2) : NULL;

			if (!o)
				o = find_opt(cli_global_opts(), w + 2);
			if (o && o->arg && !strchr(w, '='))
				at.pending = o;
		} else if (w[0] == '-') {
			continue;
		} else if (!at.cmd && !at.group) {
			at.cmd = find_cmd(NULL, w);
			at.group = !at.cmd && is_group(w) ? w : NULL;
		} else if (!at.cmd) {
			at.cmd = find_cmd(at.group, w);
		} else {
			at.npos++;
		}
	}
	return at;
}

/* ---- names from the database ---------------------------------------------- */

static void put_integrations(cli *c, FILE *out, const char *prefix)
{
	bb_integration *v;
	size_t n;
	bb_err err;

	if (!c->ctx || integration_list(c->ctx, &v, &n, &err) != BB_OK)
		return;
	for (size_t i = 0; i < n; i++)
		put(out, prefix, v[i].slug);
	integration_list_free(v, n);
}

static void put_spaces(cli *c, FILE *out, const char *prefix)
{
	bb_space *v;
	size_t n;
	bb_err err;

	if (!c->ctx || space_list(c->ctx, &v, &n, &err) != BB_OK)
		return;
	for (size_t i = 0; i < n; i++)
		put(out, prefix, v[i].name);
	space_list_free(v, n);
}

typedef struct stack_walk {
	FILE *out;
	const char *prefix;
} stack_walk;

static int put_stack(const bb_stack *s, void *arg)
{
	stack_walk *w = arg;

	put(w->out, w->prefix, s->name);
	return 0;
}

static void put_stacks(cli *c, FILE *out, const char *prefix)
{
	stack_walk w = {out, prefix};
	bb_err err;

	if (c->ctx)
		stack_each(c->ctx, NULL, put_stack, &w, &err);
}

/* The values a metavariable (or an option of that name) stands for;
 * 0 when kind names nothing known. */
static int put_values(cli *c, FILE *out, const char *kind, const char *prefix)
{
	if (!strcmp(kind, "integration") || !strcmp(kind, "INTEGRATION"))
		put_integrations(c, out, prefix);
	else if (!strcmp(kind, "space") || !strcmp(kind, "parent") || !strcmp(kind, "SPACE"))
		put_spaces(c, out, prefix);
	else if (!strcmp(kind, "stack") || !strcmp(kind, "STACK"))
		put_stacks(c, out, prefix);
	else if (!strcmp(kind, "FILE") || !strcmp(kind, "PATH"))
		fputs("@files\n", out);
	else
		return 0;
	return 1;
}

/* The metavariable of positional argument i of cmd ("NAME" of "NAME
 * INTEGRATION"), with NAME read as what the command's group names. */
static void put_positional(cli *c, FILE *out, const cli_cmd *cmd, int i, const char *prefix)
{
	char meta[32] = "";
	const char *p = cmd->args;

	for (int k = 0; k <= i && *p; k++) {
		size_t len = strcspn(p, " ");

		snprintf(meta, sizeof meta, "%.*s", (int)len, p);
		p += len + strspn(p + len, " ");
		if (k < i && !*p)
			return;
	}
	if (!strcmp(meta, "NAME"))
		snprintf(meta, sizeof meta, "%s", cmd->group && !strcmp(cmd->group, "stack") ? "STACK"
			 : cmd->group && !strcmp(cmd->group, "space") ? "SPACE" : "INTEGRATION");
	put_values(c, out, meta, prefix);
}

static void put_options(FILE *out, const cli_opt *opts, const char *prefix)
{
	char word[64];

	for (int i = 0; opts && opts[i].name; i++)
		if (opts[i].help) {
			snprintf(word, sizeof word, "--%s", opts[i].name);
			put(out, prefix, word);
		}
}

void cli_complete(cli *c, int n, char **words, FILE *out)
{
	const char *cur = n > 0 ? words[n - 1] : "";
	where at = locate(n - 1, words);

	if (at.pending) {
		if (!put_values(c, out, at.pending->name, cur))
			put_values(c, out, at.pending->arg, cur);
		return;
	}
	if (cur[0] == '-') {
		put_options(out, at.cmd ? at.cmd->opts : NULL, cur);
		put_options(out, cli_global_opts(), cur);
		return;
	}
	for (const cli_cmd *k = cli_commands; k->name && !at.cmd; k++) {
		if (at.group)
			put(out, cur, k->group && !strcmp(k->group, at.group) ? k->name : NULL);
		else if (!k->group || first_of_group(k))
			put(out, cur, k->group ? k->group : k->name);
	}
	if (at.cmd && at.npos < at.cmd->pos_max)
		put_positional(c, out, at.cmd, at.npos, cur);
}
