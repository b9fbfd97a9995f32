/* Unit tests for core/hooks and the hooks bodies: the recorded Bitbucket
 * answers (a list page, one hook, the empty DELETE answer) parsed, every
 * state hooks_judge can give, and the body a repair sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "bitbucket.h"
#include "hooks.h"
#include "secret.h"

#define REC_LIST "2.0-repositories-amuniz-test-repos-hooks_pagelen_100.json"
#define REC_ONE "2.0-repositories-amuniz-test-repos-hooks.json"
#define REC_DELETE "2.0-repositories-amuniz-test-repos-hooks-_7B202cf34e-7ccf-44b7-ba6b-" \
		   "8827a14d5324_7D.json"
#define REC_URL "https://jenkins.io/jenkins/bitbucket-scmsource-hook/notify"
#define REC_UUID "{202cf34e-7ccf-44b7-ba6b-8827a14d5324}"

/* A recorded body from tests/data/hooks. */
static char *body(const char *name, size_t *len)
{
	const char *src = getenv("BBCONSOLE_SRC");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/tests/data/hooks/%s", src ? src : ".", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void parse(const char *name, bb_hook_list *out, char **next)
{
	size_t len;
	char *b = body(name, &len);
	bb_err err;

	memset(out, 0, sizeof *out);
	if (bitbucket_parse_hooks(b, len, out, next, &err) != BB_OK)
		fail_msg("%s: %s", name, err.msg);
	free(b);
}

static void recorded_list_page_parses(void **state)
{
	bb_hook_list l;
	char *next = (char *)"unset";

	(void)state;
	parse(REC_LIST, &l, &next);
	assert_null(next);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].uuid, REC_UUID);
	assert_string_equal(l.v[0].url, REC_URL);
	assert_string_equal(l.v[0].description, "Jenkins hook");
	assert_true(l.v[0].active);
	assert_false(l.v[0].secret_set); /* absent in this recording */
	assert_int_equal(l.v[0].events.n, 1);
	assert_string_equal(l.v[0].events.v[0], "repo:push");
	bitbucket_hooks_free(&l);
}

static void recorded_single_hook_parses(void **state)
{
	bb_hook_list l;

	(void)state;
	parse(REC_ONE, &l, NULL);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].uuid, REC_UUID);
	assert_true(l.v[0].secret_set);
	assert_int_equal(l.v[0].events.n, 5);
	assert_string_equal(l.v[0].events.v[3], "pullrequest:rejected");
	bitbucket_hooks_free(&l);
}

static void recorded_delete_answer_is_not_a_hook(void **state)
{
	size_t len;
	char *b = body(REC_DELETE, &len);
	bb_hook_list l = {0};
	bb_err err;

	(void)state;
	assert_int_equal(bitbucket_parse_hooks(b, len, &l, NULL, &err), BB_REMOTE);
	assert_int_equal(l.n, 0);
	assert_non_null(strstr(err.msg, "webhooks"));
	assert_int_equal(bitbucket_parse_hooks("{\"values\": [{\"uuid\": 1}, {\"url\": \"x\"}]}", 41,
					       &l, NULL, &err), BB_OK);
	assert_int_equal(l.n, 0); /* entries without uuid or url are skipped */
	free(b);
}

static void judge_on_recorded_bodies(void **state)
{
	bb_hook_list one, page;
	bb_strlist miss = {0};
	long which;

	(void)state;
	parse(REC_ONE, &one, NULL);
	parse(REC_LIST, &page, NULL);
	assert_int_equal(hooks_judge(&one, "https://other.example/x", NULL, -1, 1, &which, &miss),
			 HOOKS_MISSING);
	assert_int_equal(which, -1);
	assert_int_equal(hooks_judge(&one, REC_URL "/", NULL, -1, 1, &which, &miss),
			 HOOKS_EVENTS_MISSING);
	assert_int_equal(which, 0);
	assert_int_equal(miss.n, 3);
	assert_string_equal(miss.v[0], "pullrequest:approved");
	assert_string_equal(miss.v[1], "pullrequest:unapproved");
	assert_string_equal(miss.v[2], "pullrequest:comment_created");
	strlist_free(&miss);
	assert_int_equal(hooks_judge(&page, REC_URL, NULL, -1, 1, &which, &miss),
			 HOOKS_EVENTS_MISSING);
	assert_int_equal(miss.n, 6);
	strlist_free(&miss);
	bitbucket_hooks_free(&one);
	bitbucket_hooks_free(&page);
}

