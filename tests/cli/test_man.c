/* Manual page checks: both pages lint clean with groff, and bbconsole.1 stays
 * true to the binary. Every command and option of the help is documented (and
 * every documented command exists), and every key of every console screen, as
 * `bbconsole --dump-keys` lists it, is documented under that screen.
 *
 * Markup the checks rely on (see the comment at the top of bbconsole.1): a
 * command is `.SS "group name"` under `.SH COMMANDS`; an option, or a key, is
 * named on the tag line that follows a `.TP`; a screen is a `.SS` under
 * `.SH "THE CONSOLE"`; global options are `.TP` tags under `.SH OPTIONS`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cliexec.h"

extern char **environ;

#define MAX_LINES 4096
#define REPORT_MAX 8192

/* ---- small text helpers ------------------------------------------------- */

/* The lines of a text, split in place (the text is modified). */
typedef struct lines {
	char *v[MAX_LINES];
	size_t n;
} lines;

static void lines_split(lines *l, char *text)
{
	l->n = 0;
	for (char *p = text; p && *p && l->n < MAX_LINES;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		l->v[l->n++] = p;
		p = nl ? nl + 1 : NULL;
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	long size;

	if (!f)
		fail_msg("Cannot read %s (%s).", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (text = malloc((size_t)size + 1)) != NULL) {
		size_t got = fread(text, 1, (size_t)size, f);

		text[got] = '\0';
	}
	fclose(f);
	assert_non_null(text);
	return text;
}

static void page_path(char *out, size_t size, const char *page)
{
	const char *src = getenv("BBCONSOLE_SRC");

	if (!src)
		fail_msg("BBCONSOLE_SRC is not set; run the tests with tests/run.sh.");
	snprintf(out, size, "%s/man/%s", src, page);
}

/* Collected problems, reported all at once so one run shows every gap. */
typedef struct report {
	char text[REPORT_MAX];
	size_t len;
	int count;
} report;

static void report_add(report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report_add(report *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	r->count++;
	if (r->len + 2 >= sizeof r->text)
		return;
	r->text[r->len++] = '\n';
	va_start(ap, fmt);
	n = vsnprintf(r->text + r->len, sizeof r->text - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n < sizeof r->text - r->len ? (size_t)n : sizeof r->text - r->len - 1;
}

static void report_check(const report *r, const char *what)
{
	if (r->count)
		fail_msg("%d %s:%s", r->count, what, r->text);
}

/* ---- reading man(7) source ---------------------------------------------- */

/* Plain text of a line of groff input: escapes that matter for names are
 * undone (\- \e \(aq \(lq \(rq), font changes and zero-width marks dropped,
 * and a leading macro name removed. */
static void man_plain(const char *in, char *out, size_t size)
{
	size_t o = 0;

	if (in[0] == '.' || in[0] == '\'')
		in += strcspn(in, " \t");
	while (*in == ' ' || *in == '\t')
		in++;
	while (*in && o + 2 < size) {
		if (in[0] != '\\') {
			out[o++] = *in++;
			continue;
		}
		if (in[1] == '-' || in[1] == 'e') {
			out[o++] = in[1] == '-' ? '-' : '\\';
			in += 2;
		} else if (in[1] == '(' && in[2] && in[3]) {
			out[o++] = strncmp(in + 2, "aq", 2) == 0 ? '\'' : '"';
			in += 4;
		} else if (in[1] == 'f' && in[2]) {
			in += 3;
		} else if (in[1] == '&' || in[1] == '%') {
			in += 2;
		} else {
			out[o++] = in[1] ? in[1] : '\\';
			in += in[1] ? 2 : 1;
		}
	}
	out[o] = '\0';
}

/* Lower case, letters and digits only, single spaces: how titles and
 * headings are compared ("Integrations list:" == ".SS \"Integrations list\""). */
static void normalise(const char *in, char *out, size_t size)
{
	size_t o = 0;
	int gap = 0;

	for (; *in && o + 2 < size; in++) {
		unsigned char c = (unsigned char)*in;

		if (isalnum(c)) {
			if (gap && o)
				out[o++] = ' ';
			out[o++] = (char)tolower(c);
			gap = 0;
		} else {
			gap = 1;
		}
	}
	out[o] = '\0';
}

static int is_macro(const char *line, const char *name)
{
	size_t n = strlen(name);

	return line[0] == '.' && strncmp(line + 1, name, n) == 0 &&
	       (line[1 + n] == '\0' || line[1 + n] == ' ' || line[1 + n] == '\t');
}

/* Lines [*from, *to) of the section `.SH name`; fails when absent. */
static void man_section(const lines *m, const char *name, size_t *from, size_t *to)
{
	char want[128], got[256];

	normalise(name, want, sizeof want);
	for (size_t i = 0; i < m->n; i++) {
		if (!is_macro(m->v[i], "SH"))
			continue;
		man_plain(m->v[i], got, sizeof got);
		normalise(got, got, sizeof got);
		if (strcmp(got, want) != 0)
			continue;
		*from = i + 1;
		for (*to = i + 1; *to < m->n && !is_macro(m->v[*to], "SH"); (*to)++)
			;
		return;
	}
	fail_msg("The page has no section .SH %s.", name);
}

/* Lines [*from, *to) of the subsection `.SS title` inside [lo, hi), or 0. */
static int man_subsection(const lines *m, size_t lo, size_t hi, const char *title, size_t *from,
			  size_t *to)
{
	char want[256], got[256];

	normalise(title, want, sizeof want);
	for (size_t i = lo; i < hi; i++) {
		if (!is_macro(m->v[i], "SS"))
			continue;
		man_plain(m->v[i], got, sizeof got);
		normalise(got, got, sizeof got);
		if (strcmp(got, want) != 0)
			continue;
		*from = i + 1;
		for (*to = i + 1; *to < hi && !is_macro(m->v[*to], "SS"); (*to)++)
			;
		return 1;
	}
	return 0;
}

/* 1 when a .TP tag line in [lo, hi) names `word`: as its first word
 * (first_only) or as any of its words. Words are split on blanks and quotes;
 * a trailing comma is not part of a word ("Up, k"). */
static int man_tag_has(const lines *m, size_t lo, size_t hi, const char *word, int first_only)
{
	char plain[512];

	for (size_t i = lo; i + 1 < hi; i++) {
		size_t tag = i + 1;

		if (!is_macro(m->v[i], "TP"))
			continue;
		while (tag < hi && strncmp(m->v[tag], ".\\\"", 3) == 0)
			tag++;
		if (tag >= hi)
			break;
		man_plain(m->v[tag], plain, sizeof plain);
		for (char *p = plain; *p; p++)
			if (*p == '"')
				*p = ' ';
		for (char *save = NULL, *w = strtok_r(plain, " \t", &save); w;
		     w = strtok_r(NULL, " \t", &save)) {
			size_t n = strlen(w);

			if (n > 1 && w[n - 1] == ',')
				w[n - 1] = '\0';
			if (strcmp(w, word) == 0)
				return 1;
			if (first_only)
				break;
		}
	}
	return 0;
}

static void load_page(const char *page, char **text, lines *m)
{
	char path[4096];

	page_path(path, sizeof path, page);
	*text = slurp(path);
	lines_split(m, *text);
}

/* ---- reading the binary's help ------------------------------------------ */

static void help_of(cliexec_home *h, cliexec_result *r, const char *words)
{
	char buf[128];
	const char *args[8];
	size_t n = 0;

	snprintf(buf, sizeof buf, "%s", words);
	for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && n < 6;
	     w = strtok_r(NULL, " ", &save))
		args[n++] = w;
	args[n++] = "--help";
	args[n] = NULL;
	cliexec_argv(h, r, "alice", NULL, args);
	if (r->status != 0)
		fail_msg("bbconsole %s --help exited %d: %s", words, r->status, r->err);
}

/* The first column of the lines of the help block that starts with a line
 * beginning with `heading`: "integration create" from
 * "  integration create     create a ...". Copies into names (one per slot). */
static size_t help_block(const char *help, const char *heading, char names[][64], size_t max)
{
	const char *p = strstr(help, heading);
	size_t n = 0;

	if (!p)
		return 0;
	p = strchr(p, '\n');
	while (p && p[1] == ' ' && p[2] == ' ' && n < max) {
		const char *s = p + 3, *end, *eol;

		if (p[3] == ' ') { /* the wrapped rest of a description */
			p = strchr(p + 1, '\n');
			continue;
		}
		while (*s == ' ')
			s++;
		eol = s + strcspn(s, "\n");
		end = strstr(s, "  ");
		if (!end || end > eol)
			end = eol;
		snprintf(names[n], 64, "%.*s", (int)(end - s), s);
		n++;
		p = strchr(p + 1, '\n');
	}
	return n;
}

/* "--name" from "--name NAME" */
static void first_word(char *s)
{
	s[strcspn(s, " \t")] = '\0';
}

/* ---- tests --------------------------------------------------------------- */

/* Everything a test holds, freed by the teardown even when a check fails
 * half way (cmocka leaves the test function with a long jump). */
typedef struct fixture {
	cliexec_home h;
	cliexec_result top, cmd; /* bbconsole --help (or --dump-keys); CMD --help */
	char *text;              /* the page source, split into m */
	lines m, dump;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	cliexec_home_make(&f->h);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	cliexec_home_remove(&f->h);
	cliexec_free(&f->top);
	cliexec_free(&f->cmd);
	free(f->text);
	free(f);
	return 0;
}

/* groff's own output for one page with every warning on. */
static void groff_lint(const char *page)
{
	char path[4096], out[8192];
	char *argv[] = {"groff", "-ww", "-z", "-man", path, NULL};
	posix_spawn_file_actions_t fa;
	int fds[2], ws, rc;
	size_t len = 0;
	ssize_t got;
	pid_t pid;

	page_path(path, sizeof path, page);
	assert_int_equal(pipe(fds), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	rc = posix_spawnp(&pid, "groff", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		fail_msg("Cannot run groff (%s); install it (Debian: apt-get install groff-base) "
			 "so the manual pages can be checked.", strerror(rc));
	}
	/* drain it all (groff must never block on a full pipe); keep the start */
	while ((got = read(fds[0], out + len, sizeof out - 1 - len)) > 0 ||
	       (got < 0 && errno == EINTR)) {
		if (got > 0)
			len += (size_t)got;
		if (len == sizeof out - 1)
			len = sizeof out - 256; /* overwrite the tail, the start stays */
	}
	out[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &ws, 0) < 0)
		assert_int_equal(errno, EINTR);
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127)
		fail_msg("groff is not installed; install it (Debian: apt-get install groff-base) "
			 "so the manual pages can be checked.");
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0 || len)
		fail_msg("groff -ww -z -man %s: exit %d, output:\n%s", page,
			 WIFEXITED(ws) ? WEXITSTATUS(ws) : -1, out);
}

