/* Unit tests of status.h and the run transitions: the state mapping, the
 * keys (at most 40 characters, stable, distinct), the worst-state rule and
 * its description. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "run.h"
#include "status.h"

static void test_mapping(void **state)
{
	(void)state;
	assert_string_equal(status_state_of("queued"), "INPROGRESS");
	assert_string_equal(status_state_of("running"), "INPROGRESS");
	assert_string_equal(status_state_of("finished"), "SUCCESSFUL");
	assert_string_equal(status_state_of("failed"), "FAILED");
	assert_string_equal(status_state_of("stopped"), "STOPPED");
	assert_null(status_state_of("paused"));
}

static void test_keys(void **state)
{
	char a[STATUS_KEY_MAX + 1], b[STATUS_KEY_MAX + 1], c[STATUS_KEY_MAX + 1];
	const char *long_a = "networking-production-eu-west-1-primary-cluster-a";
	const char *long_b = "networking-production-eu-west-1-primary-cluster-b";

	(void)state;
	status_key("stack", "web", "tracked", a);
	assert_string_equal(a, "web-tracked");
	status_key("module", "web", "tracked", b);
	assert_string_equal(b, "mod:web-tracked");
	status_key("stack", long_a, "proposed", a);
	status_key("stack", long_b, "proposed", b);
	status_key("stack", long_a, "proposed", c);
	assert_true(strlen(a) <= 40 && strlen(b) <= 40);
	assert_string_not_equal(a, b);
	assert_string_equal(a, c); /* stable */
	assert_memory_equal(a, "networking-producti", 19); /* readable */
	status_key("stack", "a b", "tracked", a);
	status_key("stack", "a-b", "tracked", b);
	assert_string_not_equal(a, b);
	assert_string_equal(status_group_key("module", "proposed"), "spacelift/modules");
	assert_string_equal(status_group_key("stack", "proposed"), "spacelift/proposed");
	assert_string_equal(status_group_key("stack", "tracked"), "spacelift/tracked");
}

static void test_worst_state(void **state)
{
	const char *mixed[] = {"finished", "running", "finished"};
	const char *failed[] = {"running", "failed", "stopped"};
	const char *stopped[] = {"finished", "stopped"};
	const char *done[] = {"finished"};
	char d[200];

	(void)state;
	assert_string_equal(status_summarise(mixed, 3, "stack", d, sizeof d), "INPROGRESS");
	assert_string_equal(d, "3 stacks: 2 finished, 1 running");
	assert_string_equal(status_summarise(failed, 3, "stack", d, sizeof d), "FAILED");
	assert_string_equal(status_summarise(stopped, 2, "stack", d, sizeof d), "STOPPED");
	assert_string_equal(status_summarise(done, 1, "module", d, sizeof d), "SUCCESSFUL");
	assert_string_equal(d, "1 module: 1 finished");
}

static void test_transitions(void **state)
{
	(void)state;
	assert_true(run_transition_ok("queued", "running"));
	assert_true(run_transition_ok("queued", "stopped"));
	assert_true(run_transition_ok("running", "finished"));
	assert_false(run_transition_ok("running", "queued"));
	assert_false(run_transition_ok("finished", "running"));
	assert_false(run_transition_ok("failed", "finished"));
	assert_false(run_transition_ok("running", "running"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_worst_state),
		cmocka_unit_test(test_transitions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
