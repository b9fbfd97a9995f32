/* console.c - entry point of the full-screen console: pick the first screen,
 * run the toolkit's loop, restore the terminal. */
#include "console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "draft.h"
#include "privs.h"
#include "scr.h"
#include "space.h"
#include "spaces.h"
#include "stacks.h"
#include "troubleshoot.h"

/* Every screen's key table, for the key dump, under the name a config file
 * binds keys on (a screen with several tables has them all). */
static const struct {
	const char *name;
	const char *title;
	const tui_keydef *keys;
} key_tables[] = {
	{"setup", "First-time setup", setup_keys},
	{"home", "Integrations", home_keys},
	{"wizard", "New integration: text steps (name, email, API token)", wizard_keys_line},
	{"wizard", "New integration: type step", wizard_keys_choice},
	{"wizard", "New integration: labels step", wizard_keys_labels},
	{"wizard", "New integration: description step", wizard_keys_text},
	{"wizard", "New integration: review step", wizard_keys_review},
	{"resume", "Resume a draft", offers_resume_keys},
	{"webhook", "Webhook setup", webhook_keys},
	{"details", "Integration details", details_keys},
	{"edit", "Edit integration", edit_keys},
	{"delete", "Delete integration", delete_keys},
	{"troubleshoot", "Troubleshooting", troubleshoot_keys},
	{"audit", "Audit log", audit_keys},
	{"audit-entry", "Audit log: one entry", audit_entry_keys},
	{"deliveries", "Deliveries", deliveries_keys},
	{"delivery", "One delivery", deliveries_view_keys},
	{"stacks", "Stacks and modules", stacks_keys},
	{"stack-form", "Stacks and modules: new stack or module", stacks_form_keys},
	{"stack-choose", "Stacks and modules: choose an integration", stacks_choose_keys},
	{"repo-picker", "Stacks and modules: repository picker", repo_picker_keys},
	{"spaces", "Spaces and roles", spaces_keys},
	{"space-users", "Spaces and roles: roles in a space", space_users_keys},
	{"space-form", "Spaces and roles: new space", space_forms_space_keys},
	{"grant-form", "Spaces and roles: grant a role", space_forms_grant_keys},
	{"dialog", "Dialogs", tui_dialog_keys},
	{"help", "Help", tui_help_keys},
	{NULL, "Text fields", tui_field_keys},
	{NULL, "Text fields: tags", tui_tags_keys},
};

#define NTABLES (sizeof key_tables / sizeof key_tables[0])

void console_dump_keys(FILE *out)
{
	for (size_t i = 0; i < NTABLES; i++) {
		if (i)
			fputc('\n', out);
		tui_keytable_dump(key_tables[i].keys, key_tables[i].title, out);
	}
}

const tui_keydef *console_keytable(size_t i, const char **name)
{
	if (i >= NTABLES)
		return NULL;
	*name = key_tables[i].name;
	return key_tables[i].keys;
}

/* Every action with the keys that do it by default on any screen. */
void console_dump_actions(FILE *out)
{
	const tui_action_def *a;

	tui_actions_register(scr_actions);
	for (size_t i = 0; (a = tui_action_at(i)) != NULL; i++) {
		tui_key keys[32];
		size_t n = 0;

		for (size_t t = 0; t < NTABLES; t++) {
			tui_key k[8];
			size_t got = tui_keytable_keys_of(key_tables[t].keys, a->action, k, 8);

			for (size_t g = 0; g < got; g++) {
				bool dup = false;

				for (size_t j = 0; j < n; j++)
					dup = dup || keys[j] == k[g];
				if (!dup && n < 32)
					keys[n++] = k[g];
			}
		}
		fprintf(out, "%s\t", a->name);
		for (size_t j = 0; j < n; j++) {
			char name[32];

			tui_key_name(keys[j], name, sizeof name);
			fprintf(out, "%s%s", j ? " " : "", name);
		}
		fputc('\n', out);
	}
}

static tui_ret offer_resume(void *arg)
{
	tui_screen *r = offers_resume_new(arg);

	return r ? tui_push(r) : tui_redraw();
}

/* The screen to start on for a set-up account: the list, with the offer to
 * resume a saved draft over it (a timer pushes it once the loop runs). */
static tui_screen *start_screen(bb_ctx *ctx)
{
	char *json = NULL;
	bb_err err = {0};
	tui_screen *home = home_new();

	if (home && draft_load(ctx, &json, &err) == BB_OK && json &&
	    tui_timer_add(0, false, offer_resume, json) < 0)
		free(json);
	return home;
}

/* Checks, before touching the terminal, that the console may start: returns
 * 0 and *setup (no account yet), or the exit status after printing why. */
static int may_start(bb_ctx *ctx, int *setup)
{
	bb_account acct = {0};
	bb_err err = {0};
	bb_code rc = account_get(ctx, &acct, &err);

	*setup = 0;
	if (rc == BB_NOTFOUND) {
		*setup = 1;
		return 0;
	}
	if (rc == BB_OK) {
		account_free(&acct);
		rc = space_require_user(ctx, &err);
	}
	if (rc != BB_OK)
		fprintf(stderr, "bbconsole: %s\n", err.msg);
	return (int)rc;
}

static int refuse_terminal(int why)
{
	if (why == TUI_INIT_NO_CURSOR)
		fputs("bbconsole: this terminal (TERM) cannot move the cursor, so the console "
		      "cannot run; use the commands instead (bbconsole integration list, "
		      "bbconsole --help).\n", stderr);
	else
		fputs("bbconsole: the console needs a terminal on standard input and output; "
		      "run it in a terminal, or use the commands (bbconsole --help).\n", stderr);
	return BB_USAGE;
}

int console_check_terminal(void)
{
	int rc = tui_check_terminal();

	return rc ? refuse_terminal(rc) : 0;
}

/* BBCONSOLE_WATCH_MS: how often to look for other processes' changes (0: never,
 * for tests of the reload keys); SCR_WATCH_MS when unset or unreadable. */
static int watch_ms(void)
{
	const char *v = privs_getenv("BBCONSOLE_WATCH_MS");
	char *end;
	long ms;

	if (!v || !*v)
		return SCR_WATCH_MS;
	ms = strtol(v, &end, 10);
	return *end || ms < 0 || ms > 600000 ? SCR_WATCH_MS : (int)ms;
}

int console_main(bb_ctx *ctx, int argc, char **argv)
{
	tui_options opt = {.app_name = "bbconsole"};
	tui_screen *first;
	bb_err err = {0};
	int setup, rc;

	/* the command line was checked already: only the flag is looked for */
	for (int i = 1; i < argc; i++)
		opt.no_mouse = opt.no_mouse || strcmp(argv[i], "--no-mouse") == 0;
	/* tokens are typed, verified and revealed here: no core dumps, no ptrace */
	privs_protect_secrets();
	scr_set_ctx(ctx);
	if ((rc = may_start(ctx, &setup)) != 0)
		return rc;
	tui_actions_register(scr_actions);
	if ((rc = console_config_load(&err)) != BB_OK) {
		fprintf(stderr, "bbconsole: %s\n", err.msg);
		return rc;
	}
	if ((rc = tui_init(&opt)) != 0)
		return refuse_terminal(rc);
	first = setup ? setup_new() : start_screen(ctx);
	if (!first) {
		tui_end();
		fputs("bbconsole: out of memory while opening the console.\n", stderr);
		return BB_DBERR;
	}
	/* changes made by other processes (the command line, the receiver) show up */
	scr_watch_data(watch_ms());
	rc = tui_run(first);
	tui_end();
	return rc;
}
