/* space_store.c - the SQL of the tables `space` and `role` (space_store.h). */
#include "space_store.h"

#include <stdlib.h>
#include <string.h>

/* The columns every read of a space selects, in this order. */
#define SPACE_COLS "s.name, s.parent, s.inherit, s.created_at"

enum space_col { COL_NAME, COL_PARENT, COL_INHERIT, COL_CREATED_AT };

/* Two integers of the first row of sql with text parameters. */
static bb_code two_ints(bb_db *db, const char *sql, const char *const *params, int n, long *a,
			long *b, const char *what, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare_texts(db, sql, params, n, &st, err);

	if (rc != BB_OK)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = db_fail(db, what, err);
	else {
		*a = (long)sqlite3_column_int64(st, 0);
		*b = (long)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc;
}

bb_code space_store_path_role(bb_db *db, const char *space, const char *login, int *exists,
			      bb_role *role, bb_err *err)
{
	static const char sql[] =
		"WITH RECURSIVE up(name, parent) AS ("
		"  SELECT name, parent FROM space WHERE name = ?1"
		"  UNION SELECT s.name, s.parent FROM space s JOIN up ON s.name = up.parent) "
		"SELECT COUNT(*), COALESCE(MAX(r.role), 0) FROM up "
		"LEFT JOIN role r ON r.space = up.name AND r.login = ?2";
	long n = 0, r = 0;
	bb_code rc = two_ints(db, sql, (const char *[]){space ? space : "", login ? login : ""},
			      2, &n, &r, "reading roles", err);

	*exists = n > 0;
	*role = (bb_role)r;
	return rc;
}

bb_code space_store_inherits(bb_db *db, const char *stack_space, const char *integration_space,
			     int *exists, int *reaches, bb_err *err)
{
	/* climb from the stack's space while inherit holds, stopping at the
	 * integration's space: it is usable when the climb reaches it */
	static const char sql[] =
		"WITH RECURSIVE up(name, parent, inherit) AS ("
		"  SELECT name, parent, inherit FROM space WHERE name = ?1"
		"  UNION SELECT s.name, s.parent, s.inherit FROM space s"
		"  JOIN up ON s.name = up.parent"
		"  WHERE up.inherit = 1 AND up.name <> ?2) "
		"SELECT COUNT(*), COALESCE(MAX(name = ?2), 0) FROM up";
	long n = 0, r = 0;
	bb_code rc = two_ints(db, sql, (const char *[]){stack_space ? stack_space : "",
							integration_space ? integration_space : ""},
			      2, &n, &r, "reading the spaces", err);

	*exists = n > 0;
	*reaches = r != 0;
	return rc;
}

bb_code space_store_roles_of(bb_db *db, const char *login, long *n, bb_err *err)
{
	return db_query_int(db, "SELECT COUNT(*) FROM role WHERE login = ?1", (const char *[]){login},
			    1, n, "reading the spaces", err);
}

bb_code space_store_role_at(bb_db *db, const char *login, const char *space, bb_role *out,
			    bb_err *err)
{
	long r = 0;
	bb_code rc = db_query_int(db, "SELECT COALESCE(MAX(role), 0) FROM role "
				  "WHERE login = ?1 AND space = ?2", (const char *[]){login, space},
				  2, &r, "reading the spaces", err);

	*out = (bb_role)r;
	return rc;
}

bb_code space_store_admins(bb_db *db, const char *space, long *n, bb_err *err)
{
	return db_query_int(db, "SELECT COUNT(*) FROM role WHERE space = ?1 AND role = 3",
			    (const char *[]){space}, 1, n, "reading the spaces", err);
}

/* The current row of a SPACE_COLS query into s (freed on failure). */
static bb_code space_row(sqlite3_stmt *st, void *elem, void *arg, bb_err *err)
{
	bb_space *s = elem;

	(void)arg;
	s->name = db_column_dup(st, COL_NAME);
	s->parent = db_column_dup(st, COL_PARENT);
	s->inherit = sqlite3_column_int(st, COL_INHERIT);
	s->created_at = db_column_dup(st, COL_CREATED_AT);
	if (!s->name || !s->created_at ||
	    (!s->parent && sqlite3_column_type(st, COL_PARENT) != SQLITE_NULL)) {
		space_free(s);
		return bb_oom(err);
	}
	return BB_OK;
}

static bb_code get_row(sqlite3_stmt *st, void *arg, bb_err *err)
{
	return space_row(st, arg, NULL, err);
}

bb_code space_store_get(bb_db *db, const char *name, bb_space *out, int *found, bb_err *err)
{
	memset(out, 0, sizeof *out);
	return db_query_one(db, "SELECT " SPACE_COLS " FROM space s WHERE s.name = ?1",
			    (const char *[]){name}, 1, get_row, out, found, "reading a space",
			    err);
}

bb_code space_store_list(bb_db *db, bb_space **out, size_t *n, bb_err *err)
{
	static const char sql[] =
		"WITH RECURSIVE t(name, path) AS ("
		"  SELECT name, name FROM space WHERE parent IS NULL"
		"  UNION ALL SELECT s.name, t.path || char(1) || s.name"
		"  FROM space s JOIN t ON s.parent = t.name) "
		"SELECT " SPACE_COLS " FROM t JOIN space s ON s.name = t.name ORDER BY t.path";
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);

	if (rc != BB_OK)
		return rc;
	return db_rows_into(db, st, sizeof **out, space_row, NULL, (void **)out, n,
			    "listing the spaces", err);
}

