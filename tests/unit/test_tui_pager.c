/* Pager and list text: wrapping into rows under labels, paths broken after
 * a '/', search moves with wrap-around, the position text of a list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tui.h"

static void rows_wrap_under_their_label(void **state)
{
	tui_pager p;

	(void)state;
	assert_int_equal(tui_pager_init(&p), 0);
	tui_pager_begin(&p, 24, 10);
	assert_int_equal(tui_pager_add(&p, "Name", "Prod BB", 0), 1);
	/* 14 columns for the value: two rows */
	assert_int_equal(tui_pager_add(&p, "About", "one two three four five six", 0), 2);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.rows[1].label, "About");
	assert_null(p.rows[2].label);          /* a continuation */
	assert_string_equal(p.rows[1].text, "one two three");
	assert_string_equal(p.rows[2].text, "four five six");
	assert_int_equal(tui_pager_add_wide(&p, "across the label column too", 0), 2);
	assert_true(p.rows[3].wide);
	assert_string_equal(p.rows[3].text, "across the label column");
	tui_pager_destroy(&p);
}

static void paths_break_after_a_slash(void **state)
{
	tui_pager p;

	(void)state;
	assert_int_equal(tui_pager_init(&p), 0);
	tui_pager_begin(&p, 30, 10);
	assert_int_equal(tui_pager_add_path(&p, "URL", "https://example.org/abc/defghijk/l", 0), 2);
	assert_string_equal(p.rows[0].text, "https://example.org/");
	assert_string_equal(p.rows[1].text, "abc/defghijk/l");
	tui_pager_destroy(&p);
}

static void search_goes_round_and_says_when_nothing_matches(void **state)
{
	tui_pager p;

	(void)state;
	assert_int_equal(tui_pager_init(&p), 0);
	tui_pager_begin(&p, 40, 0);
	tui_pager_add(&p, NULL, "alpha\nbeta needle\ngamma\nNEEDLE delta", 0);
	assert_int_equal(p.n, 4);
	assert_false(tui_pager_find(&p, 1)); /* no word yet */
	snprintf(p.query, sizeof p.query, "needle");
	assert_int_equal(tui_pager_matches(&p), 2); /* any case */
	assert_true(tui_pager_find(&p, 1));
	assert_int_equal(p.match, 1);
	assert_true(tui_pager_find(&p, 1));
	assert_int_equal(p.match, 3);
	assert_true(tui_pager_find(&p, 1));  /* round to the first */
	assert_int_equal(p.match, 1);
	assert_true(tui_pager_find(&p, -1)); /* and back */
	assert_int_equal(p.match, 3);
	snprintf(p.query, sizeof p.query, "absent");
	assert_false(tui_pager_find(&p, 1));
	assert_int_equal(tui_pager_matches(&p), 0);
	tui_pager_destroy(&p);
}

static void position_counts_from_one(void **state)
{
	char out[32];

	(void)state;
	tui_position_text(11, 30, out, sizeof out);
	assert_string_equal(out, "12/30");
	tui_position_text(0, 0, out, sizeof out);
	assert_string_equal(out, "0/0");
	/* the selection at the end of a long list stays in view */
	assert_int_equal(tui_list_scroll(0, 29, 30, 10), 20);
	assert_int_equal(tui_list_scroll(20, 5, 30, 10), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_wrap_under_their_label),
		cmocka_unit_test(paths_break_after_a_slash),
		cmocka_unit_test(search_goes_round_and_says_when_nothing_matches),
		cmocka_unit_test(position_counts_from_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
