/* stack_store.c - the SQL of the table `stack` (stack_int.h, stack_store.h):
 * the only place that knows its columns and SQLite's dialect for them (LIKE
 * escapes, json_each, the planner hints of the listing); also the count and
 * removal of a stack's runs that deleting it needs. */
#include "stack_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The columns of a bb_stack, in its order (see stack_of). */
#define STACK_COLS                                                                      \
	"s.kind, s.name, s.space, s.integration, s.repository, s.branch, s.project_root, " \
	"s.detached_from, s.created_at"

enum stack_col {
	COL_KIND,
	COL_NAME,
	COL_SPACE,
	COL_INTEGRATION,
	COL_REPOSITORY,
	COL_BRANCH,
	COL_PROJECT_ROOT,
	COL_DETACHED_FROM,
	COL_CREATED_AT
};

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The current row of a STACK_COLS query; the pointers live until the next step. */
static bb_stack stack_of(sqlite3_stmt *st)
{
	return (bb_stack){col(st, COL_KIND), col(st, COL_NAME), col(st, COL_SPACE),
			  col(st, COL_INTEGRATION), col(st, COL_REPOSITORY), col(st, COL_BRANCH),
			  col(st, COL_PROJECT_ROOT), col(st, COL_DETACHED_FROM),
			  col(st, COL_CREATED_AT)};
}

/* ---- writing --------------------------------------------------------------------- */

