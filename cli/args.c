/* args.c - a small table-driven parser for the command line, and --help.
 *
 * Global options may come before or after the command; a command's own
 * options only after its words. Long options match exactly (no prefixes),
 * "--opt VALUE" and "--opt=VALUE" both work, "--" ends the options. */
#include "cli.h"

#include <stdarg.h>
#include <string.h>

#define END {NULL, NULL, 0, NULL}
#define HELP_COLS 80 /* --help fits an 80-column terminal */

enum { G_DB, G_USER, G_JSON, G_NO_MOUSE, G_HELP, G_VERSION, G_DUMP_KEYS, G_DUMP_ACTIONS };

static const cli_opt global_opts[] = {
	[G_DB] = {"db", "PATH", 0, "the database (else BBCONSOLE_DB, else the default)"},
	[G_USER] = {"user", "LOGIN", 0, "act as LOGIN (else BBCONSOLE_USER, else your login)"},
	[G_JSON] = {"json", NULL, 0, "print one JSON document on stdout"},
	[G_NO_MOUSE] = {"no-mouse", NULL, 0, "the console leaves the mouse to the terminal"},
	[G_HELP] = {"help", NULL, 0, "show help (also -h)"},
	[G_VERSION] = {"version", NULL, 0, "show the version"},
	/* hidden (no help): prints the console's key tables for the man-page check */
	[G_DUMP_KEYS] = {"dump-keys", NULL, 0, NULL},
	/* hidden: every action and its default keys, for the bbconsole(5) check */
	[G_DUMP_ACTIONS] = {"dump-actions", NULL, 0, NULL},
	END
};

const cli_opt *cli_global_opts(void)
{
	return global_opts;
}

static const char token_refusal[] =
	"Tokens are never taken from the command line (they would show in ps and shell "
	"history); pipe it with --token-stdin.";

const char *cli_cmd_words(const cli_cmd *cmd, char *buf, size_t size)
{
	if (cmd->group)
		snprintf(buf, size, "%s %s", cmd->group, cmd->name);
	else
		snprintf(buf, size, "%s", cmd->name);
	return buf;
}

bb_code cli_usage(const cli *c, bb_err *err, const char *fmt, ...)
{
	char words[64] = "";
	char what[BB_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (c->cmd)
		cli_cmd_words(c->cmd, words, sizeof words);
	else if (c->group)
		snprintf(words, sizeof words, "%s", c->group);
	return bb_fail(err, BB_USAGE, "%s; see bbconsole %s%s--help.", what, words,
		       words[0] ? " " : "");
}

static int opt_index(const cli_opt *opts, const char *name, size_t len)
{
	for (int i = 0; opts && opts[i].name; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return i;
	return -1;
}

/* ---- "did you mean" ------------------------------------------------------- */

/* Edit distance of a and b counting a swap of neighbours as one slip
 * (optimal string alignment); words of a command line are short. */
static size_t edit_distance(const char *a, const char *b)
{
	enum { MAX = 48 };
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d[MAX + 1][MAX + 1];

	if (la > MAX || lb > MAX)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned char)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned char)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1u < best)
				best = d[i - 1][j] + 1u;
			if (d[i][j - 1] + 1u < best)
				best = d[i][j - 1] + 1u;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1u < best)
				best = d[i - 2][j - 2] + 1u;
			d[i][j] = (unsigned char)best;
		}
	return d[la][lb];
}

typedef struct guess {
	const char *word;
	size_t dist;
} guess;

/* Keeps cand when it is closer to typed than the best so far, and close
 * enough to be a slip: at most a third of the word (1 for short words). */
static void consider(guess *g, const char *typed, const char *cand)
{
	size_t d = edit_distance(typed, cand), limit = strlen(cand) / 3;

	if (limit < 1)
		limit = 1;
	if (d <= limit && (!g->word || d < g->dist)) {
		g->word = cand;
		g->dist = d;
	}
}

/* The command word (group or one-word command) or subcommand of group
 * closest to typed, or NULL. */
