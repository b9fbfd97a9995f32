/* fake_hooks.c - repository and workspace webhooks of the fake Bitbucket:
 * GET (list, one), POST, PUT, DELETE under /2.0/repositories/{ws}/{slug}/hooks
 * and /2.0/workspaces/{ws}/hooks, shaped like the recorded bodies (uuid in
 * braces, secret write-only with secret_set, subject, links). A repository
 * or workspace the fake does not hold answers 404.
 *
 * Control (no auth, no latency): GET /_hooks lists every hook with the
 * secret it holds, so a test can check what was written; /_hooks?add=1&
 * subject=S[&ws=1]&url=U&active=0|1&events=a,b&secret=X seeds one (secret
 * empty: none); /_hooks?clear=1 removes all. */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#define MAX_HOOKS 20000

typedef struct fhook {
	int ws;                /* a workspace hook */
	char subject[128];     /* "ws0/repo-00001" or "ws0" */
	char uuid[48];
	char url[512];
	char description[128];
	int active;
	char events[512];      /* comma-separated */
	char secret[160];      /* "" = none */
} fhook;

static fhook *hooks;
static size_t nhooks;
static unsigned long next_uuid = 1;

static void error_body(sbuf *out, const char *message)
{
	sb_puts(out, "{\"type\": \"error\", \"error\": {\"message\": ");
	sb_json(out, message);
	sb_puts(out, "}}");
}

/* Whether the fake holds the repository "wsN/repo-K" or workspace "wsN". */
static int subject_exists(int ws, const char *subject)
{
	long w = -1, k = -1;
	char rest[64];

	if (ws)
		return sscanf(subject, "ws%ld%63s", &w, rest) == 1 && w >= 0 && w < cfg.workspaces;
	if (sscanf(subject, "ws%ld/repo-%ld%63s", &w, &k, rest) != 2 || w < 0 ||
	    w >= cfg.workspaces || k < 0)
		return 0;
	if (cfg.repos_total > 0)
		return k < cfg.repos_total / cfg.workspaces + (w < cfg.repos_total % cfg.workspaces);
	return k < cfg.repos;
}

static void hook_json(sbuf *b, const fhook *h, const char *base, int with_secret)
{
	char ev[512], *save = NULL, *e;
	int first = 1;

	sb_puts(b, "{\"type\": \"webhook_subscription\", \"uuid\": ");
	sb_json(b, h->uuid);
	sb_puts(b, ", \"description\": ");
	sb_json(b, h->description);
	sb_puts(b, ", \"url\": ");
	sb_json(b, h->url);
	sb_printf(b, ", \"active\": %s, \"skip_cert_verification\": false, \"events\": [",
		  h->active ? "true" : "false");
	snprintf(ev, sizeof ev, "%s", h->events);
	for (e = strtok_r(ev, ",", &save); e; e = strtok_r(NULL, ",", &save), first = 0) {
		sb_puts(b, first ? "" : ", ");
		sb_json(b, e);
	}
	sb_printf(b, "], \"created_at\": \"2026-01-02T03:04:05.678901Z\", \"subject\": {\"type\": "
		  "\"%s\", \"full_name\": ", h->ws ? "workspace" : "repository");
	sb_json(b, h->subject);
	sb_printf(b, "}, \"links\": {\"self\": {\"href\": \"%s/%s/%s/hooks/%s\"}}, \"source\": null, "
		  "\"read_only\": false, \"history_enabled\": false, \"secret_set\": %s",
		  base, h->ws ? "workspaces" : "repositories", h->subject, h->uuid,
		  h->secret[0] ? "true" : "false");
	if (with_secret) {
		sb_puts(b, ", \"secret\": ");
		sb_json(b, h->secret);
	}
	sb_puts(b, "}");
}

static fhook *find(int ws, const char *subject, const char *uuid)
{
	for (size_t i = 0; i < nhooks; i++)
		if (hooks[i].ws == ws && !strcmp(hooks[i].subject, subject) &&
		    !strcmp(hooks[i].uuid, uuid))
			return &hooks[i];
	return NULL;
}

static fhook *add_hook(int ws, const char *subject)
{
	fhook *h;

	if (!hooks && !(hooks = calloc(MAX_HOOKS, sizeof *hooks)))
		abort();
	if (nhooks == MAX_HOOKS)
		return NULL;
	h = &hooks[nhooks++];
	memset(h, 0, sizeof *h);
	h->ws = ws;
	snprintf(h->subject, sizeof h->subject, "%s", subject);
	snprintf(h->uuid, sizeof h->uuid, "{%08lx-7e57-4000-8000-00000000f00d}", next_uuid++);
	h->active = 1;
	return h;
}

