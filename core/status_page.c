/* status_page.c - the read-only HTML page of one run that every commit
 * status links to (status.h). Everything from the database is escaped; the
 * page never holds a secret (no token, no webhook secret, no delivery body). */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

typedef struct page {
	char *p;
	size_t len, cap;
	int oom;
} page;

static void put(page *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 2048;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(np = realloc(b->p, cap))) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void puts_raw(page *b, const char *s)
{
	put(b, s, strlen(s));
}

/* s with & < > " ' escaped and control characters dropped. */
static void puts_esc(page *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': puts_raw(b, "&amp;"); break;
		case '<': puts_raw(b, "&lt;"); break;
		case '>': puts_raw(b, "&gt;"); break;
		case '"': puts_raw(b, "&quot;"); break;
		case '\'': puts_raw(b, "&#39;"); break;
		default:
			if ((unsigned char)*s >= 0x20 && *s != 0x7f)
				put(b, s, 1);
		}
	}
	if (!s)
		puts_raw(b, "-");
}

static void row(page *b, const char *label, const char *value)
{
	puts_raw(b, "<tr><th>");
	puts_raw(b, label);
	puts_raw(b, "</th><td>");
	puts_esc(b, value);
	puts_raw(b, "</td></tr>\n");
}

static void statuses(page *b, bb_db *db, const char *id)
{
	bb_status *v = NULL;
	size_t n = 0;
	bb_err err;

	if (status_of_run(db, id, &v, &n, &err) != BB_OK || n == 0) {
		puts_raw(b, "<p>No commit status for this run.</p>\n");
		return;
	}
	puts_raw(b, "<table>\n<tr><th>Key</th><th>State</th><th>Posted</th><th>Why</th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		const char *cells[] = {v[i].key, v[i].state, v[i].outcome, v[i].error};

		puts_raw(b, "<tr>");
		for (size_t k = 0; k < 4; k++) {
			puts_raw(b, "<td>");
			puts_esc(b, cells[k] ? cells[k] : "");
			puts_raw(b, "</td>");
		}
		puts_raw(b, "</tr>\n");
	}
	puts_raw(b, "</table>\n");
	status_list_free(v, n);
}

bb_code status_page_html(bb_db *db, const char *run_id, char **html, bb_err *err)
{
	bb_run r;
	int found;
	page b = {0};
	bb_code rc = run_get(db, run_id, &r, &found, err);

	*html = NULL;
	if (rc != BB_OK)
		return rc;
	if (!found)
		return bb_fail(err, BB_NOTFOUND, "No run has this id.");
	puts_raw(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Run ");
	puts_esc(&b, r.id);
	puts_raw(&b, "</title></head><body>\n<h1>");
	puts_esc(&b, r.stack);
	puts_raw(&b, "</h1>\n<table>\n");
	row(&b, "Run", r.id);
	row(&b, "Kind", r.kind);
	row(&b, "Type", r.type);
	row(&b, "Commit", r.commit);
	row(&b, "Branch", r.branch);
	row(&b, "State", r.state);
	row(&b, "Note", r.note);
	row(&b, "Created", r.created_at);
	row(&b, "Updated", r.updated_at);
	puts_raw(&b, "</table>\n<h2>Commit statuses</h2>\n");
	statuses(&b, db, r.id);
	puts_raw(&b, "</body></html>\n");
	run_free(&r);
	if (b.oom) {
		free(b.p);
		return bb_oom(err);
	}
	*html = b.p;
	return BB_OK;
}
