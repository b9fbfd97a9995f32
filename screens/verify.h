/* verify.h - background credential checks for the console's screens.
 *
 * The console has ONE Bitbucket client (verify_client), created on first
 * use; its fd is watched by the event loop, which collects the results, so a
 * check never blocks the keyboard. A verify_state lives inside a screen's
 * state: start it, draw its status line, cancel it; `done` runs on the
 * loop's thread when the result arrives (never after verify_destroy).
 *
 *     verify_init(&w->verify, on_verified, w);
 *     verify_start(&w->verify, email, token, &workspaces);  // token may be wiped at once
 *     ... in draw:  verify_draw(&w->verify, win, y, x, width);
 *     ... on Esc:   verify_cancel(&w->verify);
 *     ... destroy:  verify_destroy(&w->verify);
 *
 * A screen that is destroyed while its check runs is safe: the result is
 * dropped when it arrives. */
#ifndef VERIFY_H
#define VERIFY_H

#include "tui.h"

#include "bitbucket.h"
#include "ctx.h"

/* The console's client (lazily created, its fd watched by the loop). NULL
 * with err set when it cannot start. */
bb_client *verify_client(bb_err *err);
/* Stops it (cancels every job, joins the worker). Also run at exit; safe to
 * call twice. */
void verify_client_free(void);

typedef enum verify_status {
	VERIFY_IDLE,      /* never started */
	VERIFY_RUNNING,
	VERIFY_OK,
	VERIFY_FAILED,
	VERIFY_CANCELLED
} verify_status;

typedef struct verify_state verify_state;
typedef void (*verify_done_fn)(void *arg, verify_state *v);

struct verify_link; /* private: what the client's callback points at */

struct verify_state {
	verify_status status;
	bb_job_kind kind;
	bb_job_result result;  /* the last result (VERIFY_OK / VERIFY_FAILED) */
	char text[BB_MSG_MAX]; /* the status sentence (see verify_status_text) */
	verify_done_fn done;   /* may be NULL */
	void *arg;
	/* private */
	bb_ctx *record_ctx;    /* verify_saved: where to record the outcome */
	char record_slug[256];
	bb_job_id job;
	struct verify_link *link;
	int timer;             /* spinner redraws while running */
};

void verify_init(verify_state *v, verify_done_fn done, void *arg);

/* Starts checking the credentials (cancelling a check still running). The
 * client copies email, token and workspaces. Returns 0, or -1 with the
 * reason in v->text (status VERIFY_FAILED; done is not called). */
int verify_start(verify_state *v, const char *email, const char *token,
		 const bb_strlist *workspaces);

/* Verifies a saved integration with its stored credentials (admins of its
 * space only: otherwise -1 with the sentence in v->text). When the result
 * arrives it is recorded with integration_record_verify (the list shows it)
 * before done runs. */
int verify_saved(verify_state *v, bb_ctx *ctx, const char *slug);

/* The same without recording: the stored credentials of slug, read and
 * decrypted by core (remote.h); a refusal is -1 with the sentence. */
int verify_start_saved(verify_state *v, bb_ctx *ctx, const char *slug);

/* The Pull Request Commit Links app on one commit of "ws/slug", with the
 * stored credentials of slug. */
int verify_start_commit(verify_state *v, bb_ctx *ctx, const char *slug, const char *repository,
			const char *commit);

/* The first half of a triggered run (run_trigger_start): the refusal (no
 * write, detached) in v->text with -1, else the branch head is asked for;
 * done then hands v->result to run_trigger_finish. */
int verify_start_trigger(verify_state *v, bb_ctx *ctx, const char *stack);

/* Stops a running check at once (status VERIFY_CANCELLED; done is not
 * called). Nothing happens when none runs. */
void verify_cancel(verify_state *v);

/* "Checking credentials…" while running, then the result sentence; "" when
 * idle. Valid until the state changes. */
const char *verify_status_text(const verify_state *v);
bool verify_running(const verify_state *v);

/* Draws the status line: a spinner and the text while running, then the
 * sentence (error attribute on failure), wrapped in at most max_rows rows.
 * Returns the rows used. */
int verify_draw(const verify_state *v, WINDOW *w, int y, int x, int width, int max_rows);

/* One sentence on the webhook scopes from verify's GET hooks probe, saying
 * that without them the webhooks are managed by hand. */
void verify_hooks_text(const bb_verify_info *i, char *out, size_t size);

/* Cancels and frees what the state holds. */
void verify_destroy(verify_state *v);

#endif
