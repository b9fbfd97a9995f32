/* commands.c - the table of commands: words, options, help, handler.
 * The parser, the help text and the dispatcher all read this one table, so
 * the help can never disagree with what is accepted. */
#include "cli.h"
#include "cmd_bitbucket.h"
#include "cmd_hooks.h"

#define END {NULL, NULL, 0, NULL}

static const cli_opt no_opts[] = {END};

static const cli_opt init_opts[] = {
	{"account", "NAME", CLI_REQUIRED, "the account's name"},
	{"webhook-base", "URL", CLI_REQUIRED, "https base URL of the webhook receiver"},
	{"plan", "PLAN", 0, "free (default), cloud, business or enterprise"},
	END
};

static const cli_opt space_create_opts[] = {
	{"parent", "SPACE", 0, "the parent space (default root)"},
	{"no-inherit", NULL, 0, "do not use the parent's integrations"},
	END
};

static const cli_opt grant_opts[] = {
	{"space", "SPACE", CLI_REQUIRED, "the space the role holds in (and below)"},
	{"role", "ROLE", CLI_REQUIRED, "read, write or admin"},
	END
};

static const cli_opt revoke_opts[] = {
	{"space", "SPACE", CLI_REQUIRED, "the space to remove the role from"},
	END
};

static const cli_opt int_create_opts[] = {
	{"name", "NAME", CLI_REQUIRED, "permanent name; the webhook endpoint derives from it"},
	{"default", NULL, 0, "the account's default integration (usable everywhere)"},
	{"space", "SPACE", 0, "the space it lives in (a space integration)"},
	{"email", "EMAIL", CLI_REQUIRED, "the Atlassian account email"},
	{"token-stdin", NULL, CLI_REQUIRED, "read the API token from one line of stdin"},
	{"label", "LABEL", CLI_REPEAT, "a label"},
	{"description", "TEXT", 0, "free-form Markdown"},
	{"checks", "MODE", 0, "VCS checks: individual (default), aggregated or all"},
	{"workspace", "WS", CLI_REPEAT, "a Bitbucket workspace slug"},
	{"reattach", NULL, 0, "re-attach stacks detached from an integration of this name"},
	{"token-expires", "DATE", 0, "the API token's expiry date (YYYY-MM-DD), for warnings"},
	END
};

static const cli_opt int_list_opts[] = {
	{"expiring", "DAYS", 0, "only those whose API token expires within DAYS days"},
	END
};

static const cli_opt int_show_opts[] = {
	{"reveal-secret", NULL, 0, "show the webhook secret (admins; audited)"},
	END
};

static const cli_opt int_update_opts[] = {
	{"email", "EMAIL", 0, "a new Atlassian account email"},
	{"token-stdin", NULL, 0, "read a new API token from one line of stdin"},
	{"label", "LABEL", CLI_REPEAT, "replaces all labels"},
	{"clear-labels", NULL, 0, "remove every label"},
	{"description", "TEXT", 0, "a new description"},
	{"checks", "MODE", 0, "individual, aggregated or all"},
	{"space", "SPACE", 0, "move a space integration to another space"},
	{"workspace", "WS", CLI_REPEAT, "replaces all workspaces"},
	{"clear-workspaces", NULL, 0, "remove every workspace"},
	{"if-updated-at", "TIME", 0, "refuse if it changed since this updated_at"},
	{"token-expires", "DATE", 0, "the API token's expiry date (YYYY-MM-DD; \"\" clears it)"},
	END
};

static const cli_opt int_delete_opts[] = {
	{"yes", NULL, 0, "really delete (without it: list what would be detached)"},
	{"remove-webhooks", NULL, 0, "also remove the webhooks bbconsole manages (with --yes)"},
	END
};

static const cli_opt int_rotate_opts[] = {
	{"yes", NULL, 0, "rotate without asking (a script's way to confirm)"},
	{"update-webhooks", NULL, 0, "then write the new secret to every webhook bbconsole manages"},
	END
};

static const cli_opt stack_create_opts[] = {
	{"space", "SPACE", CLI_REQUIRED, "the space it lives in"},
	{"integration", "NAME", CLI_REQUIRED, "the integration (name or slug)"},
	{"repository", "WS/SLUG", CLI_REQUIRED, "the Bitbucket repository"},
	{"branch", "BRANCH", 0, "the tracked branch (default main)"},
	{"module", NULL, 0, "create a module instead of a stack"},
	{"project-root", "PATH", 0, "the directory inside the repository"},
	END
};

static const cli_opt stack_list_opts[] = {
	{"detached", NULL, 0, "only stacks and modules whose integration was deleted"},
	END
};

static const cli_opt stack_set_opts[] = {
	{"module", NULL, 0, "NAME is a module"},
	END
};

static const cli_opt stack_update_opts[] = {
	{"repository", "WS/SLUG", 0, "a new Bitbucket repository"},
	{"branch", "BRANCH", 0, "a new tracked branch"},
	{"project-root", "PATH", 0, "a new directory inside the repository (\"\" clears it)"},
	{"module", NULL, 0, "NAME is a module"},
	END
};

static const cli_opt stack_delete_opts[] = {
	{"yes", NULL, 0, "really delete (without it: show what would be deleted)"},
	{"module", NULL, 0, "NAME is a module"},
	END
};

static const cli_opt serve_opts_table[] = {
	{"listen", "ADDR:PORT", 0, "where to listen (default 127.0.0.1:8080; port 0 picks one)"},
	{"tls-cert", "FILE", 0, "serve HTTPS with this PEM certificate (with --tls-key)"},
	{"tls-key", "FILE", 0, "the PEM private key of --tls-cert"},
	{"threads", "N", 0, "request threads (default 2)"},
	END
};

