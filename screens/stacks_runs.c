/* stacks_runs.c - the recent runs of a stack for its details panel, with
 * the state of each run's commit statuses, read once when the panel opens. */
#include "stacks_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "scr.h"
#include "status.h"

#define RUNS_MAX 20

/* Appends with snprintf, never past size; returns the new length. */
__attribute__((format(printf, 4, 5)))
static size_t add(char *out, size_t size, size_t n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (n + 1 >= size)
		return n;
	va_start(ap, fmt);
	k = vsnprintf(out + n, size - n, fmt, ap);
	va_end(ap);
	if (k < 0)
		return n;
	n += (size_t)k;
	return n < size ? n : size - 1;
}

/* "  individual-key: INPROGRESS posted" per status, "failed: why" when refused. */
static size_t add_statuses(bb_ctx *ctx, const bb_run *r, char *out, size_t size, size_t n,
			   int *lines)
{
	bb_status *v = NULL;
	size_t k = 0;
	bb_err err = {0};

	if (status_of_run(ctx->db, r->id, &v, &k, &err) != BB_OK) {
		(*lines)++;
		return add(out, size, n, "\n    statuses: %s", err.msg);
	}
	if (!k) {
		(*lines)++;
		n = add(out, size, n, "\n    no status yet");
	}
	for (size_t i = 0; i < k; i++, (*lines)++)
		n = add(out, size, n, "\n    %s: %s %s%s%s", v[i].key, v[i].state, v[i].outcome,
			v[i].error ? " - " : "", v[i].error ? v[i].error : "");
	status_list_free(v, k);
	return n;
}

void stacks_runs_describe(bb_ctx *ctx, const char *name, int max_lines, char *out, size_t size)
{
	bb_run *v = NULL;
	size_t k = 0, n;
	bb_err err = {0};
	int lines = 1;

	n = add(out, size, 0, "\n\nRecent runs (newest first):");
	if (run_list(ctx, name, RUNS_MAX, &v, &k, &err) != BB_OK) {
		add(out, size, n, "\n  %s", err.msg);
		return;
	}
	if (!k)
		n = add(out, size, n, "\n  none yet (T triggers one)");
	for (size_t i = 0; i < k && lines < max_lines; i++, lines++) {
		char commit[8], when[64];

		snprintf(commit, sizeof commit, "%s", v[i].commit ? v[i].commit : "-");
		scr_short_time(v[i].created_at, when, sizeof when);
		n = add(out, size, n, "\n  %s %s %s %s %s", v[i].type, v[i].state, commit,
			v[i].branch ? v[i].branch : "-", when);
		n = add_statuses(ctx, &v[i], out, size, n, &lines);
	}
	run_list_free(v, k);
}
