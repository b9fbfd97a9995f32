/* integration_store.h - the SQL of the table `integration`: the only place
 * that knows its columns and SQLite's dialect for them. integration.c keeps
 * the rules (who may, what is valid, what is audited) and calls these.
 *
 * Every function takes the database and works inside whatever transaction
 * the caller holds. Text parameters are borrowed for the call. */
#ifndef BB_INTEGRATION_STORE_H
#define BB_INTEGRATION_STORE_H

#include "db.h"
#include "integration.h"

/* The integration named key (its trimmed name or its slug), every stored
 * field; *found 0 (and BB_OK) when there is none. */
bb_code integration_store_get(bb_db *db, const char *key, bb_integration *out, int *found,
			      bb_err *err);

/* The integrations that are default or live in one of the spaces of the JSON
 * array readable, by name; details_visible is set for those whose space is in
 * the JSON array admin (the caller completes the details). */
bb_code integration_store_list(bb_db *db, const char *readable, const char *admin,
			       bb_integration **out, size_t *n, bb_err *err);

/* The receiver's fields of slug: the end of the previous secret's grace
 * period as stored (*prev_until malloc'd, NULL when none) and the retention. */
bb_code integration_store_receiver(bb_db *db, const char *slug, char **prev_until,
				   long *keep_deliveries, long *keep_days, bb_err *err);

/* The encrypted values an integration keeps. */
typedef enum integration_secret {
	INTEGRATION_TOKEN,
	INTEGRATION_WEBHOOK_SECRET
} integration_secret;

/* Decrypts one of them (free *plain with secret_free); *found 0 when slug
 * has no row. */
bb_code integration_store_secret(bb_db *db, const char *slug, integration_secret which,
				 char **plain, int *found, bb_err *err);

/* The webhook secrets of slug still encrypted, for the receiver, which
 * decrypts only what a request needs: the current one (NULL when out of
 * memory), the previous one (NULL when none) and the end of its grace as
 * stored (NULL when none), all malloc'd; *found 0 when slug has no row. */
typedef struct integration_secret_blobs {
	unsigned char *current, *previous;
	size_t current_len, previous_len;
	char *prev_until;
} integration_secret_blobs;
bb_code integration_store_secret_blobs(bb_db *db, const char *slug,
				       integration_secret_blobs *out, int *found, bb_err *err);

/* The account email and the decrypted token of slug (free with free and
 * secret_free); *found 0 when slug has no row. */
bb_code integration_store_credentials(bb_db *db, const char *slug, char **email,
				      char **token, int *found, bb_err *err);

/* The name holding slug (holder may be NULL); 1 if any, 0 if none or unreadable. */
int integration_store_slug_holder(bb_db *db, const char *slug, char *holder, size_t size);
/* The name of the default integration; 1 if one exists. */
int integration_store_default_holder(bb_db *db, char *name, size_t size);

/* A new row; token and secret are already encrypted. */
typedef struct integration_row {
	const char *slug, *name, *type, *space, *email;
	const unsigned char *token;
	size_t token_len;
	const unsigned char *secret;
	size_t secret_len;
	const char *labels, *description, *checks, *workspaces; /* lists as JSON */
	const char *now, *user;
} integration_row;
bb_code integration_store_insert(bb_db *db, const integration_row *r, bb_err *err);

/* The values an update writes. token NULL keeps the stored one. The write
 * happens only while the row still has expect_version (and expect_updated_at
 * when not NULL); *written 0 when it had changed. */
typedef struct integration_change_row {
	const char *slug, *space, *email;
	const unsigned char *token;
	size_t token_len;
	const char *labels, *description, *checks, *workspaces;
	const char *now, *user;
	long expect_version;
	const char *expect_updated_at;
} integration_change_row;
bb_code integration_store_update(bb_db *db, const integration_change_row *r, int *written,
				 bb_err *err);

/* The new secret replaces the current one, which stays valid until `until`. */
bb_code integration_store_rotate(bb_db *db, const char *slug, const unsigned char *secret,
				 size_t len, const char *until, const char *now, const char *user,
				 bb_err *err);

/* Detaches the stacks of slug (they keep name) and deletes it; *detached
 * counts the stacks. */
bb_code integration_store_delete(bb_db *db, const char *slug, const char *name,
				 long *detached, bb_err *err);

bb_code integration_store_verified(bb_db *db, const char *slug, int ok, const char *message,
				   const char *now, bb_err *err);
/* keep and days: values above 0 replace the stored ones. */
bb_code integration_store_retention(bb_db *db, const char *slug, long keep, long days,
				    bb_err *err);
/* date NULL or "" clears it. */
bb_code integration_store_token_expires(bb_db *db, const char *slug, const char *date,
					bb_err *err);

/* The distinct spaces of the stacks and modules using slug. */
bb_code integration_store_stack_spaces(bb_db *db, const char *slug, bb_strlist *out,
				       bb_err *err);

#endif
