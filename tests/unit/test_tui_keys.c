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
	tui_keytable_hintbar_if(table, NULL, NULL, 80, bar, sizeof(bar));
	assert_string_equal(bar, "Enter open  n new  ? help  q quit");
	/* items that do not fit are left out whole, never cut; help stays */
	tui_keytable_hintbar_if(table, NULL, NULL, 20, bar, sizeof(bar));
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

/* The loop looks every key up in the screen's table; widgets see the action. */
static const tui_keydef list_table[] = {
	{TUI_ACT_FILTER, {'/'}, "filter", "Filter.", true},
	TUI_KEYS_INCLUDE(tui_list_keys),
	{0}
};

static const tui_keydef choice_table[] = {
	{TUI_ACT_CHOOSE, {TUI_K_ENTER, ' '}, "select", "Take the choice.", true},
	TUI_KEYS_INCLUDE(tui_choice_keys),
	{0}
};

static void press(tui_event *ev, const tui_keydef *t, tui_key key)
{
	ev->key = key;
	ev->action = tui_keytable_action(t, key);
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
	press(&ev, list_table, 'j');
	assert_int_equal(tui_list_event(&l, &ev), TUI_FIELD_MOVED);
	assert_int_equal(l.sel, 1);
	press(&ev, list_table, TUI_K_PGDN); /* 9 rows in view: the last of the 10 shows the position */
	tui_list_event(&l, &ev);
	assert_int_equal(l.sel, 9);
	assert_int_equal(l.top, 1);
	press(&ev, list_table, 'G');
	tui_list_event(&l, &ev);
	assert_int_equal(l.sel, 999);
	assert_int_equal(l.top, 991);
	press(&ev, list_table, 'k');
	tui_list_event(&l, &ev);
	assert_int_equal(l.sel, 998);
	assert_int_equal(l.top, 991);
	press(&ev, list_table, 'g');
	tui_list_event(&l, &ev);
	assert_int_equal(l.sel, 0);
	assert_int_equal(l.top, 0);
	press(&ev, list_table, TUI_K_UP);
	assert_int_equal(tui_list_event(&l, &ev), TUI_FIELD_IGNORED);
	press(&ev, list_table, '/'); /* no filter hook */
	assert_int_equal(tui_list_event(&l, &ev), TUI_FIELD_IGNORED);
	tui_list_set_count(&l, 3);
	press(&ev, list_table, 'G');
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
	tui_event ev = {'/', TUI_ACT_FILTER, NULL};

	(void)state;
	tui_list_init(&l, 50, NULL, NULL);
	l.filter = remember_filter;
	tui_list_layout(&l, (tui_rect){1, 0, 10, 80});
	assert_int_equal(tui_list_event(&l, &ev), TUI_FIELD_CHANGED);
	assert_int_equal(tui_list_visible_rows(&l), 9); /* the filter line takes a row */
	press(&ev, list_table, 'p');
	tui_list_event(&l, &ev);
	press(&ev, list_table, 'r');
	tui_list_event(&l, &ev);
	assert_string_equal(last_filter, "pr");
	press(&ev, list_table, 'j'); /* typed into the filter, not a move */
	tui_list_event(&l, &ev);
	assert_string_equal(last_filter, "prj");
	assert_int_equal(l.sel, 0);
	press(&ev, list_table, TUI_K_ESC);
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
	tui_event ev = {TUI_K_ENTER, TUI_ACT_CHOOSE, NULL};

	(void)state;
	assert_int_equal(tui_choice_event(&c, &ev), TUI_FIELD_REFUSED);
	press(&ev, choice_table, 'j');
	assert_int_equal(tui_choice_event(&c, &ev), TUI_FIELD_MOVED);
	press(&ev, choice_table, TUI_K_ENTER);
	assert_int_equal(tui_choice_event(&c, &ev), TUI_FIELD_SUBMIT);
}

