/* schema.h - the migrations, oldest first. Migration i brings the database
 * from user_version i to i+1. Append; never edit a released migration. */
#ifndef BB_SCHEMA_H
#define BB_SCHEMA_H

static const char *const schema_migrations[] = {
	/* 1: the whole first schema */
	"CREATE TABLE account ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  ulid TEXT NOT NULL, name TEXT NOT NULL, plan TEXT NOT NULL,"
	"  webhook_base TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
	"CREATE TABLE space ("
	"  name TEXT PRIMARY KEY, parent TEXT REFERENCES space(name),"
	"  inherit INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
	"CREATE INDEX space_parent ON space(parent);"
	"CREATE TABLE role ("
	"  login TEXT NOT NULL, space TEXT NOT NULL REFERENCES space(name),"
	"  role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 3),"
	"  PRIMARY KEY (login, space));"
	"CREATE INDEX role_space ON role(space);"
	"CREATE TABLE integration ("
	"  slug TEXT PRIMARY KEY, name TEXT NOT NULL,"
	"  type TEXT NOT NULL CHECK (type IN ('default', 'space')),"
	"  space TEXT NOT NULL REFERENCES space(name),"
	"  email TEXT NOT NULL, token_enc BLOB NOT NULL, token_updated_at TEXT NOT NULL,"
	"  secret_enc BLOB NOT NULL,"
	"  labels TEXT NOT NULL DEFAULT '[]', description TEXT NOT NULL DEFAULT '',"
	"  vcs_checks TEXT NOT NULL DEFAULT 'individual',"
	"  workspaces TEXT NOT NULL DEFAULT '[]',"
	"  created_at TEXT NOT NULL, created_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 1,"
	"  verify_ok INTEGER, verify_message TEXT, verified_at TEXT);"
	"CREATE UNIQUE INDEX integration_one_default ON integration(type) WHERE type = 'default';"
	"CREATE INDEX integration_space ON integration(space);"
	"CREATE TABLE stack ("
	"  kind TEXT NOT NULL CHECK (kind IN ('stack', 'module')), name TEXT NOT NULL,"
	"  space TEXT NOT NULL REFERENCES space(name),"
	"  integration TEXT REFERENCES integration(slug),"
	"  repository TEXT NOT NULL, branch TEXT NOT NULL DEFAULT 'main',"
	"  project_root TEXT NOT NULL DEFAULT '', detached_from TEXT,"
	"  created_at TEXT NOT NULL, PRIMARY KEY (kind, name));"
	"CREATE INDEX stack_integration ON stack(integration);"
	"CREATE INDEX stack_detached ON stack(detached_from) WHERE detached_from IS NOT NULL;"
	"CREATE INDEX stack_space ON stack(space);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL,"
	"  action TEXT NOT NULL, target TEXT NOT NULL, details TEXT NOT NULL DEFAULT '{}');"
	"CREATE TABLE repo_cache ("
	"  integration TEXT NOT NULL REFERENCES integration(slug) ON DELETE CASCADE,"
	"  full_name TEXT NOT NULL, workspace TEXT NOT NULL, slug TEXT NOT NULL,"
	"  name TEXT NOT NULL, is_private INTEGER NOT NULL, mainbranch TEXT,"
	"  updated_on TEXT, fetched_at TEXT NOT NULL,"
	"  PRIMARY KEY (integration, full_name));"
	"CREATE TABLE draft ("
	"  login TEXT PRIMARY KEY, data TEXT NOT NULL, saved_at TEXT NOT NULL);",

	/* 2: stacks per integration kept by triggers, so listing 1,000
	 * integrations does not count 100,000 stacks each time */
	"ALTER TABLE integration ADD COLUMN stacks INTEGER NOT NULL DEFAULT 0;"
	"UPDATE integration SET stacks ="
	"  (SELECT COUNT(*) FROM stack s WHERE s.integration = integration.slug);"
	"CREATE TRIGGER stack_count_insert AFTER INSERT ON stack"
	"  WHEN NEW.integration IS NOT NULL BEGIN"
	"  UPDATE integration SET stacks = stacks + 1 WHERE slug = NEW.integration; END;"
	"CREATE TRIGGER stack_count_delete AFTER DELETE ON stack"
	"  WHEN OLD.integration IS NOT NULL BEGIN"
	"  UPDATE integration SET stacks = stacks - 1 WHERE slug = OLD.integration; END;"
	"CREATE TRIGGER stack_count_update AFTER UPDATE OF integration ON stack"
	"  WHEN OLD.integration IS NOT NEW.integration BEGIN"
	"  UPDATE integration SET stacks = stacks - 1 WHERE slug = OLD.integration;"
	"  UPDATE integration SET stacks = stacks + 1 WHERE slug = NEW.integration; END;",

	/* 3: stack rebuilt WITHOUT ROWID, keyed (kind, name), so listing in key
	 * order reads one b-tree instead of an index plus a seek per row. No
	 * table references stack, so the documented rebuild (new table, copy,
	 * drop, rename) needs no foreign_keys change. The triggers go first so
	 * that dropping the old table leaves the counts alone; they and the
	 * indexes are made again on the new table. */
	"DROP TRIGGER stack_count_insert;"
	"DROP TRIGGER stack_count_delete;"
	"DROP TRIGGER stack_count_update;"
	"CREATE TABLE stack_new ("
	"  kind TEXT NOT NULL CHECK (kind IN ('stack', 'module')), name TEXT NOT NULL,"
	"  space TEXT NOT NULL REFERENCES space(name),"
	"  integration TEXT REFERENCES integration(slug),"
	"  repository TEXT NOT NULL, branch TEXT NOT NULL DEFAULT 'main',"
	"  project_root TEXT NOT NULL DEFAULT '', detached_from TEXT,"
	"  created_at TEXT NOT NULL, PRIMARY KEY (kind, name)) WITHOUT ROWID;"
	"INSERT INTO stack_new (kind, name, space, integration, repository, branch,"
	"  project_root, detached_from, created_at)"
	"  SELECT kind, name, space, integration, repository, branch, project_root,"
	"  detached_from, created_at FROM stack;"
	"DROP TABLE stack;"
	"ALTER TABLE stack_new RENAME TO stack;"
	"CREATE INDEX stack_integration ON stack(integration);"
	"CREATE INDEX stack_detached ON stack(detached_from) WHERE detached_from IS NOT NULL;"
	"CREATE INDEX stack_space ON stack(space);"
	"CREATE TRIGGER stack_count_insert AFTER INSERT ON stack"
	"  WHEN NEW.integration IS NOT NULL BEGIN"
	"  UPDATE integration SET stacks = stacks + 1 WHERE slug = NEW.integration; END;"
	"CREATE TRIGGER stack_count_delete AFTER DELETE ON stack"
	"  WHEN OLD.integration IS NOT NULL BEGIN"
	"  UPDATE integration SET stacks = stacks - 1 WHERE slug = OLD.integration; END;"
	"CREATE TRIGGER stack_count_update AFTER UPDATE OF integration ON stack"
	"  WHEN OLD.integration IS NOT NEW.integration BEGIN"
	"  UPDATE integration SET stacks = stacks - 1 WHERE slug = OLD.integration;"
	"  UPDATE integration SET stacks = stacks + 1 WHERE slug = NEW.integration; END;",

	/* 4: the webhook receiver: deliveries, the runs they trigger, the
	 * previous secret kept for a grace period after a rotation, and how
	 * many deliveries each integration keeps. A delivery (and its body)
	 * goes with its integration; a run outlives its delivery (retention). */
	"ALTER TABLE integration ADD COLUMN secret_prev_enc BLOB;"
	"ALTER TABLE integration ADD COLUMN secret_prev_until TEXT;"
	"ALTER TABLE integration ADD COLUMN keep_deliveries INTEGER NOT NULL DEFAULT 1000;"
	"ALTER TABLE integration ADD COLUMN keep_days INTEGER NOT NULL DEFAULT 30;"
	"CREATE TABLE delivery ("
	"  id INTEGER PRIMARY KEY,"
	"  integration TEXT NOT NULL REFERENCES integration(slug) ON DELETE CASCADE,"
	"  received_at TEXT NOT NULL, event TEXT, hook_uuid TEXT, request_uuid TEXT,"
	"  attempt INTEGER, repository TEXT, branch TEXT, commit_sha TEXT,"
	"  pull_request INTEGER, fork INTEGER NOT NULL DEFAULT 0,"
	"  signature TEXT NOT NULL, outcome TEXT NOT NULL, status INTEGER NOT NULL,"
	"  ms INTEGER NOT NULL DEFAULT 0, answered_at TEXT,"
	"  headers TEXT NOT NULL DEFAULT '{}');"
	"CREATE INDEX delivery_integration ON delivery(integration, id);"
	"CREATE INDEX delivery_received ON delivery(integration, received_at);"
	/* bodies apart: listing and retention read small rows, not 15 KB ones */
	"CREATE TABLE delivery_body ("
	"  delivery INTEGER PRIMARY KEY REFERENCES delivery(id) ON DELETE CASCADE,"
	"  body BLOB NOT NULL);"
	"CREATE INDEX delivery_request ON delivery(integration, request_uuid)"
	"  WHERE outcome = 'accepted';"
	"CREATE TABLE run ("
	"  id TEXT PRIMARY KEY,"
	"  stack_kind TEXT NOT NULL CHECK (stack_kind IN ('stack', 'module')),"
	"  stack TEXT NOT NULL,"
	"  type TEXT NOT NULL CHECK (type IN ('tracked', 'proposed')),"
	"  commit_sha TEXT, branch TEXT, pull_request INTEGER,"
	"  delivery INTEGER REFERENCES delivery(id) ON DELETE SET NULL,"
	"  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN"
	"    ('queued', 'running', 'finished', 'failed', 'stopped')),"
	"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX run_stack ON run(stack_kind, stack, id);"
	"CREATE INDEX run_delivery ON run(delivery);",
	/* 5: the expiry date the user chose for the API token (YYYY-MM-DD, or
	 * NULL): Atlassian tokens expire after 1-365 days and no API says when. */
	"ALTER TABLE integration ADD COLUMN token_expires TEXT;",
	/* 6: repository and workspace webhooks managed through the API. A
	 * hook's secret is write-only, so bbconsole keeps which generation of
	 * the integration's secret it last wrote to each hook; the trigger
	 * counts generations, whatever code path rotates the secret. */
	"ALTER TABLE integration ADD COLUMN secret_gen INTEGER NOT NULL DEFAULT 1;"
	"CREATE TRIGGER integration_secret_gen AFTER UPDATE OF secret_enc ON integration"
	"  WHEN OLD.secret_enc IS NOT NEW.secret_enc BEGIN"
	"  UPDATE integration SET secret_gen = secret_gen + 1 WHERE slug = NEW.slug; END;"
	"CREATE TABLE hook ("
	"  integration TEXT NOT NULL REFERENCES integration(slug) ON DELETE CASCADE,"
	"  level TEXT NOT NULL CHECK (level IN ('repository', 'workspace')),"
	"  subject TEXT NOT NULL,"
	"  hook_uuid TEXT, secret_gen INTEGER,"
	"  state TEXT NOT NULL, events_missing TEXT NOT NULL DEFAULT '[]',"
	"  detail TEXT NOT NULL DEFAULT '', checked_at TEXT NOT NULL,"
	"  PRIMARY KEY (integration, level, subject)) WITHOUT ROWID;",
	/* 7: a value encrypted under the key file, so that a wrong or missing key
	 * file is named as such instead of being replaced or used */
	"CREATE TABLE keycheck ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1), value BLOB NOT NULL);",
	/* 8: the commit-status outbox: one row per status Bitbucket shows (a key
	 * on a commit) holding the newest wanted state; version counts the
	 * changes so a sender can tell whether what it posted is still the
	 * newest. claimed_until (epoch ms) keeps two senders off one row;
	 * status_run links each run to the rows it moved; commit_hash caches
	 * the full hashes of the short ones pull-request deliveries carry. */
	"ALTER TABLE run ADD COLUMN note TEXT;"
	"CREATE TABLE status_outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  integration TEXT NOT NULL REFERENCES integration(slug) ON DELETE CASCADE,"
	"  repository TEXT NOT NULL, commit_sha TEXT NOT NULL, key TEXT NOT NULL,"
	"  run TEXT, state TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,"
	"  url TEXT NOT NULL, refname TEXT,"
	"  version INTEGER NOT NULL DEFAULT 1,"
	"  outcome TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN"
	"    ('pending', 'posted', 'failed')),"
	"  error TEXT, attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL DEFAULT 0, claimed_until INTEGER NOT NULL DEFAULT 0,"
	"  updated_at TEXT NOT NULL, posted_at TEXT,"
	"  UNIQUE (integration, repository, commit_sha, key));"
	"CREATE INDEX status_due ON status_outbox(next_at) WHERE outcome = 'pending';"
	"CREATE TABLE status_run ("
	"  run TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
	"  outbox INTEGER NOT NULL REFERENCES status_outbox(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (run, outbox)) WITHOUT ROWID;"
	"CREATE INDEX status_run_outbox ON status_run(outbox);"
	"CREATE TABLE commit_hash ("
	"  integration TEXT NOT NULL, repository TEXT NOT NULL, short TEXT NOT NULL,"
	"  full TEXT NOT NULL, PRIMARY KEY (integration, repository, short)) WITHOUT ROWID;",
};

#define SCHEMA_VERSION ((int)(sizeof schema_migrations / sizeof schema_migrations[0]))

#endif