static const char *closest_command(const char *group, const char *typed)
{
	guess g = {NULL, 0};

	for (const cli_cmd *k = cli_commands; k->name; k++) {
		if (group)
			consider(&g, typed, k->group && strcmp(k->group, group) == 0 ? k->name : "");
		else
			consider(&g, typed, k->group ? k->group : k->name);
	}
	return g.word;
}

static const char *closest_option(const cli_opt *opts, const char *typed)
{
	guess g = {NULL, 0};

	for (int i = 0; opts && opts[i].name; i++)
		if (opts[i].help)
			consider(&g, typed, opts[i].name);
	return g.word;
}

static int is_group(const char *word)
{
	for (const cli_cmd *k = cli_commands; k->name; k++)
		if (k->group && strcmp(k->group, word) == 0)
			return 1;
	return 0;
}

static const cli_cmd *find_cmd(const char *group, const char *name)
{
	for (const cli_cmd *k = cli_commands; k->name; k++) {
		if ((group == NULL) != (k->group == NULL))
			continue;
		if ((!group || strcmp(k->group, group) == 0) && strcmp(k->name, name) == 0)
			return k;
	}
	return NULL;
}

static bb_code unknown_command(cli *c, const char *group, const char *word, bb_err *err)
{
	const char *near = closest_command(group, word);

	if (near)
		return cli_usage(c, err, "Unknown command \"%s%s%s\" (did you mean \"%s%s%s\"?)",
				 group ? group : "", group ? " " : "", word, group ? group : "",
				 group ? " " : "", near);
	return cli_usage(c, err, "Unknown command \"%s%s%s\"", group ? group : "",
			 group ? " " : "", word);
}

/* A word that is not an option: the command's words first, then its
 * positional arguments. */
static bb_code take_word(cli *c, const char *word, bb_err *err)
{
	if (!c->cmd && !c->group) {
		c->cmd = find_cmd(NULL, word);
		if (!c->cmd && is_group(word))
			c->group = word;
		else if (!c->cmd)
			return unknown_command(c, NULL, word, err);
		return BB_OK;
	}
	if (!c->cmd) {
		c->cmd = find_cmd(c->group, word);
		if (!c->cmd)
			return unknown_command(c, c->group, word, err);
		return BB_OK;
	}
	if (c->npos >= c->cmd->pos_max)
		return cli_usage(c, err, "Unexpected argument \"%s\"", word);
	c->pos[c->npos++] = word;
	return BB_OK;
}

static bb_code set_global(cli *c, int g, const char *value)
{
	switch (g) {
	case G_DB: c->db_path = value; break;
	case G_USER: c->user = value; break;
	case G_JSON: c->json = 1; break;
	case G_HELP: c->help = 1; break;
	case G_VERSION: c->version = 1; break;
	case G_DUMP_KEYS: c->dump_keys = 1; break;
	case G_DUMP_ACTIONS: c->dump_actions = 1; break;
	case G_NO_MOUSE: c->no_mouse = 1; break;
	}
	return BB_OK;
}

/* The value of option `o` written as `arg`: after '=' or the next word. */
static bb_code opt_value(cli *c, const cli_opt *o, const char *eq, int argc, char **argv,
			 int *i, const char **value, bb_err *err)
{
	*value = "1";
	if (!o->arg) {
		if (eq)
			return cli_usage(c, err, "Option --%s takes no value", o->name);
		return BB_OK;
	}
	if (eq) {
		*value = eq + 1;
		return BB_OK;
	}
	if (*i + 1 >= argc)
		return cli_usage(c, err, "Option --%s needs a value (%s)", o->name, o->arg);
	*value = argv[++*i];
	return BB_OK;
}

static bb_code unknown_option(cli *c, const char *name, size_t len, bb_err *err)
{
	char typed[65];
	const char *near;

	snprintf(typed, sizeof typed, "%.*s", (int)(len > 64 ? 64 : len), name);
	near = closest_option(c->cmd ? c->cmd->opts : NULL, typed);
	if (!near)
		near = closest_option(global_opts, typed);
	if (near)
		return cli_usage(c, err, "Unknown option --%s (did you mean --%s?)", typed, near);
	return cli_usage(c, err, "Unknown option --%s", typed);
}

