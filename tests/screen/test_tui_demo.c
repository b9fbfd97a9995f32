/* Screen tests of the tui toolkit through the vt harness: the test binary
 * re-executes itself with --demo KIND as a small app on a pseudo-terminal and
 * drives it with keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui.h"
#define WAIT_MS 5000
#include "vt.h"
#include "vt_assert.h"
#define ROWS 1000

/* ---- the demo app (child side) -------------------------------------------- */

enum { ACT_OPEN = TUI_ACT_APP, ACT_DELETE, ACT_TYPED, ACT_NEXT, ACT_FILTER = TUI_ACT_FILTER };

static const tui_keydef list_keys[] = {
	{ACT_OPEN, {TUI_K_ENTER}, "open", "Open the selected row.", true},
	{ACT_DELETE, {'d'}, "delete", "Delete the selected row (asks first).", true},
	{ACT_TYPED, {'t'}, "typed", "Confirm by typing a word.", false},
	{ACT_FILTER, {'/'}, "filter", "Filter the rows.", false},
	TUI_KEYS_INCLUDE(tui_list_keys),
	{TUI_ACT_HELP, {'?'}, "help", "Show the keys of this screen.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit the demo.", true},
	{0}
};

static const char *const labels[] = {
	"plain", "\xe6\x9c\xac\xe7\x95\xaa\xe7\x92\xb0\xe5\xa2\x83", /* 本番環境 */
	"caf\xc3\xa9", "\033[31mRED\033[0m",
};

struct list_demo {
	tui_screen screen;
	tui_list list;
	size_t map[ROWS];
	size_t nmap;
};

static void row_text(size_t row, char *out, size_t len)
{
	snprintf(out, len, "row %04zu %s", row + 1, labels[row % 4]);
}

static void draw_row(void *arg, WINDOW *w, int y, int x, int width, size_t row, attr_t attr)
{
	struct list_demo *d = arg;
	size_t real = d->map[row];
	char name[64], cell[64];

	row_text(real, name, sizeof(name));
	/* a 24-column name column, then a separator: CJK must align */
	tui_put(w, y, x, 24, name, attr, true);
	snprintf(cell, sizeof(cell), "| %zu", real % 7);
	tui_put(w, y, x + 24, width - 24, cell, attr, true);
}

static void apply_filter(void *arg, const char *text)
{
	struct list_demo *d = arg;

	d->nmap = 0;
	for (size_t i = 0; i < ROWS; i++) {
		char name[64];

		row_text(i, name, sizeof(name));
		if (!*text || strstr(name, text))
			d->map[d->nmap++] = i;
	}
	tui_list_set_count(&d->list, d->nmap);
}

static void list_resize(tui_screen *s)
{
	struct list_demo *d = s->data;

	tui_list_layout(&d->list, s->area);
}

static void list_draw(tui_screen *s, WINDOW *w, bool full)
{
	struct list_demo *d = s->data;

	tui_list_draw(&d->list, w, full, NULL, NULL);
}

static bool list_cursor(tui_screen *s, int *y, int *x)
{
	struct list_demo *d = s->data;

	if (d->list.filtering)
		return false;
	*y = d->list.rect.y + (int)(d->list.sel - d->list.top);
	*x = d->list.rect.x;
	return true;
}

static tui_ret deleted(void *arg, enum tui_answer a)
{
	(void)arg;
	tui_message(a == TUI_ANSWER_YES ? "answer: yes" : "answer: no", false);
	return tui_handled();
}

static tui_ret list_key(tui_screen *s, const tui_event *ev)
{
	struct list_demo *d = s->data;
	char msg[64];

	switch (tui_list_event(&d->list, ev)) {
	case TUI_FIELD_MOVED:
		snprintf(msg, sizeof(msg), "selected %zu", d->list.sel + 1);
		tui_message(msg, false);
		return tui_redraw();
	case TUI_FIELD_IGNORED:
		break;
	default:
		return tui_redraw();
	}
	switch (ev->action) {
	case ACT_OPEN:
		return tui_push(tui_dialog_message("Row", "You opened a row.", NULL, NULL));
	case ACT_DELETE:
		return tui_push(tui_dialog_confirm("Delete", "Delete this row?", "Delete", "Keep",
				false, deleted, NULL));
	case ACT_TYPED:
		return tui_push(tui_dialog_typed("Delete", "Type prod to confirm.", "prod",
				deleted, NULL));
	default:
		return tui_unhandled();
	}
}