static void pages_lint_clean(void **state)
{
	(void)state;
	groff_lint("bbconsole.1");
	groff_lint("bbconsole.5");
}

/* Every option of one command's --help is a tag in its subsection. */
static void check_command_options(fixture *f, size_t lo, size_t hi, const char *cmd,
				  report *rep)
{
	char opts[32][64];
	size_t from, to, n;

	if (!man_subsection(&f->m, lo, hi, cmd, &from, &to)) {
		report_add(rep, "command \"%s\" has no .SS \"%s\" under COMMANDS", cmd, cmd);
		return;
	}
	help_of(&f->h, &f->cmd, cmd);
	n = help_block(f->cmd.out, "Options:", opts, 32);
	for (size_t i = 0; i < n; i++) {
		first_word(opts[i]);
		if (!man_tag_has(&f->m, from, to, opts[i], 1))
			report_add(rep, "option %s of \"%s\" is not a .TP tag in its subsection",
				   opts[i], cmd);
	}
}

static void help_and_page_agree(void **state)
{
	fixture *f = *state;
	const lines *m = &f->m;
	char cmds[64][64], globals[16][64], plain[256], key[256];
	size_t ncmds, nglobals, lo, hi, olo, ohi;
	report rep = {0};

	load_page("bbconsole.1", &f->text, &f->m);
	man_section(m, "COMMANDS", &lo, &hi);
	man_section(m, "OPTIONS", &olo, &ohi);
	cliexec_argv(&f->h, &f->top, "alice", NULL, (const char *const[]){"--help", NULL});
	cliexec_assert_ok(&f->top);
	ncmds = help_block(f->top.out, "Commands:", cmds, 64);
	nglobals = help_block(f->top.out, "Global options", globals, 16);
	if (ncmds < 10 || nglobals < 3)
		fail_msg("Cannot read the command list from bbconsole --help:\n%s", f->top.out);
	for (size_t i = 0; i < nglobals; i++) {
		first_word(globals[i]);
		if (!man_tag_has(m, olo, ohi, globals[i], 1))
			report_add(&rep, "global option %s is not a .TP tag under OPTIONS", globals[i]);
	}
	for (size_t i = 0; i < ncmds; i++)
		check_command_options(f, lo, hi, cmds[i], &rep);
	/* the reverse: nothing documented that the binary does not have */
	for (size_t i = lo; i < hi; i++) {
		size_t k;

		if (!is_macro(m->v[i], "SS"))
			continue;
		man_plain(m->v[i], plain, sizeof plain);
		normalise(plain, plain, sizeof plain);
		for (k = 0; k < ncmds; k++) {
			normalise(cmds[k], key, sizeof key);
			if (strcmp(plain, key) == 0)
				break;
		}
		if (k == ncmds)
			report_add(&rep, "bbconsole.1 documents the command \"%s\", which bbconsole "
				   "--help does not list", plain);
	}
	report_check(&rep, "differences between bbconsole --help and man/bbconsole.1");
}