static bb_code grant_row(sqlite3_stmt *st, void *elem, void *arg, bb_err *err)
{
	bb_grant *g = elem;

	(void)arg;
	*g = (bb_grant){db_column_dup(st, 0), db_column_dup(st, 1),
			(bb_role)sqlite3_column_int(st, 2)};
	return g->login && g->space ? BB_OK : bb_oom(err);
}

bb_code space_store_grants(bb_db *db, bb_grant **out, size_t *n, bb_err *err)
{
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, "SELECT login, space, role FROM role ORDER BY login, space",
				&st, err);

	if (rc != BB_OK)
		return rc;
	return db_rows_into(db, st, sizeof **out, grant_row, NULL, (void **)out, n,
			    "listing the roles", err);
}

bb_code space_store_contents(bb_db *db, const char *space, long *spaces, long *integrations,
			     long *stacks, bb_err *err)
{
	const char *p[] = {space};
	bb_code rc;

	if ((rc = db_query_int(db, "SELECT COUNT(*) FROM space WHERE parent = ?1", p, 1, spaces,
			       "reading the spaces", err)) != BB_OK ||
	    (rc = db_query_int(db, "SELECT COUNT(*) FROM integration WHERE space = ?1", p, 1,
			       integrations, "reading the spaces", err)) != BB_OK)
		return rc;
	return db_query_int(db, "SELECT COUNT(*) FROM stack WHERE space = ?1", p, 1, stacks,
			    "reading the spaces", err);
}

bb_code space_store_insert(bb_db *db, const char *name, const char *parent, int inherit,
			   const char *now, const char *user, bb_err *err)
{
	return db_exec_text(db, "INSERT INTO space (name, parent, inherit, created_at, created_by) "
			    "VALUES (?1, ?2, ?3, ?4, ?5)",
			    (const char *[]){name, parent, inherit ? "1" : "0", now, user}, 5, NULL,
			    "creating the space", err);
}

bb_code space_store_delete(bb_db *db, const char *space, bb_err *err)
{
	const char *p[] = {space};
	bb_code rc = db_exec_text(db, "DELETE FROM role WHERE space = ?1", p, 1, NULL,
				  "deleting the space", err);

	if (rc != BB_OK)
		return rc;
	return db_exec_text(db, "DELETE FROM space WHERE name = ?1", p, 1, NULL,
			    "deleting the space", err);
}

bb_code space_store_grant(bb_db *db, const char *login, const char *space, bb_role role,
			  bb_err *err)
{
	char level[2] = {(char)('0' + role), '\0'};

	return db_exec_text(db, "INSERT INTO role (login, space, role) VALUES (?1, ?2, ?3) "
			    "ON CONFLICT (login, space) DO UPDATE SET role = excluded.role",
			    (const char *[]){login, space, level}, 3, NULL, "granting the role",
			    err);
}

bb_code space_store_revoke(bb_db *db, const char *login, const char *space, bb_err *err)
{
	return db_exec_text(db, "DELETE FROM role WHERE login = ?1 AND space = ?2",
			    (const char *[]){login, space}, 2, NULL, "revoking the role", err);
}
