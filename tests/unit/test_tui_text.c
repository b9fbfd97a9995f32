/* Unit tests for tui/text.c: UTF-8, display widths, sanitiser, fitting, wrapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "tui_text.h"

static void escape_and_controls_are_neutralised(void **state)
{
	char out[128];

	(void)state;
	tui_sanitize("a\033[2Jb", 6, out, sizeof(out));
	assert_string_equal(out, "a^[[2Jb");
	assert_null(strchr(out, '\033'));
	tui_sanitize("x\ny\x7f", 4, out, sizeof(out));
	assert_string_equal(out, "x^Jy^?");
	tui_sanitize("t\tb", 3, out, sizeof(out));
	assert_string_equal(out, "t b");
}

static void c1_and_invalid_utf8_become_replacement(void **state)
{
	char out[128];

	(void)state;
	/* U+009B (CSI as a C1 control, UTF-8 c2 9b) and a lone continuation byte */
	tui_sanitize("a\xc2\x9b" "b\x80" "c", 6, out, sizeof(out));
	assert_string_equal(out, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c");
	/* overlong encoding of '/' and a truncated sequence */
	tui_sanitize("\xc0\xaf" "\xe6\xbc", 4, out, sizeof(out));
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

/* A repository name from Bitbucket with a right-to-left override would read
 * "prodexe.png"; the escaped code point shows what it is, with its width. */
static void invisible_characters_are_shown_escaped(void **state)
{
	const char *name = "prod\xE2\x80\xAEgnp.exe";
	char out[128];

	(void)state;
	tui_sanitize(name, strlen(name), out, sizeof(out));
	assert_string_equal(out, "prod<U+202E>gnp.exe");
	assert_int_equal(tui_width(name), 19);
	tui_sanitize("a\xE2\x80\x8B" "b\xE2\x80\xA8" "c\xEF\xBB\xBF", 12, out, sizeof(out));
	assert_string_equal(out, "a<U+200B>b<U+2028>c<U+FEFF>");
	assert_true(tui_fit(name, 10, false, out, sizeof(out)) <= 10);
	assert_null(strchr(out, '<')); /* never half an escape */
	assert_non_null(strstr(out, "prod"));
}

static void sanitize_never_overflows_or_splits(void **state)
{
	char out[5];
	size_t need;

	(void)state;
	need = tui_sanitize("ab\xe6\xbc\xa2", 5, out, sizeof(out));
	assert_int_equal(need, 5);
	assert_string_equal(out, "ab"); /* the 3-byte char does not fit whole */
}

static void widths_count_display_columns(void **state)
{
	(void)state;
	assert_int_equal(tui_width("abc"), 3);
	assert_int_equal(tui_width("\xe6\xbc\xa2\xe5\xad\x97"), 4);     /* 漢字 */
	assert_int_equal(tui_width("e\xcc\x81"), 1);                    /* e + combining acute */
	assert_int_equal(tui_width("\033"), 2);                          /* shown as ^[ */
	assert_int_equal(tui_wcwidth(0x4e00), 2);
	assert_int_equal(tui_wcwidth(0x0301), 0);
}

static void fit_pads_and_truncates_at_column_boundary(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(tui_fit("abc", 5, true, out, sizeof(out)), 5);
	assert_string_equal(out, "abc  ");
	assert_int_equal(tui_fit("abcdef", 4, true, out, sizeof(out)), 4);
	assert_string_equal(out, "abc\xe2\x80\xa6");
	/* 漢字漢 is 6 columns; in 4: one wide char, the ellipsis, one pad space */
	assert_int_equal(tui_fit("\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2", 4, true, out, sizeof(out)), 4);
	assert_string_equal(out, "\xe6\xbc\xa2\xe2\x80\xa6 ");
	assert_int_equal(tui_width(out), 4);
	/* without padding the width may be less, never more */
	assert_int_equal(tui_fit("\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2", 4, false, out, sizeof(out)), 3);
	/* exact fit keeps everything */
	tui_fit("\xe6\xbc\xa2\xe5\xad\x97", 4, true, out, sizeof(out));
	assert_string_equal(out, "\xe6\xbc\xa2\xe5\xad\x97");
}

static void fit_sanitises(void **state)
{
	char out[64];

	(void)state;
	tui_fit("\033]52;c;x\a", 20, false, out, sizeof(out));
	assert_null(strchr(out, '\033'));
	assert_null(strchr(out, '\a'));
	assert_string_equal(out, "^[]52;c;x^G");
}

static void cjk_labels_align_in_columns(void **state)
{
	const char *labels[] = {"prod", "\xe6\x9c\xac\xe7\x95\xaa", "caf\xc3\xa9", "e\xcc\x81t\xc3\xa9"};
	char out[64];

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		tui_fit(labels[i], 8, true, out, sizeof(out));
		assert_int_equal(tui_width(out), 8);
	}
}