/* Up/Down/j/k never put the mark on a disabled choice; its reason stays. */
static void choice_skips_disabled(void **state)
{
	const tui_choice_item items[] = {
		{"Default", NULL, "a default integration already exists"},
		{"Space", NULL, NULL},
		{"Other", NULL, "not yet"},
		{"Last", NULL, NULL},
	};
	tui_choice c = {items, 4, 1};
	tui_event ev = {0, 0, NULL};

	(void)state;
	press(&ev, choice_table, 'k');
	assert_int_equal(tui_choice_event(&c, &ev), TUI_FIELD_IGNORED);
	assert_int_equal(c.sel, 1);
	press(&ev, choice_table, TUI_K_UP);
	assert_int_equal(tui_choice_event(&c, &ev), TUI_FIELD_IGNORED);
	assert_int_equal(c.sel, 1);
	press(&ev, choice_table, 'j');
	assert_int_equal(tui_choice_event(&c, &ev), TUI_FIELD_MOVED);
	assert_int_equal(c.sel, 3); /* over the disabled "Other" */
	press(&ev, choice_table, 'k');
	assert_int_equal(tui_choice_event(&c, &ev), TUI_FIELD_MOVED);
	assert_int_equal(c.sel, 1);
}

/* True when help has a line "KEYS<spaces>TEXT". */
static bool help_line(const char *help, const char *keys, const char *text)
{
	for (const char *l = help; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t n = strlen(keys), end = strcspn(l, "\n");

		if (strncmp(l, keys, n) || l[n] != ' ')
			continue;
		while (l[n] == ' ')
			n++;
		if (end - n == strlen(text) && strncmp(l + n, text, end - n) == 0)
			return true;
	}
	return false;
}

/* Shared rows come in through an include row; a row the table declares
 * itself wins over the included one for the same action. */
static void included_rows_are_part_of_the_table(void **state)
{
	static const tui_keydef t[] = {
		{TUI_ACT_DOWN, {TUI_K_DOWN, 'j'}, "scroll", "Scroll down.", true},
		TUI_KEYS_INCLUDE(tui_list_keys),
		{TUI_ACT_HELP, {'?'}, "help", "Help.", true},
		TUI_KEYS_INCLUDE(tui_field_keys),
		{0}
	};
	char bar[128], *help;

	(void)state;
	assert_int_equal(tui_keytable_action(t, 'G'), TUI_ACT_LAST);
	assert_int_equal(tui_keytable_action(t, TUI_K_PGDN), TUI_ACT_PGDN);
	assert_int_equal(tui_keytable_action(t, 'j'), TUI_ACT_DOWN);
	/* editing keys are documentation: the field handles them */
	assert_int_equal(tui_keytable_action(t, TUI_CTRL('w')), TUI_ACT_NONE);
	assert_true(tui_keytable_has(t, TUI_ACT_FIRST));
	assert_false(tui_keytable_has(t, TUI_ACT_QUIT));
	tui_keytable_hintbar_if(t, NULL, NULL, 80, bar, sizeof bar);
	assert_string_equal(bar, "Down scroll  ? help");
	help = tui_keytable_help(t);
	assert_true(help_line(help, "Down/j", "Scroll down."));
	assert_null(strstr(help, "Move the selection down.")); /* overridden */
	assert_true(help_line(help, "Home/g", "Select the first row."));
	assert_non_null(strstr(help, "Ctrl-U/Ctrl-K/Ctrl-W"));
	free(help);
}

/* The name of an action as the registry lists it, or NULL. */
static const char *action_name(int action)
{
	const tui_action_def *d;

	for (size_t i = 0; (d = tui_action_at(i)) != NULL; i++)
		if (d->action == action)
			return d->name;
	return NULL;
}

static void actions_have_names(void **state)
{
	static const tui_action_def app[] = {
		{ACT_NEW, "new", "Create."},
		{ACT_OPEN, "open", "Open."},
		{0, NULL, NULL}
	};

	(void)state;
	assert_int_equal(tui_actions_register(app), 0);
	assert_string_equal(action_name(TUI_ACT_DOWN), "move-down");
	assert_string_equal(action_name(TUI_ACT_PGDN), "page-down");
	assert_string_equal(action_name(ACT_OPEN), "open");
	assert_int_equal(tui_action_id("new"), ACT_NEW);
	assert_int_equal(tui_action_id("first"), TUI_ACT_FIRST);
	assert_int_equal(tui_action_id("opne"), TUI_ACT_NONE);
	assert_null(action_name(ACT_SECRET));
	assert_string_equal(tui_action_at(0)->name, "help");
}