/* One hook at url with all seven events. */
static void full_hook(bb_hook_list *l, int active, int secret_set)
{
	static bb_hook h;

	memset(&h, 0, sizeof h);
	h.uuid = (char *)"{u1}";
	h.url = (char *)"https://hooks.example/e";
	h.active = active;
	h.secret_set = secret_set;
	for (size_t i = 0; hooks_events[i]; i++)
		strlist_push(&h.events, hooks_events[i]);
	l->v = &h;
	l->n = 1;
}

static void judge_gives_every_state(void **state)
{
	bb_hook_list l;
	bb_strlist miss = {0};
	long which;

	(void)state;
	full_hook(&l, 1, 1);
	assert_int_equal(hooks_judge(&l, "https://hooks.example/e", "{u1}", 3, 3, &which, &miss),
			 HOOKS_OK);
	assert_int_equal(miss.n, 0);
	assert_int_equal(hooks_judge(&l, "https://hooks.example/e", "{u1}", 2, 3, &which, &miss),
			 HOOKS_SECRET_STALE); /* written before the last rotation */
	assert_int_equal(hooks_judge(&l, "https://hooks.example/e", "{u9}", 3, 3, &which, &miss),
			 HOOKS_SECRET_STALE); /* someone else's */
	assert_int_equal(hooks_judge(&l, "https://hooks.example/e", NULL, -1, 3, &which, &miss),
			 HOOKS_SECRET_STALE);
	strlist_free(&l.v[0].events);
	full_hook(&l, 1, 0);
	assert_int_equal(hooks_judge(&l, "https://hooks.example/e", "{u1}", 3, 3, &which, &miss),
			 HOOKS_NO_SECRET);
	strlist_free(&l.v[0].events);
	full_hook(&l, 0, 1);
	assert_int_equal(hooks_judge(&l, "https://hooks.example/e", "{u1}", 3, 3, &which, &miss),
			 HOOKS_INACTIVE);
	strlist_free(&l.v[0].events);
	assert_true(hooks_state_working(HOOKS_OK) && hooks_state_working(HOOKS_COVERED));
	assert_false(hooks_state_working(HOOKS_SECRET_STALE));
	for (int s = HOOKS_UNCHECKED; s <= HOOKS_ERROR; s++)
		assert_int_equal(hooks_state_of(hooks_state_name((hooks_state)s)), s);
	assert_string_equal(hooks_state_name(HOOKS_EVENTS_MISSING), "events-missing");
	assert_string_equal(hooks_state_name(HOOKS_SECRET_STALE), "secret-stale");
	assert_string_equal(hooks_state_name(HOOKS_NO_SECRET), "no-secret");
}

static void repair_body_keeps_what_the_hook_had(void **state)
{
	bb_hook_list one;
	cJSON *o, *ev;
	char *b;

	(void)state;
	parse(REC_ONE, &one, NULL);
	b = hooks_body("https://hooks.example/e", &one.v[0], "s3cr3t-value");
	o = cJSON_Parse(b);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "url")->valuestring, "https://hooks.example/e");
	assert_string_equal(cJSON_GetObjectItem(o, "description")->valuestring, "Jenkins hook");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "active")));
	assert_string_equal(cJSON_GetObjectItem(o, "secret")->valuestring, "s3cr3t-value");
	ev = cJSON_GetObjectItem(o, "events");
	assert_int_equal(cJSON_GetArraySize(ev), 8); /* the seven and pullrequest:rejected */
	assert_string_equal(cJSON_GetArrayItem(ev, 7)->valuestring, "pullrequest:rejected");
	cJSON_Delete(o);
	secret_free(b);
	b = hooks_body("https://hooks.example/e", NULL, "x");
	o = cJSON_Parse(b);
	assert_string_equal(cJSON_GetObjectItem(o, "description")->valuestring, "bbconsole");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "events")), 7);
	cJSON_Delete(o);
	secret_free(b);
	bitbucket_hooks_free(&one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recorded_list_page_parses),
		cmocka_unit_test(recorded_single_hook_parses),
		cmocka_unit_test(recorded_delete_answer_is_not_a_hook),
		cmocka_unit_test(judge_on_recorded_bodies),
		cmocka_unit_test(judge_gives_every_state),
		cmocka_unit_test(repair_body_keeps_what_the_hook_had),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
