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

	/* 4: a value encrypted under the key file, so that a wrong or missing key
	 * file is named as such instead of being replaced or used */
	"CREATE TABLE keycheck ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1), value BLOB NOT NULL);",
};

#define SCHEMA_VERSION ((int)(sizeof schema_migrations / sizeof schema_migrations[0]))

#endif