static void list_destroy(tui_screen *s)
{
	struct list_demo *d = s->data;

	tui_list_destroy(&d->list);
}

static const tui_screen_ops list_ops = {
	.draw = list_draw, .key = list_key, .resize = list_resize,
	.destroy = list_destroy, .cursor = list_cursor,
};

/* Form demo: a plain field with a validator and a masked field. */
static const tui_keydef form_keys[] = {
	{ACT_NEXT, {TUI_K_TAB}, "next field", "Move to the next field.", true},
	{TUI_ACT_QUIT, {TUI_K_ESC}, "quit", "Quit the demo.", true},
	{0}
};

struct form_demo {
	tui_screen screen;
	tui_field name, token;
	int focus;
	int cy, cx;
};

static const char *need_letter(void *arg, const char *v)
{
	(void)arg;
	return strpbrk(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
		? NULL : "needs a letter";
}

static void form_draw(tui_screen *s, WINDOW *w, bool full)
{
	struct form_demo *f = s->data;
	char info[64];

	(void)full;
	tui_put(w, 2, 2, 8, "Name:", tui_attr(TUI_NORMAL), true);
	tui_field_draw(&f->name, w, 2, 10, 30, f->focus == 0, &f->cy, &f->cx);
	tui_put(w, 2, 42, 30, f->name.reason ? f->name.reason : "ok",
			tui_attr(f->name.reason ? TUI_ERROR : TUI_NORMAL), true);
	tui_put(w, 4, 2, 8, "Token:", tui_attr(TUI_NORMAL), true);
	tui_field_draw(&f->token, w, 4, 10, 30, f->focus == 1, &f->cy, &f->cx);
	snprintf(info, sizeof(info), "token length %zu", strlen(tui_field_value(&f->token)));
	tui_put(w, 6, 2, 30, info, tui_attr(TUI_NORMAL), true);
}

static tui_ret form_key(tui_screen *s, const tui_event *ev)
{
	struct form_demo *f = s->data;

	if (ev->action == ACT_NEXT) {
		f->focus = !f->focus;
		return tui_redraw();
	}
	if (tui_field_event(f->focus ? &f->token : &f->name, ev) != TUI_FIELD_IGNORED)
		return tui_redraw();
	return tui_unhandled();
}

static bool form_cursor(tui_screen *s, int *y, int *x)
{
	struct form_demo *f = s->data;

	*y = f->cy;
	*x = f->cx;
	return true;
}

static void form_destroy(tui_screen *s)
{
	struct form_demo *f = s->data;

	tui_field_destroy(&f->name);
	tui_field_destroy(&f->token);
}

static const tui_screen_ops form_ops = {
	.draw = form_draw, .key = form_key, .destroy = form_destroy, .cursor = form_cursor,
};

static void save_draft(void *arg)
{
	const char *path = arg;
	int fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : -1;

	if (fd >= 0) {
		if (write(fd, "draft\n", 6) < 0) {
			/* nothing more to do on a hangup */
		}
		close(fd);
	}
}

static int run_demo(const char *kind)
{
	static struct list_demo ld;
	static struct form_demo fd;
	tui_options opt = {"demo", 0, 0, false};
	tui_screen *first;
	int rc;

	if (tui_init(&opt) < 0)
		return 2;
	if (getenv("DEMO_DRAFT")) /* a hook means typed input to keep */
		tui_on_hangup(save_draft, getenv("DEMO_DRAFT"));
	if (strcmp(kind, "form") == 0) {
		tui_field_init(&fd.name, 0);
		tui_field_init(&fd.token, TUI_FIELD_MASKED);
		fd.name.validate = need_letter;
		tui_field_check(&fd.name);
		fd.screen = (tui_screen){&form_ops, form_keys, "Demo form", &fd, false, 0, {0, 0, 0, 0}};
		first = &fd.screen;
	} else {
		tui_list_init(&ld.list, 0, draw_row, &ld);
		ld.list.filter = apply_filter;
		apply_filter(&ld, "");
		ld.screen = (tui_screen){&list_ops, list_keys, "Demo list", &ld, false, 0, {0, 0, 0, 0}};
		first = &ld.screen;
	}
	rc = tui_run(first);
	tui_end();
	return rc;
}

/* ---- the tests (parent side) ------------------------------------------------ */

static char self[PATH_MAX];

static vt *spawn(const char *kind, const char *const env[], int cols, int rows)
{
	const char *argv[] = {self, "--demo", kind, NULL};
	vt *v = vt_spawn(argv, env, NULL, cols, rows);

	assert_non_null(v);
	return v;
}

static int row_of(vt *v, const char *text)
{
	for (int r = 0; r < vt_rows(v); r++) {
		char *row = vt_row(v, r);
		bool found = strstr(row, text) != NULL;

		free(row);
		if (found)
			return r;
	}
	return -1;
}

/* True when rows first..last each have a '|' at display column col. */
static bool separators_line_up(vt *v, int first, int last, int col)
{
	bool ok = true;

	for (int r = first; ok && r <= last; r++) {
		char *row = vt_row(v, r);
		char *bar = row ? strchr(row, '|') : NULL;

		if (bar)
			*bar = '\0';
		ok = bar && tui_width(row) == col;
		free(row);
	}
	return ok;
}

/* True when the first cols cells of row have the default foreground. */
static bool row_default_fg(vt *v, int row, int cols)
{
	for (int c = 0; c < cols; c++)
		if (!vt_cell_at(v, row, c).fg_default)
			return false;
	return true;
}

static bool cursor_at(vt *v, int row, int col)
{
	int cy, cx;

	vt_cursor(v, &cy, &cx);
	return cy == row && cx == col;
}

static void list_scrolls_and_shows_selection(void **state)
{
	vt *v = spawn("list", NULL, 80, 24);
	int r;

	(void)state;
	assert_true(vt_wait_text(v, "row 0001", WAIT_MS));
	assert_true(vt_wait_text(v, "Enter open  d delete  ? help  q quit", WAIT_MS));
	GOLDEN(v, "tui_list");
	EVENTUALLY(v, vt_cell_at(v, 1, 0).reverse); /* first row selected */
	EVENTUALLY(v, !vt_cell_at(v, 2, 0).reverse);
	for (int i = 0; i < 25; i++)
		vt_key(v, i % 2 ? "Down" : "j");
	assert_true(vt_wait_text(v, "selected 26", WAIT_MS));
	/* the last content row (the position is under it): scrolled by one per move */
	assert_true(vt_wait_text(v, "26/1000", WAIT_MS));
	EVENTUALLY(v, (r = row_of(v, "row 0026")) == 20);
	EVENTUALLY(v, vt_cell_at(v, r, 0).reverse);
	GONE(v, "row 0001");
	vt_key(v, "G");
	assert_true(vt_wait_text(v, "row 1000", WAIT_MS));
	vt_key(v, "Home");
	assert_true(vt_wait_text(v, "row 0001", WAIT_MS));
	vt_key(v, "q");
	assert_true(vt_wait_exit(v, NULL, WAIT_MS));
	vt_free(v);
}

static void help_overlay_comes_from_key_table(void **state)
{
	vt *v = spawn("list", NULL, 80, 24);

	(void)state;
	assert_true(vt_wait_text(v, "row 0001", WAIT_MS));
	vt_key(v, "?");
	assert_true(vt_wait_text(v, "Help: Demo list", WAIT_MS));
	/* every row of the table, including ones not in the hint bar and the
	 * included list rows (the widest keys, "Down/j", set the column) */
	WAIT(v, "Enter   Open the selected row.");
	WAIT(v, "t       Confirm by typing a word.");
	WAIT(v, "/       Filter the rows.");
	WAIT(v, "End/G   Select the last row.");
	assert_true(vt_wait_text(v, "Esc close", WAIT_MS)); /* the overlay's own hint bar */
	vt_key(v, "Esc");
	assert_true(vt_wait_gone(v, "Help: Demo list", WAIT_MS));
	WAIT(v, "row 0001");
	vt_free(v);
}

static void dialogs_answer_and_typed_word(void **state)
{
	vt *v = spawn("list", NULL, 80, 24);

	(void)state;
	assert_true(vt_wait_text(v, "row 0001", WAIT_MS));
	vt_key(v, "d");
	assert_true(vt_wait_text(v, "Delete this row?", WAIT_MS));
	WAIT(v, "[<Keep>]"); /* the safe choice is focused */
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "answer: no", WAIT_MS));
	vt_key(v, "t");
	assert_true(vt_wait_text(v, "Type prod to confirm.", WAIT_MS));
	vt_send(v, "pro");
	vt_key(v, "Enter"); /* not the word yet: refused */
	assert_true(vt_wait_text(v, "Type the exact word", WAIT_MS));
	vt_send(v, "d");
	vt_key(v, "Enter");
	assert_true(vt_wait_text(v, "answer: yes", WAIT_MS));
	GONE(v, "Type prod to confirm.");
	vt_free(v);
}

