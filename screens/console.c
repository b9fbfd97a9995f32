/* console.c - entry point of the full-screen console: pick the first screen,
 * run the toolkit's loop, restore the terminal. */
#include "console.h"

#include <stdio.h>
#include <stdlib.h>

#include "account.h"
#include "draft.h"
#include "privs.h"
#include "scr.h"
#include "space.h"
#include "stacks.h"
#include "troubleshoot.h"

/* Every screen's key table, for the key dump. */
static const struct {
	const char *title;
	const tui_keydef *keys;
} key_tables[] = {
	{"First-time setup", setup_keys},
	{"Integrations", home_keys},
	{"New integration: text steps (name, email, API token)", wizard_keys_line},
	{"New integration: type step", wizard_keys_choice},
	{"New integration: labels step", wizard_keys_labels},
	{"New integration: description step", wizard_keys_text},
	{"New integration: review step", wizard_keys_review},
	{"Resume a draft", resume_keys},
	{"Webhook setup", webhook_keys},
	{"Integration details", details_keys},
	{"Edit integration", edit_keys},
	{"Delete integration", delete_keys},
	{"Troubleshooting", troubleshoot_keys},
	{"Audit log", audit_keys},
	{"Audit log: one entry", audit_entry_keys},
	{"Deliveries", deliveries_keys},
	{"One delivery", delivery_view_keys},
	{"Stacks and modules", stacks_keys},
	{"Stacks and modules: new stack or module", stack_form_keys},
	{"Stacks and modules: choose an integration", stack_choose_keys},
	{"Stacks and modules: repository picker", repo_picker_keys},
	{"Dialogs", tui_dialog_keys},
	{"Help", tui_help_keys},
};

void console_dump_keys(FILE *out)
{
	for (size_t i = 0; i < sizeof key_tables / sizeof key_tables[0]; i++) {
		if (i)
			fputc('\n', out);
		tui_keytable_dump(key_tables[i].keys, key_tables[i].title, out);
	}
}

static tui_ret offer_resume(void *arg)
{
	tui_screen *r = resume_new(arg);

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
	int setup, rc;

	(void)argc;
	(void)argv;
	/* tokens are typed, verified and revealed here: no core dumps, no ptrace */
	privs_protect_secrets();
	scr_set_ctx(ctx);
	if ((rc = may_start(ctx, &setup)) != 0)
		return rc;
	if (tui_init(&opt) != 0) {
		fputs("bbconsole: the console needs a terminal on standard input and output; "
		      "run it in a terminal, or use the commands (bbconsole --help).\n", stderr);
		return BB_USAGE;
	}
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