static void cells_keep_combining_marks_together(void **state)
{
	const char *s = "ae\xcc\x81z"; /* a, e + U+0301, z */
	size_t len = strlen(s);

	(void)state;
	assert_int_equal(tui_cell_next(s, len, 0), 1);
	assert_int_equal(tui_cell_next(s, len, 1), 4);
	assert_int_equal(tui_cell_prev(s, len, 4), 1);
	assert_int_equal(tui_cell_prev(s, len, 5), 4);
}

static void wrap_breaks_at_spaces_and_newlines(void **state)
{
	size_t st[8], ln[8], n;
	const char *s = "one two three\nfour";

	(void)state;
	n = tui_wrap(s, 8, st, ln, 8);
	assert_int_equal(n, 3);
	assert_int_equal(ln[0], 7); /* "one two" */
	assert_memory_equal(s + st[1], "three", 5);
	assert_memory_equal(s + st[2], "four", 4);
	/* a word longer than the width is split */
	n = tui_wrap("abcdefghij", 4, st, ln, 8);
	assert_int_equal(n, 3);
}

static void utf8_round_trips(void **state)
{
	char b[4];
	wchar_t wc;

	(void)state;
	assert_int_equal(tui_utf8_encode(0x1F600, b), 4);
	assert_int_equal(tui_utf8_decode(b, 4, &wc), 4);
	assert_int_equal(wc, 0x1F600);
	assert_int_equal(tui_utf8_encode(0xD800, b), 0);
	assert_int_equal(tui_utf8_decode("\xed\xa0\x80", 3, &wc), 1); /* surrogate */
	assert_int_equal(wc, TUI_REPLACEMENT);
}

static void sparkline_scales_to_the_largest_value(void **state)
{
	const long v[4] = {0, 1, 50, 100};
	char out[64];

	(void)state;
	assert_int_equal(tui_sparkline(v, 4, out, sizeof out), 4);
	/* zero is the lowest bar; one in a hundred still rises; the max is full */
	assert_string_equal(out, "\xe2\x96\x81\xe2\x96\x82\xe2\x96\x85\xe2\x96\x88");
	assert_int_equal(tui_width(out), 4);
	assert_int_equal(tui_sparkline(v, 4, out, 6), 1); /* never overflows */
	assert_string_equal(out, "\xe2\x96\x81");
}

/* An ASCII terminal gets only ASCII, in the columns UTF-8 would take
 * (one '?' per column), and the fallbacks of the glyphs. */
static void ascii_mode_draws_fallbacks_in_the_same_columns(void **state)
{
	char out[128];

	(void)state;
	tui_text_set_ascii(true);
	assert_int_equal(tui_fit("\xe6\x9d\xb1\xe4\xba\xac x", 8, true, out, sizeof out), 8);
	assert_string_equal(out, "???? x  ");
	assert_int_equal(tui_fit("Caf\xc3\xa9 au lait", 8, false, out, sizeof out), 8);
	assert_string_equal(out, "Caf? ...");
	assert_int_equal(tui_fit("abcdef", 3, false, out, sizeof out), 3);
	assert_string_equal(out, "ab.");
	assert_string_equal(tui_glyph(TUI_GLYPH_BULLET), "*");
	assert_string_equal(tui_glyph(TUI_GLYPH_ELLIPSIS), "...");
	tui_sanitize("\xe2\x80\xa2\xe2\x86\x93\xe2\x96\x81", 9, out, sizeof out);
	assert_string_equal(out, "*v_");
	tui_text_set_ascii(false);
	assert_string_equal(tui_glyph(TUI_GLYPH_BULLET), "\xe2\x80\xa2");
	assert_int_equal(tui_fit("Caf\xc3\xa9 au lait", 8, false, out, sizeof out), 8);
	assert_string_equal(out, "Caf\xc3\xa9 au\xe2\x80\xa6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_and_controls_are_neutralised),
		cmocka_unit_test(c1_and_invalid_utf8_become_replacement),
		cmocka_unit_test(sanitize_never_overflows_or_splits),
		cmocka_unit_test(invisible_characters_are_shown_escaped),
		cmocka_unit_test(widths_count_display_columns),
		cmocka_unit_test(fit_pads_and_truncates_at_column_boundary),
		cmocka_unit_test(fit_sanitises),
		cmocka_unit_test(cjk_labels_align_in_columns),
		cmocka_unit_test(cells_keep_combining_marks_together),
		cmocka_unit_test(wrap_breaks_at_spaces_and_newlines),
		cmocka_unit_test(utf8_round_trips),
		cmocka_unit_test(sparkline_scales_to_the_largest_value),
		cmocka_unit_test(ascii_mode_draws_fallbacks_in_the_same_columns),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
