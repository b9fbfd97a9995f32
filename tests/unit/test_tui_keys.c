/* Unit tests for key tables (hint bar, help, dump), key names, the paste
 * collector, list scrolling and the choice list, OSC 52 encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

enum { ACT_NEW = TUI_ACT_APP, ACT_OPEN, ACT_DOWN, ACT_SECRET };

static const tui_keydef table[] = {
	{ACT_OPEN, {TUI_K_ENTER}, "open", "Open the selected item.", true},
	{ACT_NEW, {'n'}, "new", "Create a new item.", true},
	{ACT_DOWN, {TUI_K_DOWN, 'j'}, NULL, "Move down.", false},
	{ACT_SECRET, {TUI_CTRL('r')}, "reveal", "Reveal the secret.", false},
	{TUI_ACT_HELP, {'?'}, "help", "Show this help.", true},
	{TUI_ACT_QUIT, {'q'}, "quit", "Quit.", true},
	{0}
};

static void actions_are_looked_up(void **state)
{
	(void)state;
	assert_int_equal(tui_keytable_action(table, 'j'), ACT_DOWN);
	assert_int_equal(tui_keytable_action(table, TUI_K_DOWN), ACT_DOWN);
	assert_int_equal(tui_keytable_action(table, 'z'), TUI_ACT_NONE);
	assert_int_equal(tui_keytable_action(NULL, 'j'), TUI_ACT_NONE);
}

static void key_names(void **state)
{
	char b[32];

	(void)state;
	tui_key_name(TUI_K_ENTER, b, sizeof(b));
	assert_string_equal(b, "Enter");
	tui_key_name(TUI_CTRL('d'), b, sizeof(b));
	assert_string_equal(b, "Ctrl-D");
	tui_key_name(TUI_K_BACKTAB, b, sizeof(b));
	assert_string_equal(b, "Shift-Tab");
	tui_key_name(TUI_K_PGDN, b, sizeof(b));
	assert_string_equal(b, "PgDn");
	tui_key_name('/', b, sizeof(b));
	assert_string_equal(b, "/");
	tui_key_name(' ', b, sizeof(b));
	assert_string_equal(b, "Space");
}

static void hint_bar_comes_from_the_table(void **state)
{
	char bar[256];

	(void)state;
	tui_keytable_hintbar(table, 80, bar, sizeof(bar));
	assert_string_equal(bar, "Enter open  n new  ? help  q quit");
	/* items that do not fit are left out whole, never cut; help stays */
	tui_keytable_hintbar(table, 20, bar, sizeof(bar));
	assert_string_equal(bar, "Enter open  ? help");
	assert_true(tui_width(bar) <= 20);
}

static void help_lists_every_row(void **state)
{
	char *help = tui_keytable_help(table);

	(void)state;
	assert_non_null(help);
	assert_non_null(strstr(help, "Down/j  Move down.\n"));
	assert_non_null(strstr(help, "Ctrl-R  Reveal the secret.\n"));
	assert_non_null(strstr(help, "Enter   Open the selected item.\n"));
	/* one line per row of the table */
	{
		size_t lines = 0;

		for (const char *p = help; *p; p++)
			lines += *p == '\n';
		assert_int_equal(lines, 6);
	}
	free(help);
}

static void dump_writes_title_and_help(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(tui_keytable_dump(table, "Integrations", f), 0);
	fclose(f);
	assert_memory_equal(buf, "Integrations\n", 13);
	assert_non_null(strstr(buf, "q       Quit.\n"));
	free(buf);
}

static void paste_collects_text_between_markers(void **state)
{
	tui_paste p = {0};
	const tui_key keys[] = {'a', TUI_K_ENTER, 0x6f22, TUI_K_UP, TUI_K_ESC, '\t', 'z'};
	char *text;

	(void)state;
	assert_int_equal(tui_paste_feed(&p, 'x'), TUI_PASTE_PASS);
	assert_int_equal(tui_paste_feed(&p, TUI_K_PASTE_BEGIN), TUI_PASTE_HELD);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_int_equal(tui_paste_feed(&p, keys[i]), TUI_PASTE_HELD);
	assert_int_equal(tui_paste_feed(&p, TUI_K_PASTE_END), TUI_PASTE_DONE);
	text = tui_paste_take(&p);
	/* Enter became a newline; Up and ESC (escape sequences) were dropped */
	assert_string_equal(text, "a\n\xe6\xbc\xa2\tz");
	free(text);
	assert_int_equal(tui_paste_feed(&p, 'y'), TUI_PASTE_PASS);
	tui_paste_free(&p);
}

static void list_scroll_math(void **state)
{
	(void)state;
	assert_int_equal(tui_list_scroll(0, 5, 100, 10), 0);
	assert_int_equal(tui_list_scroll(0, 10, 100, 10), 1);
	assert_int_equal(tui_list_scroll(20, 5, 100, 10), 5);
	assert_int_equal(tui_list_scroll(0, 99, 100, 10), 90);
	assert_int_equal(tui_list_scroll(95, 97, 100, 10), 90); /* no blank rows */
	assert_int_equal(tui_list_scroll(3, 2, 5, 10), 0);
}

