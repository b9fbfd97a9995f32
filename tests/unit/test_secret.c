/* Unit tests for core/secret: CSPRNG secrets, encryption at rest, key file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"

static void webhook_secret_is_64_hex_and_fresh(void **state)
{
	char a[BB_WEBHOOK_SECRET_HEX + 1], b[BB_WEBHOOK_SECRET_HEX + 1];

	(void)state;
	assert_int_equal(secret_webhook_new(a, NULL), BB_OK);
	assert_int_equal(secret_webhook_new(b, NULL), BB_OK);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	assert_string_not_equal(a, b);
}

static void encrypt_round_trips_and_hides_plaintext(void **state)
{
	unsigned char key[BB_KEY_LEN] = {1, 2, 3};
	const char *plain = "ATATT3xFfGF0-sample-token";
	unsigned char *blob;
	size_t len;
	char *back;

	(void)state;
	assert_int_equal(secret_encrypt(key, plain, strlen(plain), &blob, &len, NULL), BB_OK);
	assert_int_equal(len, strlen(plain) + BB_SECRET_OVERHEAD);
	assert_null(memmem(blob, len, "ATATT3", 6));
	assert_int_equal(secret_decrypt(key, blob, len, &back, NULL), BB_OK);
	assert_string_equal(back, plain);
	secret_free(back);
	free(blob);
}

static void tampered_blob_is_refused(void **state)
{
	unsigned char key[BB_KEY_LEN] = {9};
	unsigned char *blob;
	size_t len;
	char *back = NULL;
	bb_err err;

	(void)state;
	assert_int_equal(secret_encrypt(key, "secret", 6, &blob, &len, NULL), BB_OK);
	blob[len - 1] ^= 1;
	assert_int_equal(secret_decrypt(key, blob, len, &back, &err), BB_DBERR);
	assert_null(back);
	assert_non_null(strstr(err.msg, "damaged"));
	free(blob);
}

static void nonce_differs_per_value(void **state)
{
	unsigned char key[BB_KEY_LEN] = {0};
	unsigned char *a, *b;
	size_t la, lb;

	(void)state;
	assert_int_equal(secret_encrypt(key, "same", 4, &a, &la, NULL), BB_OK);
	assert_int_equal(secret_encrypt(key, "same", 4, &b, &lb, NULL), BB_OK);
	assert_memory_not_equal(a, b, la);
	free(a);
	free(b);
}

static void key_file_is_created_owner_only_and_reused(void **state)
{
	char dir[] = "/tmp/bbkeyXXXXXX", path[64];
	unsigned char k1[BB_KEY_LEN], k2[BB_KEY_LEN];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/console.db.key", dir);
	assert_int_equal(secret_create_key(path, k1, NULL), BB_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(secret_read_key(path, k2, NULL), BB_OK);
	assert_memory_equal(k1, k2, BB_KEY_LEN);
	unlink(path);
	rmdir(dir);
}

static void equal_compares_bytes(void **state)
{
	(void)state;
	assert_true(secret_equal("abc", "abc", 3));
	assert_false(secret_equal("abc", "abd", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(webhook_secret_is_64_hex_and_fresh),
		cmocka_unit_test(encrypt_round_trips_and_hides_plaintext),
		cmocka_unit_test(tampered_blob_is_refused),
		cmocka_unit_test(nonce_differs_per_value),
		cmocka_unit_test(key_file_is_created_owner_only_and_reused),
		cmocka_unit_test(equal_compares_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
