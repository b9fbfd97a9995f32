/* stack.c - stacks and modules that track a repository through an integration.
 *
 * Creating one stack and importing 100,000 share one checker: it remembers
 * the answers that passed (admin of a space, an integration resolved, an
 * integration usable in a space) so a large import asks each question once.
 * Only successes are remembered: the first failure ends the call anyway. */
#include "stack.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "audit.h"
#include "space.h"
#include "util.h"
#include "validate.h"

/* ---- a small string -> int map (open addressing) ---------------------------- */

typedef struct memo_entry {
	char *key;
	int val;
} memo_entry;

typedef struct memo {
	memo_entry *v;
	size_t cap, n;
} memo;

static uint64_t memo_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static memo_entry *memo_slot(const memo *m, const char *key)
{
	size_t i = (size_t)memo_hash(key) & (m->cap - 1);

	while (m->v[i].key && strcmp(m->v[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

/* The value stored for key, or NULL. */
static const int *memo_get(const memo *m, const char *key)
{
	const memo_entry *e = m->cap ? memo_slot(m, key) : NULL;

	return e && e->key ? &e->val : NULL;
}

static int memo_grow(memo *m)
{
	memo old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->n = 0;
	if (!(m->v = calloc(m->cap, sizeof *m->v))) {
		*m = old;
		return -1;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.v[i].key) {
			*memo_slot(m, old.v[i].key) = old.v[i];
			m->n++;
		}
	free(old.v);
	return 0;
}

static int memo_put(memo *m, const char *key, int val)
{
	memo_entry *e;

	if ((m->n + 1) * 2 > m->cap && memo_grow(m) != 0)
		return -1;
	e = memo_slot(m, key);
	if (!e->key) {
		if (!(e->key = strdup(key)))
			return -1;
		m->n++;
	}
	e->val = val;
	return 0;
}

static void memo_free(memo *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].key);
	free(m->v);
	memset(m, 0, sizeof *m);
}

/* ---- the checker ------------------------------------------------------------ */

typedef struct ref {
	char *slug, *name, *space;
	int is_default;
} ref;

typedef struct checker {
	bb_ctx *ctx;
	memo admin;   /* spaces that exist and where ctx->user is admin */
	memo integ;   /* name or slug -> index in refs (visible integrations) */
	memo usable;  /* "slug\x1fspace" pairs known usable */
	ref *refs;
	size_t nrefs;
} checker;

static void checker_free(checker *ck)
{
	memo_free(&ck->admin);
	memo_free(&ck->integ);
	memo_free(&ck->usable);
	for (size_t i = 0; i < ck->nrefs; i++) {
		free(ck->refs[i].slug);
		free(ck->refs[i].name);
		free(ck->refs[i].space);
	}
	free(ck->refs);
}

/* The space exists and ctx->user is admin there. `kind` words the refusal. */
static bb_code check_admin(checker *ck, const char *space, const char *kind, bb_err *err)
{
	char doing[BB_MSG_MAX / 2];
	bb_code rc;

	if (memo_get(&ck->admin, space))
		return BB_OK;
	snprintf(doing, sizeof doing, "Creating or changing a %s in space %s", kind, space);
	if ((rc = space_need(ck->ctx, space, BB_ROLE_ADMIN, doing, err)) != BB_OK)
		return rc;
	return memo_put(&ck->admin, space, 1) == 0 ? BB_OK : bb_oom(err);
}

static bb_code ref_add(checker *ck, sqlite3_stmt *st, int *index, bb_err *err)
{
	ref *v = realloc(ck->refs, (ck->nrefs + 1) * sizeof *v);
	ref *r;

	if (!v)
		return bb_oom(err);
	ck->refs = v;
	r = &v[ck->nrefs];
	r->slug = strdup((const char *)sqlite3_column_text(st, 0));
	r->name = strdup((const char *)sqlite3_column_text(st, 1));
	r->space = strdup((const char *)sqlite3_column_text(st, 2));
	r->is_default = strcmp((const char *)sqlite3_column_text(st, 3), "default") == 0;
	*index = (int)ck->nrefs++;
	return r->slug && r->name && r->space ? BB_OK : bb_oom(err);
}

static bb_code not_visible(const char *key, bb_err *err)
{
	char q[BB_QUOTE_SIZE];

	validate_quote(key, q, sizeof q);
	return bb_fail(err, BB_NOTFOUND, "No integration named \"%s\" is visible to you; check the "
		       "name in the list of integrations.", q);
}

/* Finds the integration named key (name or slug) if ctx->user may list it. */
static bb_code resolve(checker *ck, const char *key, const ref **out, bb_err *err)
{
	static const char sql[] = "SELECT slug, name, space, type FROM integration "
				  "WHERE slug = ?1 OR name = ?1";
	const int *known = memo_get(&ck->integ, key);
	sqlite3_stmt *st;
	int index = -1, ok = 0, step;
	bb_code rc;

	if (known) {
		*out = &ck->refs[*known];
		return BB_OK;
	}
	if ((rc = db_prepare(ck->ctx->db, sql, &st, err)) != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		rc = ref_add(ck, st, &index, err);
	else if (step == SQLITE_DONE)
		rc = not_visible(key, err);
	else
		rc = db_fail(ck->ctx->db, "reading the integration", err);
	sqlite3_finalize(st);
	if (rc != BB_OK)
		return rc;
	ok = ck->refs[index].is_default;
	if (!ok && (rc = space_may(ck->ctx, ck->refs[index].space, BB_ROLE_READ, &ok, err)))
		return rc;
	if (!ok)
		return not_visible(key, err);
	if (memo_put(&ck->integ, key, index) != 0)
		return bb_oom(err);
	*out = &ck->refs[index];
	return BB_OK;
}

static bb_code check_usable(checker *ck, const ref *r, const char *space, bb_err *err)
{
	char key[2 * (BB_NAME_MAX * 4) + 8];
	int ok = 0;
	bb_code rc;

	snprintf(key, sizeof key, "%s\x1f%s", r->slug, space);
	if (memo_get(&ck->usable, key))
		return BB_OK;
	if ((rc = space_usable(ck->ctx, r->space, r->is_default, space, &ok, err)) != BB_OK)
		return rc;
	if (!ok)
		return bb_fail(err, BB_INVALID, "The integration \"%s\" lives in space %s, which "
			       "space %s does not inherit from; pick an integration usable in %s.",
			       r->name, r->space, space, space);
	return memo_put(&ck->usable, key, 1) == 0 ? BB_OK : bb_oom(err);
}

/* ---- field rules -------------------------------------------------------------- */

/* Like an integration name: 1-64 characters after trimming, no control
 * characters, at least one letter or digit (any non-ASCII counts). */
static bb_code check_name(const char *kind, const char *name, bb_err *err)
{
	long n = validate_utf8_length(name);
	int alnum = 0;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		alnum |= (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			 (*p >= 'A' && *p <= 'Z') || *p >= 0x80;
	if (n == 0)
		return bb_fail(err, BB_INVALID, "The %s name is empty; type a name of 1 to %d "
			       "characters.", kind, BB_NAME_MAX);
	if (n < 0 || n > BB_NAME_MAX || validate_has_control(name))
		return bb_fail(err, BB_INVALID, "The %s name must be 1 to %d characters of UTF-8 text "
			       "without control characters; shorten or retype it.", kind,
			       BB_NAME_MAX);
	if (!alnum)
		return bb_fail(err, BB_INVALID, "The %s name has no letter or digit; include at "
			       "least one.", kind);
	return BB_OK;
}

/* ---- creating ------------------------------------------------------------------ */

/* A stack ready to insert; the strings belong to the input or the checker. */
typedef struct row {
	const char *kind, *space, *integration, *repository, *branch, *project_root;
	const char *detached_from;
	char *name; /* trimmed, owned */
} row;

static bb_code check_integration(checker *ck, const bb_stack *in, row *r, bb_err *err)
{
	const ref *it;
	bb_code rc;

	r->integration = NULL;
	r->detached_from = NULL;
	if (!in->integration || !*in->integration) {
		/* a detached stack (as exported) keeps the name it was detached from */
		if (in->detached_from && *in->detached_from &&
		    check_name("integration", in->detached_from, err) == BB_OK) {
			r->detached_from = in->detached_from;
			return BB_OK;
		}
		return bb_fail(err, BB_INVALID, "The %s %s needs an integration; pick one usable in "
			       "space %s.", r->kind, r->name, r->space);
	}
	if ((rc = resolve(ck, in->integration, &it, err)) != BB_OK ||
	    (rc = check_usable(ck, it, r->space, err)) != BB_OK)
		return rc;
	r->integration = it->slug;
	return BB_OK;
}

static bb_code check_stack(checker *ck, const bb_stack *in, row *r, bb_err *err)
{
	bb_code rc;

	memset(r, 0, sizeof *r);
	r->kind = in->kind ? in->kind : "stack";
	if (strcmp(r->kind, "stack") != 0 && strcmp(r->kind, "module") != 0)
		return bb_fail(err, BB_INVALID, "The kind must be stack or module.");
	if (!(r->name = validate_trim(in->name ? in->name : "")))
		return bb_oom(err);
	if ((rc = check_name(r->kind, r->name, err)) != BB_OK)
		return rc;
	if (!in->space || !*in->space)
		return bb_fail(err, BB_INVALID, "The %s %s needs a space; choose the space it "
			       "belongs to.", r->kind, r->name);
	if ((rc = validate_space_name(in->space, err)) != BB_OK)
		return rc;
	r->space = in->space;
	r->repository = in->repository;
	r->branch = in->branch && *in->branch ? in->branch : "main";
	r->project_root = in->project_root ? in->project_root : "";
	if ((rc = check_admin(ck, r->space, r->kind, err)) != BB_OK ||
	    (rc = validate_repository(r->repository, err)) != BB_OK ||
	    (rc = validate_branch(r->branch, err)) != BB_OK ||
	    (rc = validate_project_root(r->project_root, err)) != BB_OK)
		return rc;
	return check_integration(ck, in, r, err);
}

static const char insert_sql[] =
	"INSERT INTO stack (kind, name, space, integration, repository, branch, project_root, "
	"detached_from, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/* Runs the prepared insert_sql for r and resets it for the next row. */
static bb_code insert_row(bb_ctx *ctx, sqlite3_stmt *st, const row *r, const char *now,
			  bb_err *err)
{
	const char *v[] = {r->kind, r->name, r->space, r->integration, r->repository,
			   r->branch, r->project_root, r->detached_from, now};
	bb_code rc = BB_OK;
	int step;

	for (int i = 0; i < 9; i++)
		sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step != SQLITE_DONE && sqlite3_extended_errcode(db_handle(ctx->db)) ==
				   SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = bb_fail(err, BB_INVALID, "A %s named \"%s\" exists already; choose another "
			     "name.", r->kind, r->name);
	else if (step != SQLITE_DONE)
		rc = db_fail(ctx->db, "saving the stack", err);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static bb_code audit_stack(bb_ctx *ctx, const char *action, const char *kind, const char *name,
			   cJSON *d, bb_err *err)
{
	char target[BB_NAME_MAX * 4 + 16];
	char *json = d ? cJSON_PrintUnformatted(d) : NULL;
	bb_code rc;

	cJSON_Delete(d);
	if (!json)
		return bb_oom(err);
	snprintf(target, sizeof target, "%s:%s", kind, name);
	rc = audit_record(ctx, action, target, json, err);
	free(json);
	return rc;
}

static cJSON *row_json(const row *r)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "space", r->space);
	if (r->integration)
		cJSON_AddStringToObject(d, "integration", r->integration);
	else
		cJSON_AddStringToObject(d, "detached_from", r->detached_from);
	cJSON_AddStringToObject(d, "repository", r->repository);
	cJSON_AddStringToObject(d, "branch", r->branch);
	cJSON_AddStringToObject(d, "project_root", r->project_root);
	return d;
}

static bb_code create_locked(checker *ck, const bb_stack *in, bb_err *err)
{
	char now[BB_TIME_LEN];
	sqlite3_stmt *st = NULL;
	row r;
	bb_code rc = check_stack(ck, in, &r, err);

	util_now(now);
	if (rc == BB_OK && (rc = db_prepare(ck->ctx->db, insert_sql, &st, err)) == BB_OK &&
	    (rc = insert_row(ck->ctx, st, &r, now, err)) == BB_OK)
		rc = audit_stack(ck->ctx, "stack.create", r.kind, r.name, row_json(&r), err);
	sqlite3_finalize(st);
	free(r.name);
	return rc;
}

bb_code stack_create(bb_ctx *ctx, const bb_stack *in, bb_err *err)
{
	checker ck = {.ctx = ctx};
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	if ((rc = space_require_user(ctx, err)) != BB_OK || (rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	rc = create_locked(&ck, in, err);
	rc = db_finish(ctx->db, rc, err);
	checker_free(&ck);
	return rc;
}

/* ---- listing -------------------------------------------------------------------- */

/* The listing query for f, with only the terms f needs: a term such as
 * "?2 = 0 OR ..." is otherwise evaluated on each of 100,000 rows. Parameters:
 * ?1 visible spaces (JSON array; no term when every space is visible), ?3
 * integration, ?4 detached_from, ?5 text as a LIKE pattern (ASCII
 * case-insensitive), ?6 space. The unary + keeps SQLite from using the space
 * index, so rows come in primary key order and a page needs no sort. */
#define LIST_SQL_MAX 1024

static void list_sql(const char *head, const bb_stack_filter *f, int all_spaces,
		     int text, const char *tail, char *sql)
{
	const char *terms[6];
	size_t n = 0, len;

	if (!all_spaces)
		terms[n++] = "+s.space IN (SELECT value FROM json_each(?1))";
	if (f->detached_only)
		terms[n++] = "s.integration IS NULL";
	if (f->integration)
		terms[n++] = "s.integration = (SELECT slug FROM integration WHERE slug = ?3 "
			     "OR name = ?3)";
	if (f->detached_from)
		terms[n++] = "s.detached_from = ?4";
	if (text)
		terms[n++] = "(s.name LIKE ?5 ESCAPE '\\' OR s.space LIKE ?5 ESCAPE '\\' "
			     "OR s.repository LIKE ?5 ESCAPE '\\' "
			     "OR COALESCE(s.integration, s.detached_from) LIKE ?5 ESCAPE '\\')";
	if (f->space)
		terms[n++] = "s.space = ?6";
	len = (size_t)snprintf(sql, LIST_SQL_MAX, "%s", head);
	for (size_t i = 0; i < n && len < LIST_SQL_MAX; i++)
		len += (size_t)snprintf(sql + len, LIST_SQL_MAX - len, "%s%s",
					i ? " AND " : " WHERE ", terms[i]);
	if (len < LIST_SQL_MAX)
		snprintf(sql + len, LIST_SQL_MAX - len, "%s", tail);
}

/* The spaces where ctx->user may read, computed once per call, as JSON; NULL
 * when that is every space (then no stack needs the check: stack.space is a
 * foreign key). */
static bb_code visible_spaces(bb_ctx *ctx, char **out, bb_err *err)
{
	bb_space *v = NULL;
	size_t n = 0;
	sqlite3_stmt *st;
	long total = -1;
	bb_code rc = space_list_where(ctx, BB_ROLE_READ, &v, &n, err);
	cJSON *a;

	*out = NULL;
	if (rc == BB_OK && (rc = db_prepare(ctx->db, "SELECT COUNT(*) FROM space", &st,
					    err)) == BB_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			total = (long)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (rc != BB_OK || (long)n == total) {
		space_list_free(v, n);
		return rc;
	}
	a = cJSON_CreateArray();
	for (size_t i = 0; a && i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i].name));
	*out = a ? cJSON_PrintUnformatted(a) : NULL;
	cJSON_Delete(a);
	space_list_free(v, n);
	return *out ? BB_OK : bb_oom(err);
}

/* "%text%" with LIKE's own characters escaped, so text matches literally. */
static char *like_pattern(const char *text)
{
	char *out = malloc(2 * strlen(text) + 3), *p = out;

	if (!out)
		return NULL;
	*p++ = '%';
	for (; *text; text++) {
		if (*text == '%' || *text == '_' || *text == '\\')
			*p++ = '\\';
		*p++ = *text;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

/* Prepares head + the terms of f + tail and binds f; *spaces and *text are
 * what the statement points at (free after finalize). */
static bb_code prepare_filtered(bb_ctx *ctx, const char *head, const char *tail,
				const bb_stack_filter *f, sqlite3_stmt **st, char **spaces,
				char **text, bb_err *err)
{
	static const bb_stack_filter none = {0};
	char sql[LIST_SQL_MAX];
	bb_code rc;

	*st = NULL;
	*text = NULL;
	*spaces = NULL;
	if (!f)
		f = &none;
	if ((rc = space_require_user(ctx, err)) != BB_OK ||
	    (rc = visible_spaces(ctx, spaces, err)) != BB_OK)
		return rc;
	if (f->text && *f->text && !(*text = like_pattern(f->text)))
		return bb_oom(err);
	list_sql(head, f, *spaces == NULL, *text != NULL, tail, sql);
	if ((rc = db_prepare(ctx->db, sql, st, err)) != BB_OK)
		return rc;
	/* parameters the query does not use are out of range: harmless */
	sqlite3_bind_text(*st, 1, *spaces, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 3, f->integration, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 4, f->detached_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 5, *text, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 6, f->space, -1, SQLITE_STATIC);
	return BB_OK;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

bb_code stack_each(bb_ctx *ctx, const bb_stack_filter *f, bb_stack_fn fn, void *arg,
		   bb_err *err)
{
	char *spaces = NULL, *text = NULL;
	sqlite3_stmt *st = NULL;
	bb_err local;
	bb_code rc;
	int step = SQLITE_DONE;

	static const char *const by[BB_STACK_ORDERS] = {"s.kind", "s.name", "s.space",
		"COALESCE(s.integration, '')", "s.repository", "s.branch"};
	int order = f && f->order > 0 && f->order < BB_STACK_ORDERS ? f->order : 0;
	char tail[160];

	if (!err)
		err = &local;
	snprintf(tail, sizeof tail, " ORDER BY %s%s, s.kind, s.name LIMIT ?7 OFFSET ?8", by[order],
		 f && f->desc ? " DESC" : "");
	rc = prepare_filtered(ctx, "SELECT s.kind, s.name, s.space, s.integration, "
			      "s.repository, s.branch, s.project_root, s.detached_from, "
			      "s.created_at FROM stack s", tail, f, &st, &spaces, &text, err);
	if (rc == BB_OK) {
		sqlite3_bind_int64(st, 7, f && f->limit > 0 ? f->limit : -1);
		sqlite3_bind_int64(st, 8, f && f->offset > 0 ? f->offset : 0);
	}
	while (rc == BB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		bb_stack s = {col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4),
			      col(st, 5), col(st, 6), col(st, 7), col(st, 8)};
		if (fn(&s, arg))
			break;
	}
	if (rc == BB_OK && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(ctx->db, "listing stacks", err);
	sqlite3_finalize(st);
	free(spaces);
	free(text);
	return rc;
}

bb_code stack_count(bb_ctx *ctx, const bb_stack_filter *f, long *n, bb_err *err)
{
	char *spaces = NULL, *text = NULL;
	sqlite3_stmt *st = NULL;
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	*n = 0;
	rc = prepare_filtered(ctx, "SELECT COUNT(*) FROM stack s", "", f, &st, &spaces, &text,
			      err);
	if (rc == BB_OK && sqlite3_step(st) == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(st, 0);
	else if (rc == BB_OK)
		rc = db_fail(ctx->db, "counting stacks", err);
	sqlite3_finalize(st);
	free(spaces);
	free(text);
	return rc;
}

/* ---- the search index ------------------------------------------------------------ */

/* Per stack, in (kind, name) order: its name as stored, then (only when that
 * differs) the name lower-cased, then space, repository and integration (or
 * detached_from) lower-cased, each ending in '\0'. A needle without '\0' can
 * match only inside one field, and a match in the stored name is also one in
 * its lower-cased form, so a hit anywhere in a stack's bytes means that
 * LIKE '%text%' (ASCII case-insensitive) holds for one of its fields. */
enum { IX_MODULE = 1, IX_DETACHED = 2 };

struct bb_stack_index {
	char *text;
	size_t len, cap;
	uint32_t *start;       /* where each stack's bytes begin */
	unsigned char *flags;  /* IX_MODULE, IX_DETACHED */
	size_t n, rows_cap;
	uint32_t *sel;         /* the selected stacks */
	size_t nsel;
	int failed;            /* out of memory while building */
};

static int ix_grow(bb_stack_index *ix, size_t more)
{
	size_t cap = ix->cap ? ix->cap : 1 << 20;
	char *p;

	while (cap < ix->len + more)
		cap *= 2;
	if (cap == ix->cap)
		return 0;
	if (cap > UINT32_MAX || !(p = realloc(ix->text, cap)))
		return -1;
	ix->text = p;
	ix->cap = cap;
	return 0;
}

static int ix_grow_rows(bb_stack_index *ix)
{
	size_t cap = ix->rows_cap ? ix->rows_cap * 2 : 4096;
	uint32_t *start = realloc(ix->start, cap * sizeof *start);
	unsigned char *flags;

	if (!start)
		return -1;
	ix->start = start;
	if (!(flags = realloc(ix->flags, cap)))
		return -1;
	ix->flags = flags;
	ix->rows_cap = cap;
	return 0;
}

/* Appends s (lower-cased when lower) and its '\0'; room is reserved. */
static void ix_put(bb_stack_index *ix, const char *s, int lower)
{
	for (; *s; s++)
		ix->text[ix->len++] = lower && *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;
	ix->text[ix->len++] = '\0';
}

static int has_upper(const char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			return 1;
	return 0;
}

static int ix_add(const bb_stack *s, void *arg)
{
	bb_stack_index *ix = arg;
	const char *integ = s->integration ? s->integration : s->detached_from ? s->detached_from :
			    "";
	size_t name = strlen(s->name), more = 2 * name + strlen(s->space) +
		      strlen(s->repository) + strlen(integ) + 5;

	if ((ix->n == ix->rows_cap && ix_grow_rows(ix) != 0) || ix_grow(ix, more) != 0) {
		ix->failed = 1;
		return 1;
	}
	ix->start[ix->n] = (uint32_t)ix->len;
	ix->flags[ix->n++] = (strcmp(s->kind, "module") == 0 ? IX_MODULE : 0) |
			     (s->integration ? 0 : IX_DETACHED);
	ix_put(ix, s->name, 0);
	if (has_upper(s->name))
		ix_put(ix, s->name, 1);
	ix_put(ix, s->space, 1);
	ix_put(ix, s->repository, 1);
	ix_put(ix, integ, 1);
	return 0;
}

void stack_index_free(bb_stack_index *ix)
{
	if (!ix)
		return;
	free(ix->text);
	free(ix->start);
	free(ix->flags);
	free(ix->sel);
	free(ix);
}

bb_code stack_index_build(bb_ctx *ctx, const bb_stack_filter *f, bb_stack_index **out,
			  bb_err *err)
{
	bb_stack_filter all = {0};
	bb_stack_index *ix = calloc(1, sizeof *ix);
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	*out = NULL;
	if (!ix)
		return bb_oom(err);
	if (f) {
		all.integration = f->integration;
		all.detached_from = f->detached_from;
		all.space = f->space;
		all.order = f->order; /* the selection keeps the build's order */
		all.desc = f->desc;
	}
	rc = stack_each(ctx, &all, ix_add, ix, err);
	if (rc == BB_OK && (ix->failed || !(ix->sel = malloc((ix->n + 1) * sizeof *ix->sel))))
		rc = bb_oom(err);
	if (rc != BB_OK) {
		stack_index_free(ix);
		return rc;
	}
	*out = ix;
	return BB_OK;
}

/* The end of stack r's bytes. */
static size_t ix_end(const bb_stack_index *ix, size_t r)
{
	return r + 1 < ix->n ? ix->start[r + 1] : ix->len;
}

long stack_index_select(bb_stack_index *ix, const char *text, int detached_only)
{
	size_t nlen = text ? strlen(text) : 0, pos = 0, r = 0;
	char *needle;

	ix->nsel = 0;
	if (nlen == 0 || !(needle = strdup(text))) {
		for (size_t i = 0; i < ix->n; i++)
			if (!detached_only || (ix->flags[i] & IX_DETACHED))
				ix->sel[ix->nsel++] = (uint32_t)i;
		return (long)ix->nsel;
	}
	for (char *p = needle; *p; p++)
		*p = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
	/* one search over all the bytes; after a hit, go on at the next stack */
	while (pos < ix->len) {
		const char *hit = memmem(ix->text + pos, ix->len - pos, needle, nlen);

		if (!hit)
			break;
		while (ix_end(ix, r) <= (size_t)(hit - ix->text))
			r++;
		if (!detached_only || (ix->flags[r] & IX_DETACHED))
			ix->sel[ix->nsel++] = (uint32_t)r;
		pos = ix_end(ix, r);
	}
	free(needle);
	return (long)ix->nsel;
}

bb_code stack_index_each(bb_ctx *ctx, const bb_stack_index *ix, long offset, long limit,
			 bb_stack_fn fn, void *arg, bb_err *err)
{
	sqlite3_stmt *st;
	size_t from = offset > 0 ? (size_t)offset : 0, to = ix->nsel;
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	if (limit > 0 && from + (size_t)limit < to)
		to = from + (size_t)limit;
	if ((rc = db_prepare(ctx->db, "SELECT kind, name, space, integration, repository, "
			     "branch, project_root, detached_from, created_at FROM stack "
			     "WHERE kind = ?1 AND name = ?2", &st, err)) != BB_OK)
		return rc;
	for (size_t i = from; i < to && rc == BB_OK; i++) {
		size_t r = ix->sel[i];
		int step;

		sqlite3_bind_text(st, 1, ix->flags[r] & IX_MODULE ? "module" : "stack", -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ix->text + ix->start[r], -1, SQLITE_STATIC);
		if ((step = sqlite3_step(st)) == SQLITE_ROW) {
			bb_stack s = {col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4),
				      col(st, 5), col(st, 6), col(st, 7), col(st, 8)};
			if (fn(&s, arg))
				break;
		} else if (step != SQLITE_DONE) {
			rc = db_fail(ctx->db, "listing stacks", err);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- changing the integration ---------------------------------------------------- */

typedef struct found {
	char *kind, *space, *integration, *detached_from;
} found;

static void found_free(found *s)
{
	free(s->kind);
	free(s->space);
	free(s->integration);
	free(s->detached_from);
}

/* The stack (kind NULL: the stack, else the module) named name, if visible. */
static bb_code find_stack(bb_ctx *ctx, const char *kind, const char *name, found *out,
			  bb_err *err)
{
	static const char sql[] = "SELECT kind, space, integration, detached_from FROM stack "
				  "WHERE name = ?1 AND (?2 IS NULL OR kind = ?2) "
				  "ORDER BY kind = 'stack' DESC LIMIT 1";
	sqlite3_stmt *st;
	int step, ok = 0;
	bb_code rc = db_prepare(ctx->db, sql, &st, err);

	memset(out, 0, sizeof *out);
	if (rc != BB_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		out->kind = strdup(col(st, 0));
		out->space = strdup(col(st, 1));
		out->integration = util_strdup(col(st, 2));
		out->detached_from = util_strdup(col(st, 3));
		rc = out->kind && out->space ? BB_OK : bb_oom(err);
	} else if (step != SQLITE_DONE) {
		rc = db_fail(ctx->db, "reading the stack", err);
	}
	sqlite3_finalize(st);
	if (rc == BB_OK && step == SQLITE_ROW)
		rc = space_may(ctx, out->space, BB_ROLE_READ, &ok, err);
	if (rc == BB_OK && !ok) {
		char q[BB_QUOTE_SIZE];

		validate_quote(name, q, sizeof q);
		rc = bb_fail(err, BB_NOTFOUND, "No %s named \"%s\" is visible to you; check the name "
			     "in the list of stacks and modules.",
			     kind && !strcmp(kind, "module") ? "module" : kind ? "stack" :
			     "stack or module", q);
	}
	if (rc != BB_OK)
		found_free(out);
	return rc;
}

static bb_code set_locked(checker *ck, const char *kind, const char *name, const char *key,
			  bb_err *err)
{
	static const char sql[] = "UPDATE stack SET integration = ?1, detached_from = NULL "
				  "WHERE kind = ?2 AND name = ?3";
	sqlite3_stmt *st = NULL;
	const ref *it = NULL;
	found s;
	cJSON *d;
	bb_code rc = find_stack(ck->ctx, kind, name, &s, err);

	if (rc != BB_OK)
		return rc;
	if ((rc = check_admin(ck, s.space, s.kind, err)) == BB_OK &&
	    (rc = resolve(ck, key, &it, err)) == BB_OK &&
	    (rc = check_usable(ck, it, s.space, err)) == BB_OK &&
	    (rc = db_prepare(ck->ctx->db, sql, &st, err)) == BB_OK) {
		sqlite3_bind_text(st, 1, it->slug, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s.kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(ck->ctx->db, "saving the stack", err);
	}
	sqlite3_finalize(st);
	if (rc == BB_OK) {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "integration", it->slug);
		if (s.integration)
			cJSON_AddStringToObject(d, "previous", s.integration);
		if (s.detached_from)
			cJSON_AddStringToObject(d, "detached_from", s.detached_from);
		rc = audit_stack(ck->ctx, "stack.set_integration", s.kind, name, d, err);
	}
	found_free(&s);
	return rc;
}

bb_code stack_set_integration(bb_ctx *ctx, const char *kind, const char *name,
			      const char *integration, bb_err *err)
{
	checker ck = {.ctx = ctx};
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	if ((rc = space_require_user(ctx, err)) != BB_OK || (rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	rc = set_locked(&ck, kind, name, integration ? integration : "", err);
	rc = db_finish(ctx->db, rc, err);
	checker_free(&ck);
	return rc;
}

/* The spaces holding stacks detached from name where ctx->user may attach them
 * to it: admin there, and the integration usable there. A JSON array. */
static bb_code reattach_spaces(checker *ck, const char *name, const ref *it, char **out,
			       bb_err *err)
{
	sqlite3_stmt *st;
	cJSON *a = cJSON_CreateArray();
	bb_err ignored;
	int step;
	bb_code rc = db_prepare(ck->ctx->db, "SELECT DISTINCT space FROM stack "
				"WHERE detached_from = ?1", &st, err);

	*out = NULL;
	if (rc == BB_OK)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while (rc == BB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *space = col(st, 0);
		bb_code why = check_admin(ck, space, "stack", &ignored);

		if (why == BB_OK)
			why = check_usable(ck, it, space, &ignored);
		if (why == BB_OK)
			cJSON_AddItemToArray(a, cJSON_CreateString(space));
		else if (why != BB_DENIED && why != BB_INVALID)
			rc = bb_fail(err, why, "%s", ignored.msg); /* not a refusal: a failure */
	}
	if (rc == BB_OK && step != SQLITE_DONE)
		rc = db_fail(ck->ctx->db, "reading detached stacks", err);
	sqlite3_finalize(st);
	if (rc == BB_OK && !(*out = cJSON_PrintUnformatted(a)))
		rc = bb_oom(err);
	cJSON_Delete(a);
	return rc;
}

static bb_code reattach_locked(checker *ck, const char *name, const char *key, long *n,
			       bb_err *err)
{
	static const char sql[] = "UPDATE stack SET integration = ?1, detached_from = NULL "
				  "WHERE detached_from = ?2 AND space IN "
				  "(SELECT value FROM json_each(?3))";
	const ref *it = NULL;
	char *spaces = NULL;
	sqlite3_stmt *st = NULL;
	cJSON *d;
	bb_code rc;

	if ((rc = resolve(ck, key, &it, err)) == BB_OK &&
	    (rc = reattach_spaces(ck, name, it, &spaces, err)) == BB_OK &&
	    (rc = db_prepare(ck->ctx->db, sql, &st, err)) == BB_OK) {
		sqlite3_bind_text(st, 1, it->slug, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, spaces, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(ck->ctx->db, "re-attaching stacks", err);
		else
			*n = sqlite3_changes(db_handle(ck->ctx->db));
	}
	sqlite3_finalize(st);
	free(spaces);
	if (rc == BB_OK && *n > 0) {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "detached_from", name);
		cJSON_AddNumberToObject(d, "count", (double)*n);
		rc = audit_stack(ck->ctx, "stack.reattach", "integration", it->slug, d, err);
	}
	return rc;
}

bb_code stack_reattach(bb_ctx *ctx, const char *detached_from, const char *integration,
		       long *n, bb_err *err)
{
	checker ck = {.ctx = ctx};
	long count = 0;
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	if (n)
		*n = 0;
	if ((rc = space_require_user(ctx, err)) != BB_OK || (rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	rc = reattach_locked(&ck, detached_from ? detached_from : "",
			     integration ? integration : "", &count, err);
	if ((rc = db_finish(ctx->db, rc, err)) == BB_OK && n)
		*n = count;
	checker_free(&ck);
	return rc;
}

/* ---- import ---------------------------------------------------------------------- */

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
static bb_code import_line(checker *ck, sqlite3_stmt *st, const char *p, size_t len,
			   long line, const char *now, bb_err *err)
{
	cJSON *json = NULL;
	bb_stack s;
	row r = {0};
	bb_err e;
	bb_code rc = parse_line(p, len, &json, &s, &e);

	if (rc == BB_OK && (rc = check_stack(ck, &s, &r, &e)) == BB_OK)
		rc = insert_row(ck->ctx, st, &r, now, &e);
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

static bb_code import_locked(checker *ck, FILE *in, long *count, bb_err *err)
{
	char now[BB_TIME_LEN];
	char *buf = malloc(BB_IMPORT_LINE_MAX + 2);
	sqlite3_stmt *st = NULL;
	long line = 0;
	size_t n = 0;
	int got = 0;
	cJSON *d;
	bb_code rc = buf ? db_prepare(ck->ctx->db, insert_sql, &st, err)
			 : bb_fail(err, BB_INVALID, "Out of memory.");

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
		rc = audit_stack(ck->ctx, "stack.import", "stacks", "import", d, err);
	}
	return rc;
}

bb_code stack_import_file(bb_ctx *ctx, FILE *in, long *imported, bb_err *err)
{
	checker ck = {.ctx = ctx};
	long count = 0;
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	if (imported)
		*imported = 0;
	if ((rc = space_require_user(ctx, err)) != BB_OK || (rc = db_begin(ctx->db, err)) != BB_OK)
		return rc;
	rc = import_locked(&ck, in, &count, err);
	if ((rc = db_finish(ctx->db, rc, err)) == BB_OK && imported)
		*imported = count;
	checker_free(&ck);
	return rc;
}

bb_code stack_import(bb_ctx *ctx, const char *text, size_t len, long *imported, bb_err *err)
{
	FILE *in = len ? fmemopen((void *)(uintptr_t)text, len, "r") : fopen("/dev/null", "r");
	bb_code rc;

	if (!in)
		return bb_fail(err, BB_INVALID, "Out of memory.");
	rc = stack_import_file(ctx, in, imported, err);
	fclose(in);
	return rc;
}
