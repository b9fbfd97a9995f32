/* Unit tests for core/validate: the text rules of every field (SPEC section 1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

#define OK(call) assert_int_equal((call), BB_OK)
#define BAD(call) assert_int_equal((call), BB_INVALID)

static char *repeat(const char *unit, int times)
{
	size_t n = strlen(unit);
	char *s = malloc(n * (size_t)times + 1);

	assert_non_null(s);
	for (int i = 0; i < times; i++)
		memcpy(s + n * (size_t)i, unit, n);
	s[n * (size_t)times] = '\0';
	return s;
}

static void trim_strips_spaces_and_tabs_only(void **state)
{
	char *t = validate_trim(" \t a b \t ");

	(void)state;
	assert_string_equal(t, "a b");
	free(t);
	t = validate_trim("\nx\n");
	assert_string_equal(t, "\nx\n");
	free(t);
}

static void utf8_length_counts_code_points_and_refuses_bad_bytes(void **state)
{
	(void)state;
	assert_int_equal(validate_utf8_length("héllo"), 5);
	assert_int_equal(validate_utf8_length("日本"), 2);
	assert_int_equal(validate_utf8_length("\xF0\x9F\x98\x80"), 1);
	assert_int_equal(validate_utf8_length("\xC3"), -1);         /* truncated */
	assert_int_equal(validate_utf8_length("\xC0\xAF"), -1);     /* overlong '/' */
	assert_int_equal(validate_utf8_length("\xED\xA0\x80"), -1); /* surrogate */
	assert_int_equal(validate_utf8_length("\xF4\x90\x80\x80"), -1); /* > U+10FFFF */
	assert_int_equal(validate_utf8_length("\xFF"), -1);
}

static void control_covers_c0_del_and_c1(void **state)
{
	(void)state;
	assert_true(validate_has_control("a\x01"));
	assert_true(validate_has_control("a\n"));
	assert_true(validate_has_control("a\x7F"));
	assert_true(validate_has_control("a\xC2\x85")); /* U+0085 NEL */
	assert_true(validate_has_control("\xC2\x9B"));  /* U+009B CSI */
	assert_false(validate_has_control("a\xC2\xA0" "b")); /* U+00A0 is not control */
	assert_false(validate_has_control("plain"));
}

static void name_length_counts_characters_after_trim(void **state)
{
	char *ok64 = repeat("aé", 32), *bad65 = repeat("a", 65), *padded;

	(void)state;
	OK(validate_name(ok64, NULL)); /* 96 bytes, 64 characters */
	BAD(validate_name(bad65, NULL));
	padded = malloc(strlen(ok64) + 8);
	sprintf(padded, "  %s\t ", ok64);
	OK(validate_name(padded, NULL));
	free(ok64);
	free(bad65);
	free(padded);
}

static void name_refuses_empty_controls_and_bad_utf8(void **state)
{
	bb_err err;

	(void)state;
	BAD(validate_name("", NULL));
	BAD(validate_name("   \t", &err));
	assert_non_null(strstr(err.msg, "empty"));
	BAD(validate_name("prod\x1b[31m", &err));
	assert_non_null(strstr(err.msg, "control"));
	BAD(validate_name("prod\xC2\x9B", NULL));
	BAD(validate_name("bad\xFF", &err));
	assert_non_null(strstr(err.msg, "UTF-8"));
}

static void name_needs_a_letter_or_digit(void **state)
{
	bb_err err;

	(void)state;
	BAD(validate_name("--- !!", &err));
	assert_non_null(strstr(err.msg, "letter or digit"));
	OK(validate_name("a", NULL));
	OK(validate_name("7", NULL));
	OK(validate_name("Prod BB", NULL));
}

static void name_of_only_non_latin_letters_asks_for_latin(void **state)
{
	bb_err err;

	(void)state;
	BAD(validate_name("日本", &err));
	assert_non_null(strstr(err.msg, "Latin"));
	OK(validate_name("日本 1", NULL));
}

