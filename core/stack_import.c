/* stack_import.c - stacks and modules from JSON lines, all or nothing (stack.h). */
#include "stack_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "space.h"
#include "util.h"
#include "validate.h"

/* Reads a string field of a line; absent and null give NULL. */
static bb_code json_field(const cJSON *o, const char *key, const char **out, bb_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return BB_OK;
	if (!cJSON_IsString(v))
		return bb_fail(err, BB_INVALID, "the field \"%s\" must be a string.", key);
	*out = v->valuestring;
	return BB_OK;
}

/* The fields of a stack's JSON; created_at is accepted (and ignored) so
 * that `stack list --json` output can be imported again. */
static const char *const import_keys[] = {"kind", "name", "space", "integration",
					  "repository", "branch", "project_root",
					  "detached_from", "created_at"};

/* Anything else is refused: a typo would otherwise be dropped in silence. */
static bb_code known_keys(const cJSON *o, bb_err *err)
{
	const cJSON *it;
	char q[BB_QUOTE_SIZE];

	cJSON_ArrayForEach(it, o) {
		size_t i = 0;

		while (i < sizeof import_keys / sizeof import_keys[0] &&
		       strcmp(it->string, import_keys[i]) != 0)
			i++;
		if (i < sizeof import_keys / sizeof import_keys[0])
			continue;
		validate_quote(it->string, q, sizeof q);
		return bb_fail(err, BB_INVALID, "the field \"%s\" is not a stack field; use only "
			       "kind, name, space, integration, repository, branch and "
			       "project_root.", q);
	}
	return BB_OK;
}

static bb_code parse_line(const char *p, size_t len, cJSON **json, bb_stack *s, bb_err *err)
{
	const char **fields[] = {&s->kind, &s->name, &s->space, &s->integration,
				 &s->repository, &s->branch, &s->project_root,
				 &s->detached_from};
	bb_code rc;

	memset(s, 0, sizeof *s);
	*json = cJSON_ParseWithLength(p, len);
	if (!cJSON_IsObject(*json))
		return bb_fail(err, BB_INVALID, "this is not a JSON object; write one stack per "
			       "line as {\"name\": ..., \"space\": ..., ...}.");
	rc = known_keys(*json, err);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0] && rc == BB_OK; i++)
		rc = json_field(*json, import_keys[i], fields[i], err);
	return rc;
}

static int blank(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

/* Checks and inserts one line; the message gets "Line N: " in front. */
static bb_code import_line(stack_checker *ck, sqlite3_stmt *st, const char *p, size_t len,
			   long line, const char *now, bb_err *err)
{
	cJSON *json = NULL;
	bb_stack s;
	stack_row r = {0};
	bb_err e;
	bb_code rc = parse_line(p, len, &json, &s, &e);

	if (rc == BB_OK && (rc = stack_check(ck, &s, &r, &e)) == BB_OK)
		rc = stack_store_insert(ck->ctx->db, st, &r, now, &e);
	if (rc != BB_OK)
		bb_fail(err, rc, "Line %ld: %s", line, e.msg);
	free(r.name);
	cJSON_Delete(json);
	return rc;
}

/* Reads one line of at most BB_IMPORT_LINE_MAX bytes into buf (without its
 * newline). 1: a line, 0: the end, else an error in err. */
static int read_line(FILE *in, char *buf, size_t *n, long line, bb_err *err)
{
	if (!fgets(buf, BB_IMPORT_LINE_MAX + 2, in)) {
		if (ferror(in))
			bb_fail(err, BB_INVALID, "Line %ld cannot be read (%s); check the file.", line,
				strerror(errno));
		return ferror(in) ? -1 : 0;
	}
	*n = strlen(buf);
	if (*n > 0 && buf[*n - 1] == '\n')
		buf[--*n] = '\0';
	else if (*n > BB_IMPORT_LINE_MAX) {
		bb_fail(err, BB_INVALID, "Line %ld is longer than %d bytes, far more than a stack "
			"needs; check the file.", line, BB_IMPORT_LINE_MAX);
		return -1;
	}
	return 1;
}

typedef struct import_args {
	FILE *in;
	long count;
} import_args;

static bb_code import_locked(stack_checker *ck, void *arg, bb_err *err)
{
	FILE *in = ((import_args *)arg)->in;
	long *count = &((import_args *)arg)->count;
	char now[BB_TIME_LEN];
	char *buf = malloc(BB_IMPORT_LINE_MAX + 2);
	sqlite3_stmt *st = NULL;
	long line = 0;
	size_t n = 0;
	int got = 0;
	cJSON *d;
	bb_code rc = buf ? stack_store_insert_prepare(ck->ctx->db, &st, err) : bb_oom(err);

	util_now(now);
	while (rc == BB_OK && (got = read_line(in, buf, &n, ++line, err)) == 1)
		if (!blank(buf, n) && (rc = import_line(ck, st, buf, n, line, now, err)) == BB_OK)
			(*count)++;
	if (rc == BB_OK && got < 0)
		rc = err->code;
	sqlite3_finalize(st);
	free(buf);
	if (rc == BB_OK && *count > 0) {
		d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "count", (double)*count);
		rc = stack_audit(ck->ctx, "stack.import", "stacks", "import", d, err);
	}
	return rc;
}

bb_code stack_import_file(bb_ctx *ctx, FILE *in, long *imported, bb_err *err)
{
	import_args a = {in, 0};
	bb_err local;
	bb_code rc = stack_locked(ctx, import_locked, &a, err ? err : &local);

	if (imported)
		*imported = rc == BB_OK ? a.count : 0;
	return rc;
}

bb_code stack_import(bb_ctx *ctx, const char *text, size_t len, long *imported, bb_err *err)
{
	FILE *in = len ? fmemopen((void *)(uintptr_t)text, len, "r") : fopen("/dev/null", "r");
	bb_code rc;

	if (!in)
		return bb_oom(err);
	rc = stack_import_file(ctx, in, imported, err);
	fclose(in);
	return rc;
}