/* A key line of the dump is "KEYS<at least two spaces>HELP" with KEYS one
 * word; any other non-blank line is the title of the next screen. */
static int dump_key_line(const char *line, char *keys, size_t size)
{
	size_t w = strcspn(line, " \t");

	if (w == 0 || (line[w] != '\0' && strncmp(line + w, "  ", 2) != 0))
		return 0;
	if (line[w] == '\0')
		return 0; /* a one-word title */
	snprintf(keys, size, "%.*s", (int)w, line);
	return 1;
}

/* Each key of "Down/j", "//n" (the key "/" then "n"), "Ctrl-D". */
static void check_keys(const lines *m, size_t from, size_t to, const char *title, char *keys,
		       report *rep)
{
	char *p = keys;

	while (*p) {
		char name[64];
		size_t n = *p == '/' ? 1 : strcspn(p, "/");

		snprintf(name, sizeof name, "%.*s", (int)n, p);
		p += n;
		if (*p == '/')
			p++; /* the separator */
		if (!man_tag_has(m, from, to, name, 0))
			report_add(rep, "key %s of screen \"%s\" is not on a .TP tag line in its "
				   "subsection", name, title);
	}
}

/* The subsection of a screen: its title, or for a part of a screen titled
 * "Screen: part" (one step of the wizard), the subsection "Screen". */