static void filter_hook_narrows_rows(void **state)
{
	vt *v = spawn("list", NULL, 80, 24);

	(void)state;
	assert_true(vt_wait_text(v, "row 0001", WAIT_MS));
	vt_send(v, "/caf");
	assert_true(vt_wait_text(v, "/caf", WAIT_MS));
	assert_true(vt_wait_gone(v, "row 0001", WAIT_MS));
	WAIT(v, "row 0003 caf\xc3\xa9");
	vt_key(v, "Esc");
	assert_true(vt_wait_text(v, "row 0001", WAIT_MS));
	vt_free(v);
}

static void cjk_aligns_and_escape_in_data_is_harmless(void **state)
{
	vt *v = spawn("list", NULL, 80, 24);

	(void)state;
	assert_true(vt_wait_text(v, "row 0004", WAIT_MS));
	EVENTUALLY(v, separators_line_up(v, 1, 8, 24));
	/* the escape sequence from the data is shown, not obeyed */
	WAIT(v, "row 0004 ^[[31mRED^[[0m");
	EVENTUALLY(v, row_default_fg(v, 4, 40));
	vt_free(v);
}

static void no_color_is_honoured(void **state)
{
	const char *env[] = {"NO_COLOR=1", NULL};
	vt *v = spawn("list", NULL, 80, 24), *m;

	(void)state;
	assert_true(vt_wait_text(v, "row 0001", WAIT_MS));
	EVENTUALLY(v, vt_any_color(v)); /* the title has a colour normally */
	vt_free(v);
	m = spawn("list", env, 80, 24);
	assert_true(vt_wait_text(m, "row 0001", WAIT_MS));
	assert_true(vt_wait_text(m, "q quit", WAIT_MS));
	EVENTUALLY(m, vt_cell_at(m, 1, 0).reverse); /* selection still visible */
	EVENTUALLY(m, vt_cell_at(m, 0, 0).reverse); /* and the title */
	FINALLY(m, !vt_any_color(m));
	vt_free(m);
}

