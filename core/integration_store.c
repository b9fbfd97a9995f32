/* integration_store.c - the SQL of the table `integration` (see
 * integration_store.h). Reads go through one column list and one row
 * reader, with the columns named by an enum. */
#include "integration_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"

/* The columns every read selects, in this order (see COLS). */
enum integration_col {
	COL_NAME,
	COL_SLUG,
	COL_TYPE,
	COL_SPACE,
	COL_EMAIL,
	COL_TOKEN_UPDATED_AT,
	COL_LABELS,
	COL_DESCRIPTION,
	COL_VCS_CHECKS,
	COL_WORKSPACES,
	COL_CREATED_AT,
	COL_CREATED_BY,
	COL_UPDATED_AT,
	COL_UPDATED_BY,
	COL_VERSION,
	COL_VERIFY_OK,
	COL_VERIFY_MESSAGE,
	COL_VERIFIED_AT,
	COL_TOKEN_LEN,
	COL_TOKEN_EXPIRES,
	COL_STACKS,
	COL_ADMIN /* the list only: whether the user administers its space */
};

#define COLS                                                                            \
	"i.name, i.slug, i.type, i.space, i.email, i.token_updated_at, i.labels, "      \
	"i.description, i.vcs_checks, i.workspaces, i.created_at, i.created_by, "       \
	"i.updated_at, i.updated_by, i.version, i.verify_ok, i.verify_message, "        \
	"i.verified_at, length(i.token_enc), i.token_expires, i.stacks"

/* Either the name or the slug; names are stored trimmed. */
#define BY_KEY "(i.slug = ?1 OR i.name = ?1)"

static bb_code fill(sqlite3_stmt *st, bb_integration *it, bb_err *err)
{
	memset(it, 0, sizeof *it);
	it->name = db_column_dup(st, COL_NAME);
	it->slug = db_column_dup(st, COL_SLUG);
	it->type = db_column_dup(st, COL_TYPE);
	it->space = db_column_dup(st, COL_SPACE);
	it->email = db_column_dup(st, COL_EMAIL);
	it->token_updated_at = db_column_dup(st, COL_TOKEN_UPDATED_AT);
	it->description = db_column_dup(st, COL_DESCRIPTION);
	it->vcs_checks = db_column_dup(st, COL_VCS_CHECKS);
	it->created_at = db_column_dup(st, COL_CREATED_AT);
	it->created_by = db_column_dup(st, COL_CREATED_BY);
	it->updated_at = db_column_dup(st, COL_UPDATED_AT);
	it->updated_by = db_column_dup(st, COL_UPDATED_BY);
	it->version = sqlite3_column_int64(st, COL_VERSION);
	it->verify_known = sqlite3_column_type(st, COL_VERIFY_OK) != SQLITE_NULL;
	it->verify_ok = sqlite3_column_int(st, COL_VERIFY_OK);
	it->verify_message = db_column_dup(st, COL_VERIFY_MESSAGE);
	it->verified_at = db_column_dup(st, COL_VERIFIED_AT);
	it->token_set = sqlite3_column_int(st, COL_TOKEN_LEN) > 0;
	it->token_expires = db_column_dup(st, COL_TOKEN_EXPIRES);
	it->stacks = sqlite3_column_int64(st, COL_STACKS);
	if (strlist_from_json((const char *)sqlite3_column_text(st, COL_LABELS), &it->labels) ||
	    strlist_from_json((const char *)sqlite3_column_text(st, COL_WORKSPACES),
			      &it->workspaces) ||
	    !it->name || !it->slug || !it->type || !it->space || !it->email ||
	    !it->token_updated_at || !it->description || !it->vcs_checks || !it->created_at ||
	    !it->created_by || !it->updated_at || !it->updated_by) {
		integration_free(it);
		return bb_oom(err);
	}
	return BB_OK;
}

static bb_code get_row(sqlite3_stmt *st, void *arg, bb_err *err)
{
	return fill(st, arg, err);
}

bb_code integration_store_get(bb_db *db, const char *key, bb_integration *out, int *found,
			      bb_err *err)
{
	static const char sql[] = "SELECT " COLS " FROM integration i WHERE " BY_KEY;
	bb_code rc;

	memset(out, 0, sizeof *out);
	rc = db_query_one(db, sql, (const char *[]){key}, 1, get_row, out, found,
			  "reading the integration", err);
	if (rc != BB_OK)
		*found = 0;
	return rc;
}