static int screen_subsection(const lines *m, size_t lo, size_t hi, const char *title,
			     size_t *from, size_t *to)
{
	char screen[256];

	if (man_subsection(m, lo, hi, title, from, to))
		return 1;
	snprintf(screen, sizeof screen, "%.*s", (int)strcspn(title, ":"), title);
	return strchr(title, ':') && man_subsection(m, lo, hi, screen, from, to);
}

static void every_screen_key_documented(void **state)
{
	fixture *f = *state;
	char keys[160], title[256] = "";
	size_t lo, hi, from = 0, to = 0;
	report rep = {0};
	int has_section = 0, screens = 0;

	cliexec_argv(&f->h, &f->top, "alice", NULL, (const char *const[]){"--dump-keys", NULL});
	if (f->top.status != 0)
		fail_msg("bbconsole --dump-keys exited %d (%s): the hidden option that prints every "
			 "screen's key table (console_dump_keys) must be wired in cli/ for this "
			 "check to run.", f->top.status, f->top.err);
	load_page("bbconsole.1", &f->text, &f->m);
	man_section(&f->m, "THE CONSOLE", &lo, &hi);
	lines_split(&f->dump, f->top.out);
	for (size_t i = 0; i < f->dump.n; i++) {
		const char *line = f->dump.v[i];

		if (!line[0] || isspace((unsigned char)line[0]))
			continue;
		if (dump_key_line(line, keys, sizeof keys)) {
			if (!title[0])
				fail_msg("bbconsole --dump-keys printed keys before any title: %s", line);
			if (has_section)
				check_keys(&f->m, from, to, title, keys, &rep);
			continue;
		}
		snprintf(title, sizeof title, "%s", line);
		screens++;
		has_section = screen_subsection(&f->m, lo, hi, title, &from, &to);
		if (!has_section)
			report_add(&rep, "screen \"%s\" has no .SS subsection under THE CONSOLE", title);
	}
	if (screens == 0)
		fail_msg("bbconsole --dump-keys printed no screen:\n%s", f->top.out);
	report_check(&rep, "screens or keys missing from man/bbconsole.1");
}