static void list_keys_move_selection(void **state)
{
	tui_list l;
	tui_event ev = {0, 0, NULL};

	(void)state;
	tui_list_init(&l, 1000, NULL, NULL);
	tui_list_layout(&l, (tui_rect){1, 0, 10, 80});
	ev.key = 'j';
	assert_int_equal(tui_list_event(&l, &ev), TUI_FIELD_MOVED);
	assert_int_equal(l.sel, 1);
	ev.key = TUI_K_PGDN; /* 9 rows in view: the last of the 10 shows the position */
	tui_list_event(&l, &ev);
	assert_int_equal(l.sel, 9);
	assert_int_equal(l.top, 1);
	ev.key = 'G';
	tui_list_event(&l, &ev);
	assert_int_equal(l.sel, 999);
	assert_int_equal(l.top, 991);
	ev.key = 'k';
	tui_list_event(&l, &ev);
	assert_int_equal(l.sel, 998);
	assert_int_equal(l.top, 991);
	ev.key = 'g';
	tui_list_event(&l, &ev);
	assert_int_equal(l.sel, 0);
	assert_int_equal(l.top, 0);
	ev.key = TUI_K_UP;
	assert_int_equal(tui_list_event(&l, &ev), TUI_FIELD_IGNORED);
	ev.key = '/'; /* no filter hook */
	assert_int_equal(tui_list_event(&l, &ev), TUI_FIELD_IGNORED);
	tui_list_set_count(&l, 3);
	ev.key = 'G';
	tui_list_event(&l, &ev);
	assert_int_equal(l.sel, 2);
	tui_list_destroy(&l);
}

static char last_filter[64];

static void remember_filter(void *arg, const char *text)
{
	(void)arg;
	snprintf(last_filter, sizeof(last_filter), "%s", text);
}

static void list_filter_hook(void **state)
{
	tui_list l;
	tui_event ev = {'/', 0, NULL};

	(void)state;
	tui_list_init(&l, 50, NULL, NULL);
	l.filter = remember_filter;
	tui_list_layout(&l, (tui_rect){1, 0, 10, 80});
	assert_int_equal(tui_list_event(&l, &ev), TUI_FIELD_CHANGED);
	assert_int_equal(tui_list_visible_rows(&l), 9); /* the filter line takes a row */
	ev.key = 'p';
	tui_list_event(&l, &ev);
	ev.key = 'r';
	tui_list_event(&l, &ev);
	assert_string_equal(last_filter, "pr");
	ev.key = 'j'; /* typed into the filter, not a move */
	tui_list_event(&l, &ev);
	assert_string_equal(last_filter, "prj");
	assert_int_equal(l.sel, 0);
	ev.key = TUI_K_ESC;
	tui_list_event(&l, &ev);
	assert_string_equal(last_filter, "");
	assert_false(l.filtering);
	tui_list_destroy(&l);
}

static void choice_refuses_disabled(void **state)
{
	const tui_choice_item items[] = {
		{"Default", NULL, "a default integration already exists"},
		{"Space", NULL, NULL},
	};
	tui_choice c = {items, 2, 0};
	tui_event ev = {TUI_K_ENTER, 0, NULL};

	(void)state;
	assert_int_equal(tui_choice_event(&c, &ev), TUI_FIELD_REFUSED);
	ev.key = 'j';
	assert_int_equal(tui_choice_event(&c, &ev), TUI_FIELD_MOVED);
	ev.key = TUI_K_ENTER;
	assert_int_equal(tui_choice_event(&c, &ev), TUI_FIELD_SUBMIT);
}

static void buttons_skip_disabled(void **state)
{
	const tui_button b[] = {{"OK", false}, {"Cancel", true}, {"Help", true}};
	const tui_button none[] = {{"OK", false}};

	(void)state;
	assert_int_equal(tui_buttons_next(b, 3, 1, 1), 2);
	assert_int_equal(tui_buttons_next(b, 3, 2, 1), 1); /* wraps past disabled OK */
	assert_int_equal(tui_buttons_next(none, 1, 0, 1), -1);
	assert_int_equal(tui_buttons_width(b, 2), 6 + 2 + 10);
}

static void osc52_encoding(void **state)
{
	char *s;

	(void)state;
	s = tui_osc52_encode("hello", 5, false);
	assert_string_equal(s, "\033]52;c;aGVsbG8=\a");
	free(s);
	s = tui_osc52_encode("hi", 2, true);
	assert_string_equal(s, "\033Ptmux;\033\033]52;c;aGk=\a\033\\");
	free(s);
	s = tui_osc52_encode("", 0, false);
	assert_string_equal(s, "\033]52;c;\a");
	free(s);
}

static void too_small_message(void **state)
{
	char b[256];

	(void)state;
	tui_too_small_text("bbconsole", 58, 14, 60, 16, b, sizeof(b));
	assert_string_equal(b, "Terminal too small: 58x14; bbconsole needs at least 60x16. "
			"Enlarge the window or press q to quit.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(actions_are_looked_up),
		cmocka_unit_test(key_names),
		cmocka_unit_test(hint_bar_comes_from_the_table),
		cmocka_unit_test(help_lists_every_row),
		cmocka_unit_test(dump_writes_title_and_help),
		cmocka_unit_test(paste_collects_text_between_markers),
		cmocka_unit_test(list_scroll_math),
		cmocka_unit_test(list_keys_move_selection),
		cmocka_unit_test(list_filter_hook),
		cmocka_unit_test(choice_refuses_disabled),
		cmocka_unit_test(buttons_skip_disabled),
		cmocka_unit_test(osc52_encoding),
		cmocka_unit_test(too_small_message),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