static bb_code list_row(sqlite3_stmt *st, void *elem, void *arg, bb_err *err)
{
	bb_integration *it = elem;
	bb_code rc = fill(st, it, err);

	(void)arg;
	if (rc == BB_OK)
		it->details_visible = sqlite3_column_int(st, COL_ADMIN);
	return rc;
}

/* One query: visibility from the space sets computed once; stack counts are
 * kept in the row by triggers (schema migration 2). */
bb_code integration_store_list(bb_db *db, const char *readable, const char *admin,
			       bb_integration **out, size_t *n, bb_err *err)
{
	static const char sql[] =
		"SELECT " COLS ", i.space IN (SELECT value FROM json_each(?2)) FROM integration i "
		"WHERE i.type = 'default' OR i.space IN (SELECT value FROM json_each(?1)) "
		"ORDER BY i.name COLLATE NOCASE, i.slug";
	sqlite3_stmt *st;
	bb_code rc = db_prepare_texts(db, sql, (const char *[]){readable, admin}, 2, &st, err);

	*out = NULL;
	*n = 0;
	if (rc != BB_OK)
		return rc;
	return db_rows_into(db, st, sizeof **out, list_row, NULL, (void **)out, n,
			    "listing integrations", err);
}

typedef struct receiver {
	char **prev_until;
	long *keep_deliveries, *keep_days;
} receiver;

static bb_code receiver_row(sqlite3_stmt *st, void *arg, bb_err *err)
{
	receiver *r = arg;

	*r->keep_deliveries = (long)sqlite3_column_int64(st, 1);
	*r->keep_days = (long)sqlite3_column_int64(st, 2);
	if (sqlite3_column_type(st, 0) != SQLITE_NULL && !(*r->prev_until = db_column_dup(st, 0)))
		return bb_oom(err);
	return BB_OK;
}

bb_code integration_store_receiver(bb_db *db, const char *slug, char **prev_until,
				   long *keep_deliveries, long *keep_days, bb_err *err)
{
	static const char sql[] = "SELECT secret_prev_until, keep_deliveries, keep_days "
				  "FROM integration WHERE slug = ?1";
	receiver r = {prev_until, keep_deliveries, keep_days};
	int found;

	*prev_until = NULL;
	return db_query_one(db, sql, (const char *[]){slug}, 1, receiver_row, &r, &found,
			    "reading the integration", err);
}

/* Decrypts blob column i of the current row. */
static bb_code decrypt_col(bb_db *db, sqlite3_stmt *st, int i, char **plain, bb_err *err)
{
	return db_decrypt(db, sqlite3_column_blob(st, i), (size_t)sqlite3_column_bytes(st, i),
			  plain, err);
}

/* What a credentials read fills: email (NULL: not wanted) from column 0 and
 * the decrypted column `col`. */
typedef struct secret_read {
	bb_db *db;
	int col;
	char **email, **plain;
} secret_read;

static bb_code secret_row(sqlite3_stmt *st, void *arg, bb_err *err)
{
	secret_read *r = arg;
	bb_code rc;

	if (r->email && !(*r->email = db_column_dup(st, 0)))
		return bb_oom(err);
	if ((rc = decrypt_col(r->db, st, r->col, r->plain, err)) != BB_OK && r->email) {
		free(*r->email);
		*r->email = NULL;
	}
	return rc;
}

bb_code integration_store_secret(bb_db *db, const char *slug, integration_secret which,
				 char **plain, int *found, bb_err *err)
{
	static const char *const sql[] = {
		[INTEGRATION_TOKEN] = "SELECT token_enc FROM integration WHERE slug = ?1",
		[INTEGRATION_WEBHOOK_SECRET] = "SELECT secret_enc FROM integration WHERE slug = ?1",
	};
	secret_read r = {db, 0, NULL, plain};
	bb_err ignored;
	bb_code rc;

	*plain = NULL;
	rc = db_query_one(db, sql[which], (const char *[]){slug}, 1, secret_row, &r, found,
			  "reading the integration", err ? err : &ignored);
	return rc;
}