static void slug_follows_the_spec(void **state)
{
	char out[64];

	(void)state;
	validate_slugify("Prod BB", out, sizeof out);
	assert_string_equal(out, "prod-bb");
	validate_slugify("  --Prod__BB!!  v2--", out, sizeof out);
	assert_string_equal(out, "prod-bb-v2");
	validate_slugify("prod-bb", out, sizeof out);
	assert_string_equal(out, "prod-bb");
	validate_slugify("Café Ünïcode", out, sizeof out);
	assert_string_equal(out, "caf-n-code");
	validate_slugify("日本", out, sizeof out);
	assert_string_equal(out, "");
}

static void email_accepts_plain_addresses(void **state)
{
	(void)state;
	OK(validate_email("ops@acme.example", NULL));
	OK(validate_email("first.last+bb@mail.acme.co", NULL));
}

static void email_refuses_malformed_addresses(void **state)
{
	bb_err err;

	(void)state;
	BAD(validate_email("", NULL));
	BAD(validate_email("ops acme@acme.example", &err));
	assert_non_null(strstr(err.msg, "space"));
	BAD(validate_email("ops@acme.example ", NULL));
	BAD(validate_email("opsacme.example", NULL));      /* no @ */
	BAD(validate_email("a@b@acme.example", NULL));     /* two @ */
	BAD(validate_email("@acme.example", NULL));        /* no local part */
	BAD(validate_email("ops@localhost", NULL));        /* no dot */
	BAD(validate_email("ops@acme.c", NULL));           /* TLD of one letter */
	BAD(validate_email("ops@acme.c0m", NULL));         /* TLD with a digit */
	BAD(validate_email("ops@acme..example", NULL));    /* empty label */
	BAD(validate_email("ops@.acme.example", NULL));
}

static void email_is_at_most_254_characters(void **state)
{
	char *local = repeat("a", 64), *mid = repeat("b", 254 - 64 - 1 - 4);
	char buf[512];

	(void)state;
	snprintf(buf, sizeof buf, "%s@%s.com", local, mid);
	assert_int_equal(strlen(buf), 254);
	OK(validate_email(buf, NULL));
	snprintf(buf, sizeof buf, "%s@%sb.com", local, mid);
	BAD(validate_email(buf, NULL));
	free(local);
	free(mid);
}

static void token_refuses_empty_and_whitespace(void **state)
{
	bb_err err;

	(void)state;
	BAD(validate_token("", NULL));
	BAD(validate_token("ATATT3xFf GF0", &err));
	assert_null(strstr(err.msg, "GF0"));
	BAD(validate_token("ATATT3xFfGF0\n", NULL));
	BAD(validate_token("ATATT3xFfGF0\t", NULL));
	BAD(validate_token("ATATT3x\x01", NULL));
	OK(validate_token("ATATT3xFfGF0T4nKsampleTokenValue_-=0123456789", NULL));
}

static void token_refuses_app_passwords_with_how_to(void **state)
{
	bb_err err;

	(void)state;
	BAD(validate_token("ATBB3xFfGF0secretAppPassword123", &err));
	assert_non_null(strstr(err.msg, "app password"));
	assert_non_null(strstr(err.msg, "Create API token"));
	assert_null(strstr(err.msg, "secretAppPassword"));
	BAD(validate_token("aB3dE5gH7jK9mN1pQ3sT", &err)); /* old shape: 20 alphanumerics */
	assert_non_null(strstr(err.msg, "app password"));
	assert_null(strstr(err.msg, "aB3dE5"));
	OK(validate_token("aB3dE5gH7jK9mN1pQ3sTu", NULL)); /* 21: not that shape */
	OK(validate_token("aB3dE5gH7jK9mN1pQ3s-", NULL));  /* 20 but not all alnum */
}