static bb_code take_option(cli *c, int argc, char **argv, int *i, bb_err *err)
{
	const char *a = argv[*i], *name = a + 2, *eq, *value;
	const cli_opt *opts = c->cmd ? c->cmd->opts : NULL;
	size_t len;
	int k, g = -1;

	if (strcmp(a, "-h") == 0)
		return set_global(c, G_HELP, "1");
	if (a[1] != '-')
		return cli_usage(c, err, "Unknown option \"%.2s\"", a);
	eq = strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	k = opt_index(opts, name, len);
	if (k < 0)
		g = opt_index(global_opts, name, len);
	if (k < 0 && g < 0) {
		if (len == 5 && strncmp(name, "token", 5) == 0)
			return bb_fail(err, BB_USAGE, "%s", token_refusal);
		return unknown_option(c, name, len, err);
	}
	if (opt_value(c, k >= 0 ? &opts[k] : &global_opts[g], eq, argc, argv, i, &value, err))
		return err->code;
	if (g >= 0)
		return set_global(c, g, value);
	if (c->vals[k].n > 0 && !(opts[k].flags & CLI_REPEAT))
		return cli_usage(c, err, "Option --%s is given twice", opts[k].name);
	if (strlist_push(&c->vals[k], value) != 0)
		return bb_fail(err, BB_USAGE, "Out of memory while reading the command line.");
	return BB_OK;
}

/* What every command needs once the whole line is read. */
static bb_code check_complete(cli *c, bb_err *err)
{
	if (c->help || c->version || c->dump_keys || c->dump_actions)
		return BB_OK;
	if (c->group && !c->cmd)
		return cli_usage(c, err, "\"%s\" needs a command", c->group);
	if (!c->cmd)
		return BB_OK;
	if (c->npos < c->cmd->pos_min)
		return cli_usage(c, err, "Missing argument %s", c->cmd->args);
	for (int k = 0; c->cmd->opts[k].name; k++) {
		const cli_opt *o = &c->cmd->opts[k];

		if ((o->flags & CLI_REQUIRED) && c->vals[k].n == 0)
			return cli_usage(c, err, "Option --%s%s%s is required", o->name,
					 o->arg ? " " : "", o->arg ? o->arg : "");
	}
	return BB_OK;
}

bb_code cli_parse(cli *c, int argc, char **argv, bb_err *err)
{
	int only_words = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bb_code rc;

		if (!only_words && strcmp(a, "--") == 0) {
			only_words = 1;
			continue;
		}
		if (only_words || a[0] != '-' || a[1] == '\0')
			rc = take_word(c, a, err);
		else
			rc = take_option(c, argc, argv, &i, err);
		if (rc != BB_OK)
			return rc;
	}
	return check_complete(c, err);
}

void cli_free(cli *c)
{
	for (int k = 0; k < CLI_MAX_OPTS; k++)
		strlist_free(&c->vals[k]);
}

static int opt_slot(const cli *c, const char *name)
{
	return c->cmd ? opt_index(c->cmd->opts, name, strlen(name)) : -1;
}

const char *cli_get(const cli *c, const char *name)
{
	int k = opt_slot(c, name);

	return k >= 0 && c->vals[k].n ? c->vals[k].v[c->vals[k].n - 1] : NULL;
}

int cli_has(const cli *c, const char *name)
{
	int k = opt_slot(c, name);

	return k >= 0 && c->vals[k].n > 0;
}

const bb_strlist *cli_list(const cli *c, const char *name)
{
	static const bb_strlist empty;
	int k = opt_slot(c, name);

	return k >= 0 ? &c->vals[k] : &empty;
}

/* Writes the words of p from column col on, wrapped so that no line is
 * wider than HELP_COLS, continuation lines starting at column indent; a
 * no-break byte (0xa0) joins two words and prints as a space. Ends the line. */
