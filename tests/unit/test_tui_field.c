/* Unit tests for tui/field.c and tui/tags.c: editing, cursor columns, masking,
 * paste, filter and validator, multi-line, tags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "tui.h"

static void type(tui_field *f, const char *utf8)
{
	size_t i = 0, len = strlen(utf8);

	while (i < len) {
		wchar_t wc;

		i += tui_utf8_decode(utf8 + i, len - i, &wc);
		tui_field_key(f, (tui_key)wc);
	}
}

static void typing_and_cursor_keys(void **state)
{
	tui_field f;

	(void)state;
	assert_int_equal(tui_field_init(&f, 0), 0);
	type(&f, "hello");
	assert_string_equal(tui_field_value(&f), "hello");
	assert_int_equal(tui_field_cursor_col(&f), 5);
	tui_field_key(&f, TUI_K_HOME);
	assert_int_equal(tui_field_cursor_col(&f), 0);
	tui_field_key(&f, TUI_K_RIGHT);
	tui_field_key(&f, TUI_K_DELETE);
	assert_string_equal(tui_field_value(&f), "hllo");
	tui_field_key(&f, TUI_K_BACKSPACE);
	assert_string_equal(tui_field_value(&f), "llo");
	tui_field_key(&f, TUI_CTRL('e'));
	assert_int_equal(tui_field_cursor_col(&f), 3);
	tui_field_key(&f, TUI_CTRL('a'));
	type(&f, "X");
	assert_string_equal(tui_field_value(&f), "Xllo");
	assert_int_equal(tui_field_key(&f, TUI_K_ENTER), TUI_FIELD_SUBMIT);
	tui_field_destroy(&f);
}

static void kill_keys(void **state)
{
	tui_field f;

	(void)state;
	tui_field_init(&f, 0);
	type(&f, "alpha beta gamma");
	tui_field_key(&f, TUI_CTRL('w'));
	assert_string_equal(tui_field_value(&f), "alpha beta ");
	tui_field_key(&f, TUI_CTRL('w'));
	assert_string_equal(tui_field_value(&f), "alpha ");
	tui_field_key(&f, TUI_K_HOME);
	tui_field_key(&f, TUI_K_RIGHT);
	tui_field_key(&f, TUI_CTRL('k'));
	assert_string_equal(tui_field_value(&f), "a");
	tui_field_key(&f, TUI_K_END);
	type(&f, "bc");
	tui_field_key(&f, TUI_K_LEFT);
	tui_field_key(&f, TUI_CTRL('u'));
	assert_string_equal(tui_field_value(&f), "c");
	assert_int_equal(tui_field_cursor_col(&f), 0);
	tui_field_destroy(&f);
}

static void cjk_and_combining_cursor_columns(void **state)
{
	tui_field f;

	(void)state;
	tui_field_init(&f, 0);
	type(&f, "\xe6\xbc\xa2\xe5\xad\x97" "e\xcc\x81" "x"); /* 漢字 é(combining) x */
	assert_int_equal(tui_field_cursor_col(&f), 6);
	tui_field_key(&f, TUI_K_LEFT); /* before x */
	assert_int_equal(tui_field_cursor_col(&f), 5);
	tui_field_key(&f, TUI_K_LEFT); /* before e + accent, one cell */
	assert_int_equal(tui_field_cursor_col(&f), 4);
	tui_field_key(&f, TUI_K_LEFT); /* before 字 */
	assert_int_equal(tui_field_cursor_col(&f), 2);
	tui_field_key(&f, TUI_K_DELETE);
	assert_string_equal(tui_field_value(&f), "\xe6\xbc\xa2" "e\xcc\x81" "x");
	tui_field_key(&f, TUI_K_RIGHT);
	tui_field_key(&f, TUI_K_BACKSPACE); /* removes e and its accent together */
	assert_string_equal(tui_field_value(&f), "\xe6\xbc\xa2" "x");
	tui_field_destroy(&f);
}

static void masked_field_counts_characters(void **state)
{
	tui_field f;

	(void)state;
	tui_field_init(&f, TUI_FIELD_MASKED);
	type(&f, "s\xe6\xbc\xa2" "cret");
	assert_string_equal(tui_field_value(&f), "s\xe6\xbc\xa2" "cret");
	/* one bullet per character: the wide char counts as one column */
	assert_int_equal(tui_field_cursor_col(&f), 6);
	tui_field_destroy(&f);
	assert_null(f.buf);
}

static enum tui_filter_res refuse_newline(void *arg, wchar_t ch)
{
	(void)arg;
	return ch == '\n' ? TUI_FILTER_REFUSE : TUI_FILTER_ACCEPT;
}

static enum tui_filter_res digits_only(void *arg, wchar_t ch)
{
	(void)arg;
	return ch >= '0' && ch <= '9' ? TUI_FILTER_ACCEPT : TUI_FILTER_DROP;
}

