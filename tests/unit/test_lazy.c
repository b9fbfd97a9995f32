/* Unit tests for core/lazy: libraries opened on first use, with a sentence
 * that says what to install when they cannot be. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "crypto_lazy.h"
#include "curl_lazy.h"
#include "lazy.h"

static void present_library_binds_every_symbol(void **state)
{
	static const char *const names[] = {"strlen", "memcmp", NULL};
	void *slots[2] = {NULL, NULL};
	lazy_lib l = LAZY_LIB("libc.so.6", "libc6", names, slots);
	size_t (*len)(const char *);

	(void)state;
	assert_int_equal(lazy_ready(&l), 1);
	assert_int_equal(lazy_ready(&l), 1); /* once */
	*(void **)&len = slots[0];
	assert_int_equal(len("abc"), 3);
	assert_non_null(slots[1]);
}

static void missing_library_says_what_to_install(void **state)
{
	static const char *const names[] = {"f", NULL};
	void *slots[1];
	lazy_lib l = LAZY_LIB("libbbnothere.so.9", "libbbnothere9", names, slots);

	(void)state;
	assert_int_equal(lazy_ready(&l), 0);
	assert_non_null(strstr(l.why, "libbbnothere.so.9"));
	assert_non_null(strstr(l.why, "apt-get install libbbnothere9"));
}

static void missing_symbol_is_named(void **state)
{
	static const char *const names[] = {"strlen", "bb_no_such_function", NULL};
	void *slots[2];
	lazy_lib l = LAZY_LIB("libc.so.6", "libc6", names, slots);

	(void)state;
	assert_int_equal(lazy_ready(&l), 0);
	assert_non_null(strstr(l.why, "bb_no_such_function"));
}

static void curl_and_crypto_load_here(void **state)
{
	(void)state;
	assert_null(curl_lazy_error());
	assert_null(crypto_lazy_error());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(present_library_binds_every_symbol),
		cmocka_unit_test(missing_library_says_what_to_install),
		cmocka_unit_test(missing_symbol_is_named),
		cmocka_unit_test(curl_and_crypto_load_here),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