static void resize_relayouts_and_too_small(void **state)
{
	vt *v = spawn("list", NULL, 80, 24);

	(void)state;
	assert_true(vt_wait_text(v, "row 0001", WAIT_MS));
	vt_resize(v, 100, 30);
	assert_true(vt_wait_text(v, "row 0026", WAIT_MS)); /* 26 content rows and the position */
	assert_true(vt_wait_text(v, "1/1000", WAIT_MS));
	assert_true(vt_wait_row(v, 29, "q quit", WAIT_MS));
	vt_resize(v, 58, 14);
	assert_true(vt_wait_text(v, "Terminal too small: 58x14; demo needs at least 60x16.", WAIT_MS));
	vt_resize(v, 80, 24);
	assert_true(vt_wait_text(v, "row 0001", WAIT_MS));
	GONE(v, "too small");
	GOLDEN(v, "tui_list");
	vt_resize(v, 40, 10);
	assert_true(vt_wait_text(v, "Terminal too small", WAIT_MS));
	vt_key(v, "q");
	assert_true(vt_wait_exit(v, NULL, WAIT_MS));
	vt_free(v);
}

static void text_field_editing_and_mask(void **state)
{
	vt *v = spawn("form", NULL, 80, 24);

	(void)state;
	assert_true(vt_wait_text(v, "needs a letter", WAIT_MS));
	vt_send(v, "abc");
	vt_key(v, "Left");
	vt_send(v, "X");
	assert_true(vt_wait_text(v, "abXc", WAIT_MS));
	assert_true(vt_wait_gone(v, "needs a letter", WAIT_MS));
	EVENTUALLY(v, cursor_at(v, 2, 13)); /* after "abX" */
	vt_send(v, "\xe6\xbc\xa2");
	assert_true(vt_wait_text(v, "abX\xe6\xbc\xa2" "c", WAIT_MS));
	/* the wide char moved the cursor two columns */
	EVENTUALLY(v, cursor_at(v, 2, 15));
	vt_key(v, "Ctrl-U");
	assert_true(vt_wait_gone(v, "abX", WAIT_MS));
	vt_key(v, "Tab");
	vt_send(v, "s3cr3t");
	assert_true(vt_wait_text(v, "token length 6", WAIT_MS));
	WAIT(v, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2");
	ABSENT(v, "s3cr3t");
	vt_paste(v, "AB\nC");
	assert_true(vt_wait_text(v, "token length 9", WAIT_MS)); /* newline dropped */
	FINALLY(v, strstr(vt_raw(v, NULL), "s3cr3t") == NULL); /* never sent to the terminal */
	vt_free(v);
}

static void bytes_per_move_and_keystroke_are_small(void **state)
{
	vt *v = spawn("list", NULL, 80, 24), *f;
	uint64_t before;

	(void)state;
	assert_true(vt_wait_text(v, "q quit", WAIT_MS));
	SETTLED(v);
	before = vt_bytes_received(v);
	vt_key(v, "j");
	assert_true(vt_wait_text(v, "selected 2", WAIT_MS));
	SETTLED(v);
	fprintf(stderr, "bytes per selection move: %llu\n",
			(unsigned long long)(vt_bytes_received(v) - before));
	assert_true(vt_bytes_received(v) - before < 200);
	vt_free(v);
	f = spawn("form", NULL, 80, 24);
	assert_true(vt_wait_text(f, "needs a letter", WAIT_MS));
	vt_send(f, "ab");
	assert_true(vt_wait_text(f, "ab", WAIT_MS));
	SETTLED(f);
	before = vt_bytes_received(f);
	vt_send(f, "c");
	assert_true(vt_wait_text(f, "abc", WAIT_MS));
	SETTLED(f);
	fprintf(stderr, "bytes per keystroke: %llu\n",
			(unsigned long long)(vt_bytes_received(f) - before));
	assert_true(vt_bytes_received(f) - before < 100); /* no full repaint */
	vt_free(f);
}

static void sigterm_restores_the_terminal(void **state)
{
	vt *v = spawn("list", NULL, 80, 24);
	int status;

	(void)state;
	assert_true(vt_wait_text(v, "row 0001", WAIT_MS));
	assert_true(vt_altscreen(v));
	vt_send_signal(v, SIGTERM);
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 128 + SIGTERM);
	assert_false(vt_altscreen(v)); /* back on the normal screen */
	assert_true(vt_cursor_visible(v));
	ABSENT(v, "row 0001");
	vt_free(v);
}

