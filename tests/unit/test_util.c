/* Unit tests of core/util: reading times, moving them, saying how long ago. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util.h"

static void times_are_read_with_or_without_milliseconds(void **state)
{
	long long t;

	(void)state;
	assert_int_equal(util_time_parse("1970-01-01T00:01:40Z", &t), 0);
	assert_int_equal(t, 100);
	assert_int_equal(util_time_parse("2026-12-01T08:03:23.374Z", &t), 0);
	assert_int_equal(t, 1796112203LL);
	assert_int_equal(util_time_parse("yesterday", &t), -1);
	assert_int_equal(util_time_parse(NULL, &t), -1);
}

static void adding_keeps_the_milliseconds(void **state)
{
	char out[BB_TIME_LEN];

	(void)state;
	assert_int_equal(util_time_add("2026-12-01T23:59:30.250Z", 45, out), 0);
	assert_string_equal(out, "2026-12-02T00:00:15.250Z");
	assert_int_equal(util_time_add("2026-12-01T00:00:00Z", -1, out), 0);
	assert_string_equal(out, "2026-11-30T23:59:59.000Z");
	assert_int_equal(util_time_add("not a time", 1, out), -1);
}

static void ago_picks_a_readable_unit(void **state)
{
	const char *now = "2026-12-01T12:00:00.000Z";
	char out[32];

	(void)state;
	util_ago("2026-12-01T11:59:58.000Z", now, out, sizeof out);
	assert_string_equal(out, "just now");
	util_ago("2026-12-01T11:59:30.000Z", now, out, sizeof out);
	assert_string_equal(out, "30 s ago");
	util_ago("2026-12-01T11:57:00.000Z", now, out, sizeof out);
	assert_string_equal(out, "3 min ago");
	util_ago("2026-12-01T09:00:00.000Z", now, out, sizeof out);
	assert_string_equal(out, "3 h ago");
	util_ago("2026-11-27T12:00:00.000Z", now, out, sizeof out);
	assert_string_equal(out, "4 days ago");
	util_ago("2026-12-01T12:05:00.000Z", now, out, sizeof out);
	assert_string_equal(out, "in the future");
	util_ago("garbage", now, out, sizeof out);
	assert_string_equal(out, "-");
}

static void durations_are_said_exactly(void **state)
{
	static const struct {
		long ms;
		const char *say;
	} cases[] = {{0, "0 ms"}, {250, "250 ms"}, {999, "999 ms"}, {1000, "1 s"},
		     {1500, "1.5 s"}, {1234, "1.234 s"}, {1050, "1.05 s"}, {30000, "30 s"},
		     {300000, "300 s"}};
	char out[32];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		util_duration(cases[i].ms, out, sizeof out);
		assert_string_equal(out, cases[i].say);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(times_are_read_with_or_without_milliseconds),
		cmocka_unit_test(adding_keeps_the_milliseconds),
		cmocka_unit_test(ago_picks_a_readable_unit),
		cmocka_unit_test(durations_are_said_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