/* The plain text of the "Default keys: ..." line of the .TP entry tagged
 * `name` in [lo, hi), "" when the entry has none, NULL when there is no such
 * entry. */
static const char *entry_keys(const lines *m, size_t lo, size_t hi, const char *name, char *out,
			      size_t size)
{
	char plain[512];

	for (size_t i = lo; i + 1 < hi; i++) {
		if (!is_macro(m->v[i], "TP"))
			continue;
		man_plain(m->v[i + 1], plain, sizeof plain);
		if (strcmp(plain, name) != 0)
			continue;
		out[0] = '\0';
		for (size_t j = i + 2; j < hi && !is_macro(m->v[j], "TP"); j++) {
			man_plain(m->v[j], plain, sizeof plain);
			if (strncmp(plain, "Default keys: ", 14) == 0) {
				snprintf(out, size, "%.*s", (int)(size - 1), plain + 14);
				break;
			}
		}
		return out;
	}
	return NULL;
}

/* bbconsole.5 lists every action of `bbconsole --dump-actions` under
 * "Actions", with the same default keys, and no action that does not exist:
 * the names are what a config file's bind lines use. */
static void every_action_documented_in_bbconsole5(void **state)
{
	fixture *f = *state;
	size_t lo, hi, from, to, actions = 0;
	report rep = {0};
	char plain[512];

	cliexec_argv(&f->h, &f->top, "alice", NULL, (const char *const[]){"--dump-actions", NULL});
	if (f->top.status != 0)
		fail_msg("bbconsole --dump-actions exited %d (%s).", f->top.status, f->top.err);
	load_page("bbconsole.5", &f->text, &f->m);
	man_section(&f->m, "THE CONFIG FILE", &lo, &hi);
	if (!man_subsection(&f->m, lo, hi, "Actions", &from, &to))
		fail_msg("bbconsole.5 has no subsection \"Actions\" under THE CONFIG FILE.");
	lines_split(&f->dump, f->top.out);
	for (size_t i = 0; i < f->dump.n; i++) {
		char name[64], want[256], got[256];
		const char *tab = strchr(f->dump.v[i], '\t');
		size_t w = 0;

		if (!tab)
			continue;
		actions++;
		snprintf(name, sizeof name, "%.*s", (int)(tab - f->dump.v[i]), f->dump.v[i]);
		/* "Down j" is written "Down, j." */
		for (const char *k = tab + 1; *k && w + 4 < sizeof want; k++) {
			if (*k == ' ')
				want[w++] = ',';
			want[w++] = *k;
		}
		snprintf(want + w, sizeof want - w, "%s", w ? "." : "");
		if (!entry_keys(&f->m, from, to, name, got, sizeof got))
			report_add(&rep, "action %s is not a .TP entry under Actions", name);
		else if (strcmp(got, want) != 0)
			report_add(&rep, "action %s: the page says default keys \"%s\", the binary "
				   "\"%s\"", name, got, want);
	}
	for (size_t i = from; i + 1 < to; i++) {
		bool found = false;

		if (!is_macro(f->m.v[i], "TP"))
			continue;
		man_plain(f->m.v[i + 1], plain, sizeof plain);
		for (size_t j = 0; j < f->dump.n && !found; j++)
			found = strncmp(f->dump.v[j], plain, strlen(plain)) == 0 &&
				f->dump.v[j][strlen(plain)] == '\t';
		if (!found)
			report_add(&rep, "bbconsole.5 documents an action \"%s\" that does not exist",
				   plain);
	}
	if (actions < 20)
		fail_msg("bbconsole --dump-actions printed %zu actions:\n%s", actions, f->top.out);
	report_check(&rep, "actions missing or wrong in man/bbconsole.5");
}

