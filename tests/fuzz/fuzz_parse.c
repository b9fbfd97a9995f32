/* fuzz_parse - libFuzzer target for every parser of Bitbucket responses.
 *
 * Input: byte 0 picks the parser, byte 1 the HTTP status (for errors), the
 * rest is the body. Each parser must return without crashing, leaking or
 * reading past the body (which is not NUL-terminated here on purpose), and
 * its sentences must stay free of control characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bitbucket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_sentence(const char *msg)
{
	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
}

static void fuzz_error(long status, const char *body, size_t len)
{
	static const char *const types[] = { "application/json", "text/plain", NULL };
	bb_api_error e;

	bitbucket_parse_error(status, types[status % 3], body, len, "workspace x", &e);
	check_sentence(e.msg);
	for (size_t i = 0; i < e.missing_scopes.n; i++)
		check_sentence(e.missing_scopes.v[i]);
	bitbucket_api_error_free(&e);
}

static void fuzz_repos(const char *body, size_t len)
{
	bb_repo_page pg;
	bb_err err;

	if (bitbucket_parse_repos(body, len, &pg, &err) != BB_OK) {
		check_sentence(err.msg);
		return;
	}
	for (size_t i = 0; i < pg.repos.n; i++) {
		check_sentence(pg.repos.v[i].full_name);
		check_sentence(pg.repos.v[i].name);
		if (!strchr(pg.repos.v[i].full_name, '/'))
			abort();
	}
	bitbucket_repos_sort_unique(&pg.repos);
	bitbucket_repo_page_free(&pg);
}

static void fuzz_workspaces(const char *body, size_t len)
{
	bb_strlist l = { 0 };
	char *next = NULL;
	bb_err err;

	if (bitbucket_parse_workspaces_admin(body, len, &l, NULL, &next, &err) != BB_OK)
		check_sentence(err.msg);
	for (size_t i = 0; i < l.n; i++)
		check_sentence(l.v[i]);
	free(next);
	strlist_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body;
	char *copy, *clean;
	size_t len;

	if (size < 2)
		return 0;
	len = size - 2;
	/* an exact-size copy, so ASan sees any read past the end */
	copy = malloc(len ? len : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 2, len);
	body = copy;
	switch (data[0] % 4) {
	case 0:
		fuzz_error(100 + data[1] * 2, body, len);
		break;
	case 1:
		fuzz_workspaces(body, len);
		break;
	case 2:
		fuzz_repos(body, len);
		break;
	default:
		clean = bitbucket_clean_text(body, len, data[1]);
		if (clean) {
			check_sentence(clean);
			if (strlen(clean) > data[1])
				abort();
		}
		free(clean);
		break;
	}
	free(copy);
	return 0;
}