static void paste_is_literal_and_filtered(void **state)
{
	tui_field f;
	tui_event ev = {TUI_K_PASTE, 0, "tok\nen\033[A"};

	(void)state;
	tui_field_init(&f, 0);
	/* default: controls (newline, ESC) dropped, the rest literal */
	assert_int_equal(tui_field_event(&f, &ev), TUI_FIELD_CHANGED);
	assert_string_equal(tui_field_value(&f), "token[A");
	tui_field_set(&f, "");
	f.filter = refuse_newline;
	assert_int_equal(tui_field_paste(&f, "a\nb"), TUI_FIELD_REFUSED);
	assert_string_equal(tui_field_value(&f), ""); /* all or nothing */
	f.filter = digits_only;
	tui_field_paste(&f, "1a2b3");
	assert_string_equal(tui_field_value(&f), "123");
	assert_int_equal(tui_field_key(&f, 'x'), TUI_FIELD_IGNORED);
	assert_string_equal(tui_field_value(&f), "123");
	tui_field_destroy(&f);
}

static const char *need_at(void *arg, const char *value)
{
	(void)arg;
	return strchr(value, '@') ? NULL : "must contain @";
}

static void validator_reason_follows_value(void **state)
{
	tui_field f;

	(void)state;
	tui_field_init(&f, 0);
	f.validate = need_at;
	type(&f, "ann");
	assert_string_equal(f.reason, "must contain @");
	type(&f, "@x.io");
	assert_null(f.reason);
	tui_field_key(&f, TUI_CTRL('u'));
	assert_non_null(f.reason);
	tui_field_destroy(&f);
}

static void max_len_refuses(void **state)
{
	tui_field f;

	(void)state;
	tui_field_init(&f, 0);
	f.max_len = 3;
	type(&f, "abc");
	assert_int_equal(tui_field_key(&f, 'd'), TUI_FIELD_REFUSED);
	assert_string_equal(tui_field_value(&f), "abc");
	tui_field_destroy(&f);
}

static void multiline_enter_and_ctrl_d(void **state)
{
	tui_field f;

	(void)state;
	tui_field_init(&f, TUI_FIELD_MULTILINE);
	type(&f, "first line");
	assert_int_equal(tui_field_key(&f, TUI_K_ENTER), TUI_FIELD_CHANGED);
	type(&f, "ab");
	assert_string_equal(tui_field_value(&f), "first line\nab");
	assert_int_equal(tui_field_cursor_line(&f), 1);
	assert_int_equal(tui_field_cursor_col(&f), 2);
	tui_field_key(&f, TUI_K_UP);
	assert_int_equal(tui_field_cursor_line(&f), 0);
	assert_int_equal(tui_field_cursor_col(&f), 2);
	tui_field_key(&f, TUI_K_END);
	tui_field_key(&f, TUI_K_DOWN);
	assert_int_equal(tui_field_cursor_col(&f), 2); /* clamped to the short line */
	assert_int_equal(tui_field_paste(&f, "\tx\ny"), TUI_FIELD_CHANGED);
	assert_string_equal(tui_field_value(&f), "first line\nab\tx\ny");
	assert_int_equal(tui_field_key(&f, TUI_CTRL('d')), TUI_FIELD_DONE);
	tui_field_destroy(&f);
}

static void tags_add_remove_and_done(void **state)
{
	tui_tags t;
	tui_event enter = {TUI_K_ENTER, 0, NULL}, bs = {TUI_K_BACKSPACE, 0, NULL};
	tui_event left = {TUI_K_LEFT, 0, NULL}, x = {'x', 0, NULL};

	(void)state;
	tui_tags_init(&t, 3);
	type(&t.input, "  prod ");
	assert_int_equal(tui_tags_event(&t, &enter), TUI_FIELD_CHANGED);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.tags[0], "prod");
	assert_string_equal(tui_field_value(&t.input), "");
	type(&t.input, "prod");
	tui_tags_event(&t, &enter); /* duplicate dropped */
	assert_int_equal(t.n, 1);
	type(&t.input, "eu");
	tui_tags_event(&t, &enter);
	type(&t.input, "team");
	tui_tags_event(&t, &enter);
	type(&t.input, "four");
	assert_int_equal(tui_tags_event(&t, &enter), TUI_FIELD_REFUSED); /* max 3 */
	assert_non_null(t.reason);
	tui_field_set(&t.input, "");
	assert_int_equal(tui_tags_event(&t, &bs), TUI_FIELD_CHANGED); /* removes "team" */
	assert_int_equal(t.n, 2);
	assert_int_equal(tui_tags_event(&t, &left), TUI_FIELD_MOVED);
	assert_int_equal(t.sel, 1);
	tui_tags_event(&t, &left);
	assert_int_equal(tui_tags_event(&t, &x), TUI_FIELD_CHANGED); /* removes "prod" */
	assert_int_equal(t.n, 1);
	assert_string_equal(t.tags[0], "eu");
	tui_tags_event(&t, &enter); /* back to the input */
	assert_int_equal(t.sel, -1);
	assert_int_equal(tui_tags_event(&t, &enter), TUI_FIELD_SUBMIT); /* empty: done */
	tui_tags_destroy(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typing_and_cursor_keys),
		cmocka_unit_test(kill_keys),
		cmocka_unit_test(cjk_and_combining_cursor_columns),
		cmocka_unit_test(masked_field_counts_characters),
		cmocka_unit_test(paste_is_literal_and_filtered),
		cmocka_unit_test(validator_reason_follows_value),
		cmocka_unit_test(max_len_refuses),
		cmocka_unit_test(multiline_enter_and_ctrl_d),
		cmocka_unit_test(tags_add_remove_and_done),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
