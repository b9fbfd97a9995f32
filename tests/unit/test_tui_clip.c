/* Unit tests of tui/clip.c: the toolkit's own base64 (RFC 4648 vectors), the
 * OSC 52 forms for a plain terminal, tmux and GNU screen, and which form the
 * environment asks for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tui.h"

static void base64_matches_rfc4648(void **state)
{
	static const char *const vec[][2] = {
		{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
		{"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
		{"\xff\xfe\x80", "//6A"},
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		assert_int_equal(tui_base64(vec[i][0], strlen(vec[i][0]), out), strlen(vec[i][1]));
		assert_string_equal(out, vec[i][1]);
	}
}

/* Under screen the base64 goes in DCS pieces of 76 digits. */
static void screen_form_is_cut_in_dcs_pieces(void **state)
{
	char text[120], b64[200], want[400];
	char *s;

	(void)state;
	memset(text, 'a', sizeof text);
	tui_base64(text, sizeof text, b64); /* 160 digits: 76 + 76 + 8 */
	snprintf(want, sizeof want, "\033P\033]52;c;%.76s\033\\\033P%.76s\033\\\033P%s\a\033\\",
		 b64, b64 + 76, b64 + 152);
	s = tui_osc52_encode(text, sizeof text, TUI_OSC52_SCREEN);
	assert_string_equal(s, want);
	free(s);
	s = tui_osc52_encode("hi", 2, TUI_OSC52_SCREEN);
	assert_string_equal(s, "\033P\033]52;c;aGk=\a\033\\");
	free(s);
}

static void the_environment_picks_the_form(void **state)
{
	(void)state;
	unsetenv("TMUX");
	unsetenv("STY");
	setenv("TERM", "xterm-256color", 1);
	assert_int_equal(tui_osc52_detect(), TUI_OSC52_PLAIN);
	setenv("TERM", "screen.xterm-256color", 1);
	assert_int_equal(tui_osc52_detect(), TUI_OSC52_SCREEN);
	setenv("TERM", "xterm", 1);
	setenv("STY", "1234.pts-0.host", 1);
	assert_int_equal(tui_osc52_detect(), TUI_OSC52_SCREEN);
	/* tmux sets TERM=screen* too: $TMUX wins */
	setenv("TMUX", "tmux-socket,1,0", 1);
	assert_int_equal(tui_osc52_detect(), TUI_OSC52_TMUX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base64_matches_rfc4648),
		cmocka_unit_test(screen_form_is_cut_in_dcs_pieces),
		cmocka_unit_test(the_environment_picks_the_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