bb_code stack_store_insert_prepare(bb_db *db, sqlite3_stmt **st, bb_err *err)
{
	return db_prepare(db, "INSERT INTO stack (kind, name, space, integration, repository, "
			  "branch, project_root, detached_from, created_at) "
			  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", st, err);
}

bb_code stack_store_insert(bb_db *db, sqlite3_stmt *st, const stack_row *r, const char *now,
			   bb_err *err)
{
	const char *v[] = {r->kind, r->name, r->space, r->integration, r->repository,
			   r->branch, r->project_root, r->detached_from, now};
	bb_code rc = BB_OK;
	int step;

	for (int i = 0; i < 9; i++)
		sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step != SQLITE_DONE && sqlite3_extended_errcode(db_handle(db)) ==
				   SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = bb_fail(err, BB_INVALID, "A %s named \"%s\" exists already; choose another "
			     "name.", r->kind, r->name);
	else if (step != SQLITE_DONE)
		rc = db_fail(db, "saving the stack", err);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

bb_code stack_store_set_integration(bb_db *db, const char *kind, const char *name,
				    const char *slug, bb_err *err)
{
	return db_exec_text(db, "UPDATE stack SET integration = ?1, detached_from = NULL "
			    "WHERE kind = ?2 AND name = ?3", (const char *[]){slug, kind, name}, 3,
			    NULL, "saving the stack", err);
}

bb_code stack_store_reattach(bb_db *db, const char *name, const char *slug,
			     const char *spaces, long *n, bb_err *err)
{
	return db_exec_text(db, "UPDATE stack SET integration = ?1, detached_from = NULL "
			    "WHERE detached_from = ?2 AND space IN (SELECT value FROM json_each(?3))",
			    (const char *[]){slug, name, spaces}, 3, n, "re-attaching stacks", err);
}

bb_code stack_store_update(bb_db *db, const char *kind, const char *name,
			   const char *repository, const char *branch, const char *project_root,
			   bb_err *err)
{
	return db_exec_text(db, "UPDATE stack SET repository = ?1, branch = ?2, "
			    "project_root = ?3 WHERE kind = ?4 AND name = ?5",
			    (const char *[]){repository, branch, project_root, kind, name}, 5, NULL,
			    "saving the stack", err);
}

bb_code stack_store_delete(bb_db *db, const char *kind, const char *name, bb_err *err)
{
	const char *p[] = {kind, name};
	bb_code rc = db_exec_text(db, "DELETE FROM run WHERE stack_kind = ?1 AND stack = ?2", p, 2,
				  NULL, "deleting the stack's runs", err);

	if (rc == BB_OK)
		rc = db_exec_text(db, "DELETE FROM stack WHERE kind = ?1 AND name = ?2", p, 2, NULL,
				  "deleting the stack", err);
	return rc;
}

/* ---- reading one ----------------------------------------------------------------- */

void stack_ref_free(stack_ref *r)
{
	free(r->slug);
	free(r->name);
	free(r->space);
	memset(r, 0, sizeof *r);
}

static bb_code ref_row(sqlite3_stmt *st, void *arg, bb_err *err)
{
	stack_ref *r = arg;

	r->slug = db_column_dup(st, 0);
	r->name = db_column_dup(st, 1);
	r->space = db_column_dup(st, 2);
	r->is_default = strcmp(col(st, 3), "default") == 0;
	return r->slug && r->name && r->space ? BB_OK : bb_oom(err);
}

bb_code stack_store_ref(bb_db *db, const char *key, stack_ref *out, int *found, bb_err *err)
{
	static const char sql[] = "SELECT slug, name, space, type FROM integration "
				  "WHERE slug = ?1 OR name = ?1";
	bb_code rc;

	memset(out, 0, sizeof *out);
	rc = db_query_one(db, sql, (const char *[]){key}, 1, ref_row, out, found,
			  "reading the integration", err);
	if (rc != BB_OK)
		stack_ref_free(out);
	return rc;
}

void stack_found_free(stack_found *s)
{
	free(s->kind);
	free(s->space);
	free(s->integration);
	free(s->repository);
	free(s->branch);
	free(s->project_root);
	free(s->detached_from);
	memset(s, 0, sizeof *s);
}

static bb_code found_row(sqlite3_stmt *st, void *arg, bb_err *err)
{
	bb_stack r = stack_of(st);
	stack_found *s = arg;

	s->kind = util_strdup(r.kind);
	s->space = util_strdup(r.space);
	s->integration = util_strdup(r.integration);
	s->repository = util_strdup(r.repository);
	s->branch = util_strdup(r.branch);
	s->project_root = util_strdup(r.project_root);
	s->detached_from = util_strdup(r.detached_from);
	return s->kind && s->space && s->repository && s->branch && s->project_root ?
	       BB_OK : bb_oom(err);
}

bb_code stack_store_find(bb_db *db, const char *kind, const char *name, stack_found *out,
			 int *found, bb_err *err)
{
	static const char sql[] = "SELECT " STACK_COLS " FROM stack s "
				  "WHERE s.name = ?1 AND (?2 IS NULL OR s.kind = ?2) "
				  "ORDER BY s.kind = 'stack' DESC LIMIT 1";
	bb_code rc;

	memset(out, 0, sizeof *out);
	rc = db_query_one(db, sql, (const char *[]){name, kind}, 2, found_row, out, found,
			  "reading the stack", err);
	if (rc != BB_OK)
		stack_found_free(out);
	return rc;
}

bb_code stack_store_runs(bb_db *db, const char *kind, const char *name, long *n, bb_err *err)
{
	return db_query_int(db, "SELECT COUNT(*) FROM run WHERE stack_kind = ?1 AND stack = ?2",
			    (const char *[]){kind, name}, 2, n, "reading the stack's runs", err);
}

bb_code stack_store_detached_spaces(bb_db *db, const char *name, bb_strlist *out,
				    bb_err *err)
{
	return db_query_rows(db, "SELECT DISTINCT space FROM stack WHERE detached_from = ?1",
			     (const char *[]){name}, 1, db_row_text, out, "reading detached stacks",
			     err);
}

/* ---- listing --------------------------------------------------------------------- */

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

/* Prepares head + the terms of f + tail and binds f; *text is what the
 * statement points at (free after finalize), as is spaces. */
static bb_code prepare_filtered(bb_db *db, const char *head, const char *tail,
				const bb_stack_filter *f, const char *spaces, sqlite3_stmt **st,
				char **text, bb_err *err)
{
	char sql[LIST_SQL_MAX];
	bb_code rc;

	*st = NULL;
	*text = NULL;
	if (f->text && *f->text && !(*text = like_pattern(f->text)))
		return bb_oom(err);
	list_sql(head, f, spaces == NULL, *text != NULL, tail, sql);
	if ((rc = db_prepare(db, sql, st, err)) != BB_OK)
		return rc;
	/* parameters the query does not use are out of range: harmless */
	sqlite3_bind_text(*st, 1, spaces, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 3, f->integration, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 4, f->detached_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 5, *text, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 6, f->space, -1, SQLITE_STATIC);
	return BB_OK;
}

bb_code stack_store_each(bb_db *db, const bb_stack_filter *f, const char *spaces,
			 bb_stack_fn fn, void *arg, bb_err *err)
{
	/* the sort columns of bb_stack_filter.order, from a fixed list (never text) */
	static const char *const by[BB_STACK_ORDERS] = {"s.kind", "s.name", "s.space",
		"COALESCE(s.integration, '')", "s.repository", "s.branch"};
	int order = f->order > 0 && f->order < BB_STACK_ORDERS ? f->order : 0;
	char *text = NULL, tail[160];
	sqlite3_stmt *st = NULL;
	int step = SQLITE_DONE;
	bb_code rc;

	/* the sort column first, then kind and name, never a column twice: a
	 * repeated term makes SQLite sort in a temporary tree instead of
	 * walking the (kind, name) key */
	snprintf(tail, sizeof tail, " ORDER BY %s%s%s LIMIT ?7 OFFSET ?8", by[order],
		 f->desc ? " DESC" : "",
		 order == 0 ? ", s.name" : order == 1 ? ", s.kind" : ", s.kind, s.name");
	rc = prepare_filtered(db, "SELECT " STACK_COLS " FROM stack s", tail, f, spaces, &st, &text,
			      err);
	if (rc == BB_OK) {
		sqlite3_bind_int64(st, 7, f->limit > 0 ? f->limit : -1);
		sqlite3_bind_int64(st, 8, f->offset > 0 ? f->offset : 0);
	}
	while (rc == BB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		bb_stack s = stack_of(st);

		if (fn(&s, arg))
			break;
	}
	if (rc == BB_OK && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(db, "listing stacks", err);
	sqlite3_finalize(st);
	free(text);
	return rc;
}

bb_code stack_store_count(bb_db *db, const bb_stack_filter *f, const char *spaces, long *n,
			  bb_err *err)
{
	char *text = NULL;
	sqlite3_stmt *st = NULL;
	bb_code rc = prepare_filtered(db, "SELECT COUNT(*) FROM stack s", "", f, spaces, &st,
				      &text, err);

	*n = 0;
	if (rc == BB_OK && sqlite3_step(st) == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(st, 0);
	else if (rc == BB_OK)
		rc = db_fail(db, "counting stacks", err);
	sqlite3_finalize(st);
	free(text);
	return rc;
}

bb_code stack_store_each_key(bb_db *db, size_t n, stack_key_fn key, void *key_arg,
			     bb_stack_fn fn, void *arg, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, "SELECT " STACK_COLS " FROM stack s "
				"WHERE s.kind = ?1 AND s.name = ?2", &st, err);

	if (rc != BB_OK)
		return rc;
	for (size_t i = 0; i < n && rc == BB_OK; i++) {
		const char *kind, *name;
		int step;

		key(i, &kind, &name, key_arg);
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		if ((step = sqlite3_step(st)) == SQLITE_ROW) {
			bb_stack s = stack_of(st);

			if (fn(&s, arg))
				break;
		} else if (step != SQLITE_DONE) {
			rc = db_fail(db, "listing stacks", err);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}
