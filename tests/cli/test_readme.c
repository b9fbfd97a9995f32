/* README checks: the screen captures in README.md are the screen tests'
 * golden files, and the quick start is the two make commands.
 *
 * A capture in the README is marked by a line
 *     <!-- golden: tests/screen/golden/NAME.80x24.txt -->
 * followed at once by a fenced block (```text ... ```). The block must equal
 * the golden file line for line, byte for byte; trailing empty lines are
 * ignored on both sides (the README may leave out a capture's blank bottom
 * rows), no others. Every tour_* golden file must be shown somewhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliexec.h"

#define MARK_OPEN "<!-- golden: "
#define MARK_CLOSE " -->"
#define FENCE "```"
#define REPORT_MAX 8192

/* ---- text helpers ------------------------------------------------------- */

typedef struct lines {
	char **v;
	size_t n;
	char *text; /* owns the strings */
} lines;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
			&& (text = malloc((size_t)size + 1))) {
		size_t got = fread(text, 1, (size_t)size, f);

		text[got] = '\0';
	}
	fclose(f);
	return text;
}

/* Splits text (taken over) into lines; a final newline ends the last line
 * rather than starting an empty one. */
static void lines_split(lines *l, char *text)
{
	size_t cap = 1;

	l->text = text;
	l->n = 0;
	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	l->v = calloc(cap, sizeof *l->v);
	assert_non_null(l->v);
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		l->v[l->n++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void lines_free(lines *l)
{
	free(l->v);
	free(l->text);
}

/* The count of lines once trailing empty ones are left out. */
static size_t lines_trimmed(const char *const *v, size_t n)
{
	while (n > 0 && v[n - 1][0] == '\0')
		n--;
	return n;
}

/* Appends one problem to the report (cut when the report is full). */
static void problem(char *report, size_t *problems, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(char *report, size_t *problems, const char *fmt, ...)
{
	size_t len = strlen(report);
	va_list ap;

	(*problems)++;
	if (len + 2 >= REPORT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(report + len, REPORT_MAX - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(report);
	report[len] = '\n';
	report[len + 1] = '\0';
}

/* ---- the checks --------------------------------------------------------- */

/* The path named by a marker line, copied to out; false if the line is not
 * a marker. */
static bool marker_path(const char *line, char *out, size_t cap)
{
	size_t ol = strlen(MARK_OPEN), cl = strlen(MARK_CLOSE), len = strlen(line);

	if (strncmp(line, MARK_OPEN, ol) != 0 || len < ol + cl
			|| strcmp(line + len - cl, MARK_CLOSE) != 0)
		return false;
	snprintf(out, cap, "%.*s", (int)(len - ol - cl), line + ol);
	return true;
}

/* Compares block (README lines) with the golden file at root/path. */
static void compare_block(const char *root, const char *path, const char *const *block,
			  size_t n, size_t first_line, char *report, size_t *problems)
{
	char full[4096];
	lines g = {0};
	char *text;
	size_t gn, i;

	snprintf(full, sizeof full, "%s/%s", root, path);
	if (strstr(path, "..") || !(text = slurp(full))) {
		problem(report, problems, "README.md line %zu: cannot read the golden file %s.",
			first_line - 2, path);
		return;
	}
	lines_split(&g, text);
	gn = lines_trimmed((const char *const *)g.v, g.n);
	n = lines_trimmed(block, n);
	for (i = 0; i < n && i < gn; i++)
		if (strcmp(block[i], g.v[i]) != 0)
			break;
	if (i < n || i < gn)
		problem(report, problems,
			"README.md line %zu differs from %s line %zu:\n  README |%s|\n  golden |%s|",
			first_line + i, path, i + 1, i < n ? block[i] : "(block ended)",
			i < gn ? g.v[i] : "(file ended)");
	lines_free(&g);
}

/* Checks every golden marker of a README (its lines in r). Returns the count
 * of markers; problems and report collect what is wrong. */
static size_t check_markers(const lines *r, const char *root, char *report, size_t *problems)
{
	size_t markers = 0;
	char path[1024];

	for (size_t i = 0; i < r->n; i++) {
		size_t start, end;

		if (!marker_path(r->v[i], path, sizeof path))
			continue;
		markers++;
		if (i + 1 >= r->n || strncmp(r->v[i + 1], FENCE, strlen(FENCE)) != 0) {
			problem(report, problems,
				"README.md line %zu: the golden marker for %s must be followed at once by a ``` block.",
				i + 1, path);
			continue;
		}
		start = i + 2;
		for (end = start; end < r->n && strcmp(r->v[end], FENCE) != 0; end++)
			;
		if (end >= r->n) {
			problem(report, problems, "README.md line %zu: the ``` block is not closed.",
				i + 2);
			break;
		}
		compare_block(root, path, (const char *const *)r->v + start, end - start, start + 1,
			      report, problems);
		i = end;
	}
	return markers;
}

/* README text for the tests: root/README.md, with $BBCONSOLE_SRC as root. */
static void read_readme(lines *r, const char **root)
{
	char path[4096];
	char *text;

	*root = getenv("BBCONSOLE_SRC");
	assert_non_null(*root);
	snprintf(path, sizeof path, "%s/README.md", *root);
	text = slurp(path);
	if (!text)
		fail_msg("Cannot read %s (%s).", path, strerror(errno));
	lines_split(r, text);
}

/* ---- tests ---------------------------------------------------------------- */

static void captures_equal_their_golden_files(void **state)
{
	char report[REPORT_MAX] = "";
	size_t problems = 0, markers;
	const char *root;
	lines r;

	(void)state;
	read_readme(&r, &root);
	markers = check_markers(&r, root, report, &problems);
	lines_free(&r);
	if (markers == 0)
		fail_msg("README.md has no \"" MARK_OPEN "PATH" MARK_CLOSE "\" marker.");
	if (problems)
		fail_msg("%zu README capture(s) out of step (regenerate the golden files with BB_UPDATE_GOLDEN=1 and copy them):\n%s",
			 problems, report);
}

static void every_tour_capture_is_shown(void **state)
{
	const char *root;
	char pattern[4096], *readme;
	glob_t g;
	size_t missing = 0;

	(void)state;
	root = getenv("BBCONSOLE_SRC");
	assert_non_null(root);
	snprintf(pattern, sizeof pattern, "%s/tests/screen/golden/tour_*.txt", root);
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	snprintf(pattern, sizeof pattern, "%s/README.md", root);
	readme = slurp(pattern);
	assert_non_null(readme);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char mark[4096];

		snprintf(mark, sizeof mark, MARK_OPEN "%s" MARK_CLOSE,
			 g.gl_pathv[i] + strlen(root) + 1);
		if (!strstr(readme, mark)) {
			fprintf(stderr, "README.md does not show %s\n", g.gl_pathv[i]);
			missing++;
		}
	}
	free(readme);
	globfree(&g);
	assert_int_equal(missing, 0);
}

static void quick_start_is_make_run_and_make_check(void **state)
{
	const char *root;
	size_t i, start, end;
	lines r;

	(void)state;
	read_readme(&r, &root);
	for (i = 0; i < r.n && strcmp(r.v[i], "## Quick start") != 0; i++)
		;
	for (; i < r.n && strncmp(r.v[i], FENCE, strlen(FENCE)) != 0; i++)
		;
	start = i + 1;
	for (end = start; end < r.n && strcmp(r.v[end], FENCE) != 0; end++)
		;
	if (end >= r.n)
		fail_msg("README.md has no closed ``` block under \"## Quick start\".");
	if (end - start != 2 || strcmp(r.v[start], "make run") != 0
			|| strcmp(r.v[start + 1], "make check") != 0) {
		for (i = start; i < end; i++)
			fprintf(stderr, "README.md line %zu |%s|\n", i + 1, r.v[i]);
		fail_msg("README.md line %zu: the quick start block must hold exactly the two lines \"make run\" and \"make check\".",
			 start + 1);
	}
	lines_free(&r);
}

/* ---- the checker itself catches what it must (a temporary tree) ------------ */

/* A temporary directory (mkdtemp) holding one golden file, g.txt. */
typedef cliexec_home tree;

static void tree_write(const tree *t, const char *name, const char *text)
{
	char path[sizeof t->dir + 64];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", t->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int tree_setup(void **state)
{
	tree *t = calloc(1, sizeof *t);

	if (!t)
		return -1;
	cliexec_home_make(t);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	cliexec_home_remove(*state);
	free(*state);
	return 0;
}

/* Runs the marker check on a README text over t's tree. */
static size_t check_text(const tree *t, const char *readme, char *report, size_t *problems)
{
	lines r;
	size_t markers;
	char *copy = strdup(readme);

	assert_non_null(copy);
	report[0] = '\0';
	*problems = 0;
	lines_split(&r, copy);
	markers = check_markers(&r, t->dir, report, problems);
	lines_free(&r);
	return markers;
}

static void checker_finds_the_differing_line(void **state)
{
	tree *t = *state;
	char report[REPORT_MAX];
	size_t problems;

	tree_write(t, "g.txt", "Title\n  row one\n\n  row three\n\n\n");
	/* same lines, trailing blank rows left out: fine */
	assert_int_equal(check_text(t, "Intro\n<!-- golden: g.txt -->\n```text\nTitle\n  row one\n\n  row three\n```\n",
				    report, &problems), 1);
	assert_int_equal(problems, 0);
	/* one changed line: reported with its README line and both texts */
	check_text(t, "Intro\n<!-- golden: g.txt -->\n```text\nTitle\n  row 1\n\n  row three\n```\n",
		   report, &problems);
	assert_int_equal(problems, 1);
	assert_non_null(strstr(report, "README.md line 5 differs from g.txt line 2"));
	assert_non_null(strstr(report, "|  row 1|"));
	assert_non_null(strstr(report, "|  row one|"));
	/* a missing middle blank line or a missing last row is a difference */
	check_text(t, "<!-- golden: g.txt -->\n```text\nTitle\n  row one\n  row three\n```\n",
		   report, &problems);
	assert_int_equal(problems, 1);
	check_text(t, "<!-- golden: g.txt -->\n```text\nTitle\n  row one\n\n```\n", report, &problems);
	assert_int_equal(problems, 1);
	assert_non_null(strstr(report, "(block ended)"));
	/* a trailing space is a difference too */
	check_text(t, "<!-- golden: g.txt -->\n```text\nTitle \n  row one\n\n  row three\n```\n",
		   report, &problems);
	assert_int_equal(problems, 1);
}

static void checker_wants_a_block_right_after_the_marker(void **state)
{
	tree *t = *state;
	char report[REPORT_MAX];
	size_t problems;

	tree_write(t, "g.txt", "Title\n");
	check_text(t, "<!-- golden: g.txt -->\n\n```text\nTitle\n```\n", report, &problems);
	assert_int_equal(problems, 1);
	assert_non_null(strstr(report, "followed at once"));
	check_text(t, "<!-- golden: g.txt -->\n```text\nTitle\n", report, &problems);
	assert_int_equal(problems, 1);
	check_text(t, "<!-- golden: nowhere.txt -->\n```text\nTitle\n```\n", report, &problems);
	assert_int_equal(problems, 1);
	assert_non_null(strstr(report, "cannot read"));
	assert_int_equal(check_text(t, "no markers here\n", report, &problems), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(captures_equal_their_golden_files),
		cmocka_unit_test(every_tour_capture_is_shown),
		cmocka_unit_test(quick_start_is_make_run_and_make_check),
		cmocka_unit_test_setup_teardown(checker_finds_the_differing_line, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(checker_wants_a_block_right_after_the_marker,
						tree_setup, tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