static void sighup_runs_hook_then_restores(void **state)
{
	char dir[] = "/tmp/tui-demo-XXXXXX", path[PATH_MAX], env0[PATH_MAX + 16];
	const char *env[] = {env0, NULL};
	struct stat st;
	vt *v;
	int status;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/draft", dir);
	snprintf(env0, sizeof(env0), "DEMO_DRAFT=%s", path);
	v = spawn("form", env, 80, 24);
	assert_true(vt_wait_text(v, "Token:", WAIT_MS));
	vt_send_signal(v, SIGHUP);
	assert_true(vt_wait_exit(v, &status, WAIT_MS));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 128 + SIGHUP);
	assert_int_equal(stat(path, &st), 0); /* the hook saved its draft */
	assert_false(vt_altscreen(v));
	vt_free(v);
	unlink(path);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_scrolls_and_shows_selection),
		cmocka_unit_test(help_overlay_comes_from_key_table),
		cmocka_unit_test(dialogs_answer_and_typed_word),
		cmocka_unit_test(filter_hook_narrows_rows),
		cmocka_unit_test(cjk_aligns_and_escape_in_data_is_harmless),
		cmocka_unit_test(no_color_is_honoured),
		cmocka_unit_test(resize_relayouts_and_too_small),
		cmocka_unit_test(text_field_editing_and_mask),
		cmocka_unit_test(bytes_per_move_and_keystroke_are_small),
		cmocka_unit_test(sigterm_restores_the_terminal),
		cmocka_unit_test(sighup_runs_hook_then_restores),
	};
	ssize_t n;

	/* the demo, like bbconsole, works in a UTF-8 LC_CTYPE (tui_init expects it) */
	setlocale(LC_ALL, "C.UTF-8");
	if (argc == 3 && strcmp(argv[1], "--demo") == 0)
		return run_demo(argv[2]);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	return cmocka_run_group_tests(tests, NULL, NULL);
}