static void label_rules(void **state)
{
	char *long65 = repeat("x", 65), *ok64 = repeat("ü", 64);
	bb_err err;

	(void)state;
	OK(validate_label("  prod  ", NULL));
	OK(validate_label(ok64, NULL));
	BAD(validate_label(long65, NULL));
	BAD(validate_label("   ", NULL));
	BAD(validate_label("a,b", &err));
	assert_non_null(strstr(err.msg, "\"a,b\""));
	assert_non_null(strstr(err.msg, "comma"));
	BAD(validate_label("x\x1b]52;c;evil\x07", &err));
	assert_null(strchr(err.msg, '\x1b')); /* the label is quoted sanitised */
	assert_null(strchr(err.msg, '\x07'));
	free(long65);
	free(ok64);
}

static void labels_trim_dedupe_and_keep_order(void **state)
{
	bb_strlist in = {0}, out = {0};

	(void)state;
	strlist_push(&in, " b ");
	strlist_push(&in, "a");
	strlist_push(&in, "b");
	strlist_push(&in, "c\t");
	strlist_push(&in, "a");
	OK(validate_labels(&in, &out, NULL));
	assert_int_equal(out.n, 3);
	assert_string_equal(out.v[0], "b");
	assert_string_equal(out.v[1], "a");
	assert_string_equal(out.v[2], "c");
	strlist_free(&in);
	strlist_free(&out);
}

static void labels_at_most_50_and_errors_name_the_label(void **state)
{
	bb_strlist in = {0}, out = {0};
	char buf[16];
	bb_err err;

	(void)state;
	for (int i = 0; i < 50; i++) {
		snprintf(buf, sizeof buf, "l%d", i);
		strlist_push(&in, buf);
	}
	strlist_push(&in, "l0"); /* a duplicate does not count */
	OK(validate_labels(&in, &out, NULL));
	assert_int_equal(out.n, 50);
	strlist_free(&out);
	strlist_push(&in, "l50");
	BAD(validate_labels(&in, &out, &err));
	assert_int_equal(out.n, 0);
	assert_non_null(strstr(err.msg, "50"));
	strlist_free(&in);
	strlist_push(&in, "fine");
	strlist_push(&in, "not,fine");
	BAD(validate_labels(&in, &out, &err));
	assert_non_null(strstr(err.msg, "not,fine"));
	strlist_free(&in);
}

static void description_limits(void **state)
{
	char *ok = repeat("é", 10000), *bad = repeat("a", 10001);
	bb_err err;

	(void)state;
	OK(validate_description(ok, NULL));
	BAD(validate_description(bad, NULL));
	OK(validate_description("# Title\n\n\tcode\n", NULL));
	OK(validate_description("", NULL));
	BAD(validate_description("bell\x07", &err));
	assert_non_null(strstr(err.msg, "U+0007"));
	BAD(validate_description("csi\xC2\x9B", NULL));
	free(ok);
	free(bad);
}

static void checks_modes(void **state)
{
	(void)state;
	OK(validate_checks_mode("individual", NULL));
	OK(validate_checks_mode("aggregated", NULL));
	OK(validate_checks_mode("all", NULL));
	BAD(validate_checks_mode("Aggregated", NULL));
	BAD(validate_checks_mode("", NULL));
	BAD(validate_checks_mode(NULL, NULL));
}

static void space_names(void **state)
{
	char *ok64 = repeat("a", 64), *bad65 = repeat("a", 65);

	(void)state;
	OK(validate_space_name("dev", NULL));
	OK(validate_space_name("team-a-2", NULL));
	OK(validate_space_name(ok64, NULL));
	BAD(validate_space_name(bad65, NULL));
	BAD(validate_space_name("", NULL));
	BAD(validate_space_name("-dev", NULL));
	BAD(validate_space_name("Dev", NULL));
	BAD(validate_space_name("dev_1", NULL));
	BAD(validate_space_name("dév", NULL));
	free(ok64);
	free(bad65);
}