static const cli_opt deliveries_opts[] = {
	{"limit", "N", 0, "only the N newest deliveries (default 50)"},
	END
};

static const cli_opt run_list_opts[] = {
	{"stack", "NAME", 0, "only the runs of this stack or module"},
	{"limit", "N", 0, "only the N newest runs"},
	END
};

static const cli_opt run_trigger_opts[] = {
	{"commit", "SHA", 0, "the commit (default: the head of the stack's branch, from Bitbucket)"},
	END
};

static const cli_opt run_update_opts[] = {
	{"state", "STATE", CLI_REQUIRED, "running, finished, failed or stopped"},
	{"note", "TEXT", 0, "a short note shown with the run and in its statuses"},
	END
};

static const cli_opt retention_opts[] = {
	{"keep", "N", 0, "keep the newest N deliveries (default 1000)"},
	{"days", "D", 0, "keep deliveries of the last D days (default 30)"},
	END
};

static const cli_opt audit_opts[] = {
	{"limit", "N", 0, "only the N newest entries"},
	END
};

const cli_cmd cli_commands[] = {
	{NULL, "init", "", 0, 0, 0, cmd_init,
	 "first-time setup: the account, the root space, you as its admin", init_opts},
	{"space", "create", "NAME", 1, 1, 1, cmd_space_create,
	 "create a space (needs admin of the parent)", space_create_opts},
	{"space", "list", "", 0, 0, 1, cmd_space_list, "list the spaces", no_opts, 1},
	{"space", "delete", "NAME", 1, 1, 1, cmd_space_delete,
	 "delete an empty space (needs admin of the parent; never root)", no_opts},
	{"user", "grant", "LOGIN", 1, 1, 1, cmd_user_grant,
	 "give a login a role in a space", grant_opts},
	{"user", "revoke", "LOGIN", 1, 1, 1, cmd_user_revoke,
	 "remove a login's role in a space", revoke_opts},
	{"user", "list", "", 0, 0, 1, cmd_user_list, "list the roles", no_opts, 1},
	{"integration", "create", "", 0, 0, 1, cmd_integration_create,
	 "create a Bitbucket Cloud integration", int_create_opts},
	{"integration", "list", "", 0, 0, 1, cmd_integration_list,
	 "list the integrations you may see", int_list_opts, 1},
	{"integration", "show", "NAME", 1, 1, 1, cmd_integration_show,
	 "show one integration", int_show_opts},
	{"integration", "update", "NAME", 1, 1, 1, cmd_integration_update,
	 "change an integration (name, slug, type and endpoint never change)", int_update_opts},
	{"integration", "rotate-secret", "NAME", 1, 1, 1, cmd_integration_rotate,
	 "replace the webhook secret and show the new one (asks first)", int_rotate_opts},
	{"integration", "delete", "NAME", 1, 1, 1, cmd_integration_delete,
	 "delete an integration; its stacks and modules become detached", int_delete_opts},
	{"integration", "retention", "NAME", 1, 1, 1, cmd_integration_retention,
	 "show or set how many webhook deliveries are kept", retention_opts},
	{"integration", "verify", "NAME", 1, 1, 1, cmd_integration_verify,
	 "ask Bitbucket what the integration's token can reach", no_opts},
	{"integration", "repos", "NAME", 1, 1, 1, cmd_integration_repos,
	 "list the repositories the integration's token can read", cmd_repos_opts},
	{"integration", "webhooks", "NAME", 1, 1, 1, cmd_integration_webhooks,
	 "check (or --fix) the webhook of every repository the stacks use", cmd_webhooks_opts},
	{"stack", "create", "NAME", 1, 1, 1, cmd_stack_create,
	 "create a stack or module tracking a repository", stack_create_opts},
	{"stack", "list", "", 0, 0, 1, cmd_stack_list,
	 "list the stacks and modules you may see", stack_list_opts, 1},
	{"stack", "set-integration", "NAME INTEGRATION", 2, 2, 1, cmd_stack_set_integration,
	 "point a stack or module at an integration (re-attaches a detached one)",
	 stack_set_opts},
	{"stack", "update", "NAME", 1, 1, 1, cmd_stack_update,
	 "change a stack's repository, branch or root", stack_update_opts},
	{"stack", "delete", "NAME", 1, 1, 1, cmd_stack_delete,
	 "delete a stack or module and its runs (--yes)", stack_delete_opts},
	{"stack", "import", "FILE", 1, 1, 1, cmd_stack_import,
	 "import stacks from JSON lines (- = stdin), all or nothing", no_opts},
	{NULL, "serve", "", 0, 0, 0, cmd_serve,
	 "receive Bitbucket's webhook deliveries (HTTP; runs until SIGTERM)", serve_opts_table},
	{NULL, "deliveries", "NAME", 1, 1, 1, cmd_deliveries,
	 "list an integration's webhook deliveries, newest first", deliveries_opts, 1},
	{"run", "list", "", 0, 0, 1, cmd_run_list,
	 "list the runs of the stacks and modules you may see, newest first", run_list_opts, 1},
	{"run", "trigger", "STACK", 1, 1, 1, cmd_run_trigger,
	 "queue a tracked run of a stack or module by hand (needs write)", run_trigger_opts},
	{"run", "update", "RUN", 1, 1, 1, cmd_run_update,
	 "report a run's progress, as a runner does (needs write)", run_update_opts},
	{NULL, "audit", "", 0, 0, 1, cmd_audit, "show the audit log, newest first", audit_opts, 1},
	{NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL}
};