/* Applies a POST or PUT body; returns 0, or -1 with an error body. */
static int apply_body(fhook *h, const char *body, size_t len, int create, sbuf *out)
{
	cJSON *o = cJSON_ParseWithLength(body, len), *v, *e;

	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		error_body(out, "Bad request: the body is not JSON.");
		return -1;
	}
	if (cJSON_IsString(v = cJSON_GetObjectItem(o, "url")))
		snprintf(h->url, sizeof h->url, "%s", v->valuestring);
	else if (create) {
		cJSON_Delete(o);
		error_body(out, "url: This field is required.");
		return -1;
	}
	if (cJSON_IsString(v = cJSON_GetObjectItem(o, "description")))
		snprintf(h->description, sizeof h->description, "%s", v->valuestring);
	if ((v = cJSON_GetObjectItem(o, "active")))
		h->active = cJSON_IsTrue(v);
	if (cJSON_IsArray(v = cJSON_GetObjectItem(o, "events"))) {
		h->events[0] = '\0';
		cJSON_ArrayForEach(e, v) {
			size_t used = strlen(h->events);

			if (cJSON_IsString(e))
				snprintf(h->events + used, sizeof h->events - used, "%s%s",
					 used ? "," : "", e->valuestring);
		}
	}
	v = cJSON_GetObjectItem(o, "secret");
	if (cJSON_IsString(v))
		snprintf(h->secret, sizeof h->secret, "%s", v->valuestring);
	else if (cJSON_IsNull(v))
		h->secret[0] = '\0';
	cJSON_Delete(o);
	return 0;
}

static void list(int ws, const char *subject, const char *base, sbuf *out)
{
	int first = 1;

	sb_puts(out, "{\"pagelen\": 100, \"values\": [");
	for (size_t i = 0; i < nhooks; i++) {
		if (hooks[i].ws != ws || strcmp(hooks[i].subject, subject))
			continue;
		sb_puts(out, first ? "" : ", ");
		hook_json(out, &hooks[i], base, 0);
		first = 0;
	}
	sb_puts(out, "], \"page\": 1, \"size\": ");
	sb_printf(out, "%d}", first ? 0 : 1);
}

static int one_hook(const char *method, int ws, const char *subject, const char *uuid,
		    const char *body, size_t len, const char *base, sbuf *out)
{
	fhook *h = find(ws, subject, uuid);

	if (!h) {
		error_body(out, "The requested webhook does not exist.");
		return 404;
	}
	if (!strcmp(method, "DELETE")) {
		*h = hooks[--nhooks];
		return 204;
	}
	if (!strcmp(method, "PUT") && apply_body(h, body, len, 0, out) != 0)
		return 400;
	hook_json(out, h, base, 0);
	return 200;
}

int fake_hooks_route(const char *method, const char *path, const char *body, size_t len,
		     const char *base, sbuf *out)
{
	char subject[256], uuid[128] = "", dec[128];
	const char *p, *h;
	int ws;

	if (!strncmp(path, "/2.0/workspaces/", 16))
		ws = 1, p = path + 16;
	else if (!strncmp(path, "/2.0/repositories/", 18))
		ws = 0, p = path + 18;
	else
		return 0;
	h = strstr(p, "/hooks");
	if (!h || (h[6] && h[6] != '/'))
		return 0;
	snprintf(subject, sizeof subject, "%.*s", (int)(h - p), p);
	if (h[6] == '/')
		snprintf(uuid, sizeof uuid, "%s", h + 7);
	fake_url_decode(uuid, dec, sizeof dec);
	if (!subject_exists(ws, subject)) {
		error_body(out, ws ? "No workspace with identifier 'missing'." : "The requested "
			   "repository either does not exist or you do not have access.");
		return 404;
	}
	if (dec[0])
		return one_hook(method, ws, subject, dec, body, len, base, out);
	if (!strcmp(method, "GET")) {
		list(ws, subject, base, out);
		return 200;
	}
	if (strcmp(method, "POST")) {
		error_body(out, "Method not allowed.");
		return 405;
	}
	{
		fhook *n = add_hook(ws, subject);

		if (!n || apply_body(n, body, len, 1, out) != 0) {
			if (n)
				nhooks--;
			return 400;
		}
		hook_json(out, n, base, 0);
	}
	return 201;
}

static void seed(const char *query)
{
	char subject[128] = "", url[512] = "", events[512] = "", secret[160] = "", v[600];
	fhook *h;

	if (fake_qparam(query, "subject", v, sizeof v))
		fake_url_decode(v, subject, sizeof subject);
	if (fake_qparam(query, "url", v, sizeof v))
		fake_url_decode(v, url, sizeof url);
	if (fake_qparam(query, "events", v, sizeof v))
		fake_url_decode(v, events, sizeof events);
	if (fake_qparam(query, "secret", v, sizeof v))
		fake_url_decode(v, secret, sizeof secret);
	h = add_hook(fake_qparam(query, "ws", v, sizeof v) && !strcmp(v, "1"), subject);
	if (!h)
		return;
	snprintf(h->url, sizeof h->url, "%s", url);
	snprintf(h->events, sizeof h->events, "%s", events);
	snprintf(h->secret, sizeof h->secret, "%s", secret);
	snprintf(h->description, sizeof h->description, "seeded");
	h->active = !(fake_qparam(query, "active", v, sizeof v) && !strcmp(v, "0"));
}

void fake_hooks_control(const char *query, const char *base, sbuf *out)
{
	char v[16];

	if (fake_qparam(query, "clear", v, sizeof v))
		nhooks = 0;
	if (fake_qparam(query, "add", v, sizeof v))
		seed(query);
	sb_puts(out, "[");
	for (size_t i = 0; i < nhooks; i++) {
		sb_puts(out, i ? ",\n" : "\n");
		hook_json(out, &hooks[i], base, 1);
	}
	sb_puts(out, "]");
}