static void key_names_parse_back(void **state)
{
	const tui_key keys[] = {TUI_K_ENTER, TUI_K_ESC, TUI_K_TAB, ' ', TUI_K_PGDN, TUI_K_BACKTAB,
				TUI_K_F1, TUI_CTRL('o'), 'x', 'X', '?', 0x00e9};

	(void)state;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		char name[32];

		tui_key_name(keys[i], name, sizeof name);
		assert_int_equal(tui_key_parse(name), keys[i]);
	}
	assert_int_equal(tui_key_parse("ctrl-o"), TUI_CTRL('o'));
	assert_int_equal(tui_key_parse("pgdn"), TUI_K_PGDN);
	assert_int_equal(tui_key_parse("Enterr"), 0);
	assert_int_equal(tui_key_parse(""), 0);
}

/* A binding makes the key do the action where the table has the action, and
 * the hint bar and help show the bound key first. */
static void bindings_lay_over_the_table(void **state)
{
	char bar[256], keys[64], *help;

	(void)state;
	assert_int_equal(tui_keytable_bind(table, 'x', ACT_NEW), 0);
	assert_int_equal(tui_keytable_action(table, 'x'), ACT_NEW);
	assert_int_equal(tui_keytable_action(table, 'n'), ACT_NEW);
	tui_keytable_hintbar_if(table, NULL, NULL, 80, bar, sizeof bar);
	assert_string_equal(bar, "Enter open  x new  ? help  q quit");
	tui_keytable_row_keys(table, &table[1], keys, sizeof keys);
	assert_string_equal(keys, "x/n");
	/* n now opens; "new" keeps x only */
	assert_int_equal(tui_keytable_bind(table, 'n', ACT_OPEN), 0);
	assert_int_equal(tui_keytable_action(table, 'n'), ACT_OPEN);
	tui_keytable_row_keys(table, &table[1], keys, sizeof keys);
	assert_string_equal(keys, "x");
	/* every table, but only where the action exists */
	assert_int_equal(tui_keytable_bind(NULL, 'Q', TUI_ACT_QUIT), 0);
	assert_int_equal(tui_keytable_action(table, 'Q'), TUI_ACT_QUIT);
	assert_int_equal(tui_keytable_action(list_table, 'Q'), TUI_ACT_NONE);
	/* unbinding */
	assert_int_equal(tui_keytable_bind(table, 'q', TUI_ACT_NONE), 0);
	assert_int_equal(tui_keytable_action(table, 'q'), TUI_ACT_NONE);
	{
		tui_key first = 0;

		assert_int_equal(tui_keytable_keys_of(table, TUI_ACT_QUIT, &first, 1), 1);
		assert_int_equal(first, 'Q');
	}
	help = tui_keytable_help(table);
	assert_true(help_line(help, "Q", "Quit."));
	free(help);
	tui_keytable_unbind_all();
	assert_int_equal(tui_keytable_action(table, 'x'), TUI_ACT_NONE);
	assert_int_equal(tui_keytable_action(table, 'q'), TUI_ACT_QUIT);
}

static bool no_secrets(void *arg, int action)
{
	(void)arg;
	return action != ACT_SECRET && action != ACT_NEW;
}

/* What the user may not do is left out of the bar and the help. */
static void refused_actions_are_not_shown(void **state)
{
	char bar[256], *help;

	(void)state;
	tui_keytable_hintbar_if(table, no_secrets, NULL, 80, bar, sizeof bar);
	assert_string_equal(bar, "Enter open  ? help  q quit");
	help = tui_keytable_help_if(table, no_secrets, NULL);
	assert_null(strstr(help, "Reveal"));
	assert_null(strstr(help, "Create"));
	assert_non_null(strstr(help, "Open the selected item."));
	free(help);
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
	s = tui_osc52_encode("hello", 5, TUI_OSC52_PLAIN);
	assert_string_equal(s, "\033]52;c;aGVsbG8=\a");
	free(s);
	s = tui_osc52_encode("hi", 2, TUI_OSC52_TMUX);
	assert_string_equal(s, "\033]52;c;aGk=\a\033Ptmux;\033\033]52;c;aGk=\a\033\\");
	free(s);
	s = tui_osc52_encode("", 0, TUI_OSC52_PLAIN);
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
		cmocka_unit_test(choice_skips_disabled),
		cmocka_unit_test(included_rows_are_part_of_the_table),
		cmocka_unit_test(actions_have_names),
		cmocka_unit_test(key_names_parse_back),
		cmocka_unit_test(bindings_lay_over_the_table),
		cmocka_unit_test(refused_actions_are_not_shown),
		cmocka_unit_test(buttons_skip_disabled),
		cmocka_unit_test(osc52_encoding),
		cmocka_unit_test(too_small_message),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