static unsigned char *blob_dup(sqlite3_stmt *st, int i, size_t *len)
{
	const void *b = sqlite3_column_blob(st, i);
	unsigned char *out;

	*len = (size_t)sqlite3_column_bytes(st, i);
	if (!b || !(out = malloc(*len ? *len : 1)))
		return NULL;
	memcpy(out, b, *len);
	return out;
}

static bb_code blobs_row(sqlite3_stmt *st, void *arg, bb_err *err)
{
	integration_secret_blobs *b = arg;

	(void)err;
	b->current = blob_dup(st, 0, &b->current_len);
	if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		b->previous = blob_dup(st, 1, &b->previous_len);
	b->prev_until = db_column_dup(st, 2);
	return BB_OK;
}

bb_code integration_store_secret_blobs(bb_db *db, const char *slug,
				       integration_secret_blobs *out, int *found, bb_err *err)
{
	static const char sql[] = "SELECT secret_enc, secret_prev_enc, secret_prev_until "
				  "FROM integration WHERE slug = ?1";
	sqlite3_stmt *st;
	bb_code rc;

	memset(out, 0, sizeof *out);
	*found = 0;
	/* kept prepared: the receiver reads it for every delivery */
	if ((rc = db_cached_texts(db, sql, (const char *[]){slug}, 1, &st, err)) != BB_OK)
		return rc;
	return db_first_row(db, st, blobs_row, out, found, "reading the integration", err);
}

bb_code integration_store_credentials(bb_db *db, const char *slug, char **email,
				      char **token, int *found, bb_err *err)
{
	static const char sql[] = "SELECT email, token_enc FROM integration WHERE slug = ?1";
	secret_read r = {db, 1, email, token};

	*email = *token = NULL;
	return db_query_one(db, sql, (const char *[]){slug}, 1, secret_row, &r, found,
			    "reading the integration", err);
}

/* The text of the first column of sql's first row (parameter ?1 = param)
 * into out; 1 if there is a row. */
static int first_text(bb_db *db, const char *sql, const char *param, char *out, size_t size)
{
	sqlite3_stmt *st;
	int found = 0;

	if (db_prepare(db, sql, &st, NULL))
		return 0;
	if (param)
		sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		if (out && size)
			snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return found;
}

int integration_store_slug_holder(bb_db *db, const char *slug, char *holder, size_t size)
{
	return first_text(db, "SELECT name FROM integration WHERE slug = ?1", slug, holder, size);
}

int integration_store_default_holder(bb_db *db, char *name, size_t size)
{
	return first_text(db, "SELECT name FROM integration WHERE type = 'default'", NULL, name,
			  size);
}

bb_code integration_store_insert(bb_db *db, const integration_row *r, bb_err *err)
{
	static const char sql[] =
		"INSERT INTO integration (slug, name, type, space, email, token_enc, "
		"token_updated_at, secret_enc, labels, description, vcs_checks, workspaces, "
		"created_at, created_by, updated_at, updated_by) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?7, ?13, ?7, ?13)";
	const char *text[] = {r->slug, r->name, r->type, r->space, r->email};
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);

	if (rc != BB_OK)
		return rc;
	for (int i = 0; i < 5; i++)
		sqlite3_bind_text(st, i + 1, text[i], -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, r->token, (int)r->token_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->now, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, r->secret, (int)r->secret_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->labels, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, r->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, r->checks, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, r->workspaces, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, r->user, -1, SQLITE_STATIC);
	return db_step_done(db, st, NULL, "saving the integration", err);
}