static void workspaces_and_repositories(void **state)
{
	char *ws62 = repeat("w", 62), *ws63 = repeat("w", 63), repo[128];

	(void)state;
	OK(validate_workspace("acme_Team.1-x", NULL));
	OK(validate_workspace(ws62, NULL));
	BAD(validate_workspace(ws63, NULL));
	BAD(validate_workspace("", NULL));
	BAD(validate_workspace("ac me", NULL));
	BAD(validate_workspace("acme/x", NULL));
	OK(validate_repository("acme/infra-live", NULL));
	OK(validate_repository("acme/My_Repo.v2", NULL));
	snprintf(repo, sizeof repo, "%s/r", ws63);
	BAD(validate_repository(repo, NULL));
	BAD(validate_repository("acme", NULL));
	BAD(validate_repository("acme/", NULL));
	BAD(validate_repository("/repo", NULL));
	BAD(validate_repository("acme/a/b", NULL));
	BAD(validate_repository("acme/re po", NULL));
	free(ws62);
	free(ws63);
}

static void webhook_base_urls(void **state)
{
	bb_err err;

	(void)state;
	OK(validate_webhook_base("https://webhooks.acme.example", NULL));
	OK(validate_webhook_base("https://hooks.acme.example:8443/spacelift", NULL));
	OK(validate_webhook_base("https://[::1]:8443", NULL));
	BAD(validate_webhook_base("http://webhooks.acme.example", &err));
	assert_non_null(strstr(err.msg, "https"));
	BAD(validate_webhook_base("ftp://x.example", NULL));
	BAD(validate_webhook_base("https://", NULL));
	BAD(validate_webhook_base("https://a b.example", NULL));
	BAD(validate_webhook_base("https://x.example/?a=1", NULL));
	BAD(validate_webhook_base("https://x.example/#top", NULL));
	BAD(validate_webhook_base("https://user:pw@x.example", &err));
	assert_null(strstr(err.msg, "pw"));
	BAD(validate_webhook_base("https://x.example:0", NULL));
	BAD(validate_webhook_base("https://x.example:70000", NULL));
	BAD(validate_webhook_base("https://x.example:", NULL));
	BAD(validate_webhook_base("", NULL));
}

static void logins(void **state)
{
	char *long65 = repeat("a", 65);

	(void)state;
	OK(validate_login("alice", NULL));
	OK(validate_login("j.doe-2", NULL));
	BAD(validate_login("", NULL));
	BAD(validate_login("al ice", NULL));
	BAD(validate_login("al\x1bice", NULL));
	BAD(validate_login(long65, NULL));
	free(long65);
}

static void sanitize_replaces_controls_and_bad_bytes(void **state)
{
	char *s;

	(void)state;
	s = validate_sanitize("a\x1b[2Jb\xC2\x9B\xFFz", 0);
	assert_string_equal(s, "a\xEF\xBF\xBD[2Jb\xEF\xBF\xBD\xEF\xBF\xBDz");
	free(s);
	s = validate_sanitize("l1\nl2\tx\r", 1);
	assert_string_equal(s, "l1\nl2\tx\xEF\xBF\xBD");
	free(s);
	s = validate_sanitize("l1\nl2\t", 0);
	assert_string_equal(s, "l1\xEF\xBF\xBDl2\xEF\xBF\xBD");
	free(s);
	s = validate_sanitize("日本 ok", 0);
	assert_string_equal(s, "日本 ok");
	free(s);
}

/* U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, U+2028 LINE
 * SEPARATOR, U+2066 LEFT-TO-RIGHT ISOLATE, U+FEFF ZERO WIDTH NO-BREAK SPACE */
#define RLO "\xE2\x80\xAE"
#define ZWSP "\xE2\x80\x8B"
#define LSEP "\xE2\x80\xA8"
#define LRI "\xE2\x81\xA6"
#define BOM "\xEF\xBB\xBF"