static void put_wrapped(FILE *f, const char *p, int col, int indent)
{
	while (*p) {
		size_t word = strcspn(p, " ");

		if (col > indent && col + 1 + (int)word > HELP_COLS) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		for (size_t i = 0; i < word; i++)
			fputc(p[i] == '\xa0' ? ' ' : p[i], f);
		col += (int)word;
		p += word;
		p += strspn(p, " ");
	}
	fputc('\n', f);
}

/* One row of a help list: "  left  text", the text wrapped under itself. */
static void print_row(FILE *f, const char *left, int indent, const char *text)
{
	int col = fprintf(f, "  %-*s ", indent - 3, left);

	if (col > indent) { /* a long left part: the text starts on the next line */
		fprintf(f, "\n%*s", indent, "");
		col = indent;
	}
	put_wrapped(f, text, col, indent);
}

static void print_opts(const cli_opt *opts, FILE *f)
{
	char left[48], text[256];

	for (int k = 0; opts[k].name; k++) {
		if (!opts[k].help)
			continue;
		snprintf(left, sizeof left, "--%s%s%s", opts[k].name, opts[k].arg ? " " : "",
			 opts[k].arg ? opts[k].arg : "");
		snprintf(text, sizeof text, "%s%s%s", opts[k].help,
			 (opts[k].flags & CLI_REQUIRED) ? " (required)" : "",
			 (opts[k].flags & CLI_REPEAT) ? " (repeatable)" : "");
		print_row(f, left, 27, text);
	}
}

/* "Usage: bbconsole WORDS...", wrapped under the words. */
static void print_usage(FILE *f, const char *usage)
{
	static const char head[] = "Usage: bbconsole ";
	int indent = (int)strlen(head);

	fputs(head, f);
	put_wrapped(f, usage, indent, indent);
	fputc('\n', f);
}

static void print_cmd_help(const cli_cmd *cmd, FILE *f)
{
	char words[64];

	char usage[512];
	size_t n;

	n = (size_t)snprintf(usage, sizeof usage, "%s", cli_cmd_words(cmd, words, sizeof words));
	if (cmd->args[0] && n < sizeof usage)
		n += (size_t)snprintf(usage + n, sizeof usage - n, " %s", cmd->args);
	/* an option and its value stay together when the line wraps */
	for (int k = 0; cmd->opts[k].name && n < sizeof usage; k++)
		if (cmd->opts[k].flags & CLI_REQUIRED)
			n += (size_t)snprintf(usage + n, sizeof usage - n, " --%s%s%s",
					      cmd->opts[k].name, cmd->opts[k].arg ? "\xa0" : "",
					      cmd->opts[k].arg ? cmd->opts[k].arg : "");
	if (n < sizeof usage)
		snprintf(usage + n, sizeof usage - n, " [options]");
	print_usage(f, usage);
	fprintf(f, "\n%c%s.\n", cmd->summary[0] - 'a' + 'A', cmd->summary + 1);
	if (cmd->opts[0].name) {
		fputs("\nOptions:\n", f);
		print_opts(cmd->opts, f);
	}
}

static void print_list(const char *group, FILE *f)
{
	char words[64];

	for (const cli_cmd *k = cli_commands; k->name; k++) {
		if (group && (!k->group || strcmp(k->group, group) != 0))
			continue;
		cli_cmd_words(k, words, sizeof words);
		print_row(f, words, 31, k->summary);
	}
}

void cli_print_help(const cli *c, FILE *f)
{
	if (c->cmd) {
		print_cmd_help(c->cmd, f);
	} else {
		fprintf(f, "Usage: bbconsole [options] %s [arguments]\n\n",
			c->group ? c->group : "[COMMAND]");
		if (!c->group)
			fputs("Without a command, opens the full-screen console.\n\n", f);
		fputs("Commands:\n", f);
		print_list(c->group, f);
	}
	fputs("\nGlobal options (before or after the command):\n", f);
	print_opts(global_opts, f);
	fputs("\nExit status: 0 ok, 64 usage, 65 invalid or refused, 66 not found, 69 remote,\n"
	      "73 database, 75 try again, 77 permission denied.\n", f);
}