/* The version check is in the WHERE clause, so it holds at the moment of writing. */
bb_code integration_store_update(bb_db *db, const integration_change_row *r, int *written,
				 bb_err *err)
{
	static const char sql[] =
		"UPDATE integration SET space = ?1, email = ?2, token_enc = COALESCE(?3, token_enc), "
		"token_updated_at = CASE WHEN ?3 IS NULL THEN token_updated_at ELSE ?9 END, "
		"labels = ?4, description = ?5, vcs_checks = ?6, workspaces = ?7, "
		"version = version + 1, updated_at = ?9, updated_by = ?10 "
		"WHERE slug = ?8 AND version = ?11 AND (?12 IS NULL OR updated_at = ?12)";
	const char *text[] = {r->space, r->email};
	sqlite3_stmt *st;
	long changes = 0;
	bb_code rc = db_prepare(db, sql, &st, err);

	*written = 0;
	if (rc != BB_OK)
		return rc;
	for (int i = 0; i < 2; i++)
		sqlite3_bind_text(st, i + 1, text[i], -1, SQLITE_STATIC);
	if (r->token)
		sqlite3_bind_blob(st, 3, r->token, (int)r->token_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->labels, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->checks, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->workspaces, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, r->user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, r->expect_version);
	if (r->expect_updated_at)
		sqlite3_bind_text(st, 12, r->expect_updated_at, -1, SQLITE_STATIC);
	rc = db_step_done(db, st, &changes, "saving the integration", err);
	*written = changes > 0;
	return rc;
}

bb_code integration_store_rotate(bb_db *db, const char *slug, const unsigned char *secret,
				 size_t len, const char *until, const char *now, const char *user,
				 bb_err *err)
{
	static const char sql[] = "UPDATE integration SET secret_prev_enc = secret_enc, "
				  "secret_prev_until = ?5, secret_enc = ?1, version = version + 1, "
				  "updated_at = ?2, updated_by = ?3 WHERE slug = ?4";
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);

	if (rc != BB_OK)
		return rc;
	sqlite3_bind_blob(st, 1, secret, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, until, -1, SQLITE_STATIC);
	return db_step_done(db, st, NULL, "saving the new secret", err);
}

bb_code integration_store_delete(bb_db *db, const char *slug, const char *name,
				 long *detached, bb_err *err)
{
	bb_code rc = db_exec_text(db, "UPDATE stack SET integration = NULL, detached_from = ?2 "
				  "WHERE integration = ?1", (const char *[]){slug, name}, 2,
				  detached, "detaching its stacks", err);

	if (rc != BB_OK)
		return rc;
	return db_exec_text(db, "DELETE FROM integration WHERE slug = ?1", (const char *[]){slug},
			    1, NULL, "deleting the integration", err);
}

bb_code integration_store_verified(bb_db *db, const char *slug, int ok, const char *message,
				   const char *now, bb_err *err)
{
	static const char sql[] = "UPDATE integration SET verify_ok = ?1, verify_message = ?2, "
				  "verified_at = ?3 WHERE slug = ?4";
	sqlite3_stmt *st;
	bb_code rc = db_prepare(db, sql, &st, err);

	if (rc != BB_OK)
		return rc;
	sqlite3_bind_int(st, 1, ok ? 1 : 0);
	sqlite3_bind_text(st, 2, message, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, slug, -1, SQLITE_STATIC);
	return db_step_done(db, st, NULL, "saving the verification", err);
}

bb_code integration_store_retention(bb_db *db, const char *slug, long keep, long days,
				    bb_err *err)
{
	static const char sql[] = "UPDATE integration SET keep_deliveries = CASE WHEN "
				  "CAST(?2 AS INTEGER) > 0 THEN CAST(?2 AS INTEGER) ELSE "
				  "keep_deliveries END, keep_days = CASE WHEN CAST(?3 AS INTEGER) > 0 "
				  "THEN CAST(?3 AS INTEGER) ELSE keep_days END WHERE slug = ?1";
	char k[24], d[24];

	snprintf(k, sizeof k, "%ld", keep);
	snprintf(d, sizeof d, "%ld", days);
	return db_exec_text(db, sql, (const char *[]){slug, k, d}, 3, NULL,
			    "saving the retention", err);
}

bb_code integration_store_token_expires(bb_db *db, const char *slug, const char *date,
					bb_err *err)
{
	return db_exec_text(db, "UPDATE integration SET token_expires = ?1 WHERE slug = ?2",
			    (const char *[]){date && *date ? date : NULL, slug}, 2, NULL,
			    "saving the token expiry date", err);
}

bb_code integration_store_stack_spaces(bb_db *db, const char *slug, bb_strlist *out,
				       bb_err *err)
{
	return db_query_rows(db, "SELECT DISTINCT space FROM stack WHERE integration = ?1",
			     (const char *[]){slug}, 1, db_row_text, out,
			     "reading the spaces of its stacks", err);
}