static void invisible_characters_are_refused(void **state)
{
	static const char *const tricks[] = {"prod" RLO "gnp.exe", "pro" ZWSP "d", "a" LSEP "b",
					     "x" LRI "y", BOM "prod"};
	bb_strlist labels = {0}, out = {0};
	bb_err err;

	(void)state;
	for (size_t i = 0; i < sizeof tricks / sizeof tricks[0]; i++) {
		assert_int_equal(validate_name(tricks[i], &err), BB_INVALID);
		assert_non_null(strstr(err.msg, "invisible or direction-changing"));
		assert_int_equal(validate_label(tricks[i], &err), BB_INVALID);
		assert_int_equal(validate_description(tricks[i], &err), BB_INVALID);
		assert_int_equal(validate_login(tricks[i], &err), BB_INVALID);
		assert_true(validate_has_control(tricks[i]));
	}
	assert_int_equal(validate_email("ops" RLO "@acme.example", &err), BB_INVALID);
	assert_int_equal(validate_name("prod" RLO "gnp", &err), BB_INVALID);
	assert_non_null(strstr(err.msg, "U+202E at character 5"));
	assert_int_equal(strlist_push(&labels, "team" ZWSP), 0);
	assert_int_equal(validate_labels(&labels, &out, &err), BB_INVALID);
	strlist_free(&labels);
	strlist_free(&out);
	/* what stays allowed: accents, CJK, emoji without joiners */
	assert_int_equal(validate_name("Équipe 日本", &err), BB_OK);
}

static void sanitize_shows_invisible_characters(void **state)
{
	char *s;

	(void)state;
	s = validate_sanitize("prod" RLO "gnp.exe", 0);
	assert_string_equal(s, "prod<U+202E>gnp.exe");
	free(s);
	s = validate_sanitize(LSEP ZWSP LRI BOM, 1);
	assert_string_equal(s, "<U+2028><U+200B><U+2066><U+FEFF>");
	free(s);
}

static void quote_cuts_long_values(void **state)
{
	char *long_value = repeat("é", 100), q[BB_QUOTE_SIZE];

	(void)state;
	validate_quote(long_value, q, sizeof q);
	assert_true(validate_utf8_length(q) == 41); /* 40 and an ellipsis */
	assert_non_null(strstr(q, "\xE2\x80\xA6"));
	validate_quote("short", q, sizeof q);
	assert_string_equal(q, "short");
	free(long_value);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trim_strips_spaces_and_tabs_only),
		cmocka_unit_test(utf8_length_counts_code_points_and_refuses_bad_bytes),
		cmocka_unit_test(control_covers_c0_del_and_c1),
		cmocka_unit_test(name_length_counts_characters_after_trim),
		cmocka_unit_test(name_refuses_empty_controls_and_bad_utf8),
		cmocka_unit_test(name_needs_a_letter_or_digit),
		cmocka_unit_test(name_of_only_non_latin_letters_asks_for_latin),
		cmocka_unit_test(slug_follows_the_spec),
		cmocka_unit_test(email_accepts_plain_addresses),
		cmocka_unit_test(email_refuses_malformed_addresses),
		cmocka_unit_test(email_is_at_most_254_characters),
		cmocka_unit_test(token_refuses_empty_and_whitespace),
		cmocka_unit_test(token_refuses_app_passwords_with_how_to),
		cmocka_unit_test(label_rules),
		cmocka_unit_test(labels_trim_dedupe_and_keep_order),
		cmocka_unit_test(labels_at_most_50_and_errors_name_the_label),
		cmocka_unit_test(description_limits),
		cmocka_unit_test(checks_modes),
		cmocka_unit_test(space_names),
		cmocka_unit_test(workspaces_and_repositories),
		cmocka_unit_test(webhook_base_urls),
		cmocka_unit_test(logins),
		cmocka_unit_test(sanitize_replaces_controls_and_bad_bytes),
		cmocka_unit_test(invisible_characters_are_refused),
		cmocka_unit_test(sanitize_shows_invisible_characters),
		cmocka_unit_test(quote_cuts_long_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