/* The page's own parsing must find what is there, or the checks above would
 * pass on an empty page. */
static void page_parsing_finds_known_entries(void **state)
{
	fixture *f = *state;
	const lines *m = &f->m;
	size_t lo, hi, from, to;

	load_page("bbconsole.1", &f->text, &f->m);
	man_section(m, "COMMANDS", &lo, &hi);
	assert_true(man_subsection(m, lo, hi, "integration create", &from, &to));
	assert_true(man_tag_has(m, from, to, "--token-stdin", 1));
	assert_false(man_tag_has(m, from, to, "--token", 1));
	assert_false(man_subsection(m, lo, hi, "integration rename", &from, &to));
	man_section(m, "THE CONSOLE", &lo, &hi);
	assert_true(screen_subsection(m, lo, hi, "Integrations", &from, &to));
	assert_true(man_tag_has(m, from, to, "j", 0));
	assert_true(man_tag_has(m, from, to, "/", 0));
	assert_false(man_tag_has(m, from, to, "Ctrl-D", 0));
	assert_true(screen_subsection(m, lo, hi, "New integration: review step", &from, &to));
	assert_true(man_tag_has(m, from, to, "Ctrl-D", 0));
	assert_false(screen_subsection(m, lo, hi, "Nowhere: at all", &from, &to));
}

static void dump_lines_are_told_apart(void **state)
{
	char keys[64];

	(void)state;
	assert_false(dump_key_line("Integrations list", keys, sizeof keys));
	assert_false(dump_key_line("Details", keys, sizeof keys));
	assert_true(dump_key_line("Down/j     next integration", keys, sizeof keys));
	assert_string_equal(keys, "Down/j");
	assert_true(dump_key_line("/  filter", keys, sizeof keys));
	assert_string_equal(keys, "/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pages_lint_clean),
		cmocka_unit_test_setup_teardown(page_parsing_finds_known_entries, setup, teardown),
		cmocka_unit_test(dump_lines_are_told_apart),
		cmocka_unit_test_setup_teardown(help_and_page_agree, setup, teardown),
		cmocka_unit_test_setup_teardown(every_screen_key_documented, setup, teardown),
		cmocka_unit_test_setup_teardown(every_action_documented_in_bbconsole5, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
