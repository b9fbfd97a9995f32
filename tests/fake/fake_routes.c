/* fake_routes.c - what the fake Bitbucket answers, shaped like the real API:
 * paginated wrappers, repository and workspace objects, and the error bodies
 * Bitbucket really sends (plain-text 401 and 429, nested JSON errors whose
 * detail may be an object or a string, the flat commit-links app error). */
#include "fake.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crypto_lazy.h"

#include <cJSON.h>

static char base[64] = "http://127.0.0.1/2.0";
static long requests, misbehaved;
static char last_auth[700]; /* the Authorization value of the request being answered */

/* ---- buffers ------------------------------------------------------------------------ */

void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void sb_puts(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void sb_json(sbuf *b, const char *s)
{
	sb_puts(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_printf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			sb_printf(b, "\\u%04x", (unsigned char)*s);
		else
			sb_add(b, s, 1);
	}
	sb_puts(b, "\"");
}

void sb_free(sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ---- network ------------------------------------------------------------------------ */

int fake_listen(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 128) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

void fake_set_port(int port)
{
	snprintf(base, sizeof base, "http://127.0.0.1:%d/2.0", port);
}

/* ---- replies ------------------------------------------------------------------------ */

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 405: return "Method Not Allowed";
	case 301: return "Moved Permanently";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 410: return "Gone";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Status";
}

static void reply(fake_reply *r, int status, const char *ctype, const char *body, size_t len)
{
	sb_printf(&r->raw, "HTTP/1.1 %d %s\r\nServer: fake-bitbucket\r\nContent-Type: %s\r\n"
		  "Content-Length: %zu\r\n", status, reason(status), ctype, len);
	if (status == 401)
		sb_puts(&r->raw, "WWW-Authenticate: Basic realm=\"Bitbucket.org HTTP\"\r\n");
	sb_puts(&r->raw, r->extra);
	sb_puts(&r->raw, r->close ? "Connection: close\r\n\r\n" : "\r\n");
	sb_add(&r->raw, body, len);
}

static void reply_json(fake_reply *r, int status, sbuf *body)
{
	reply(r, status, "application/json; charset=utf-8", body->p ? body->p : "", body->len);
	sb_free(body);
}

static void reply_text(fake_reply *r, int status, const char *ctype, const char *text)
{
	reply(r, status, ctype, text, strlen(text));
}

static void reply_error(fake_reply *r, int status, const char *message)
{
	sbuf b = { 0 };

	sb_puts(&b, "{\"type\": \"error\", \"error\": {\"message\": ");
	sb_json(&b, message);
	sb_puts(&b, "}}");
	reply_json(r, status, &b);
}

static void reply_401_text(fake_reply *r)
{
	reply_text(r, 401, "text/plain", "Login failed due to incorrect login credentials or "
		   "method. See https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens/");
}

static void reply_huge(fake_reply *r)
{
	sbuf b = { 0 };
	char pad[4096];

	memset(pad, 'x', sizeof pad);
	sb_puts(&b, "{\"size\": 1, \"values\": [], \"pad\": \"");
	while (b.len < 9u * 1024 * 1024)
		sb_add(&b, pad, sizeof pad);
	sb_puts(&b, "\"}");
	reply_json(r, 200, &b);
}

/* --match: a substring of the target; a trailing '$' anchors it at the end. */
static int matches(const char *target)
{
	size_t ml = strlen(cfg.match), tl = strlen(target);

	if (!ml)
		return 1;
	if (cfg.match[ml - 1] == '$')
		return tl >= ml - 1 && !strncmp(target + tl - (ml - 1), cfg.match, ml - 1);
	return strstr(target, cfg.match) != NULL;
}

/* The switch of the moment, for a request it applies to. Returns 1 if it answered. */
static int misbehave(const char *method, const char *target, fake_reply *r)
{
	const char *m = cfg.mode;
	sbuf b = { 0 };

	if (!strcmp(m, "ok") || cfg.count == 0 || !matches(target) ||
	    (cfg.method[0] && strcmp(cfg.method, method)))
		return 0;
	if (cfg.after > 0) { /* a switch that starts in the middle of a run */
		cfg.after--;
		return 0;
	}
	if (cfg.count > 0)
		cfg.count--;
	misbehaved++;
	if (!strcmp(m, "401text")) {
		reply_401_text(r);
	} else if (!strcmp(m, "401json")) {
		reply_error(r, 401, "Token is invalid, expired, or not supported for this endpoint.");
	} else if (!strcmp(m, "403scope")) {
		sb_puts(&b, "{\"type\": \"error\", \"error\": {\"message\": \"Your credentials lack one "
			"or more required privilege scopes.\", \"detail\": {\"required\": [");
		sb_json(&b, cfg.scope[0] ? cfg.scope : "read:repository:bitbucket");
		sb_puts(&b, "], \"granted\": [\"read:user:bitbucket\"]}}}");
		reply_json(r, 403, &b);
	} else if (!strcmp(m, "403string")) {
		sb_puts(&b, "{\"type\": \"error\", \"error\": {\"message\": \"Forbidden\", \"detail\": "
			"\"You do not have access to this resource.\"}}");
		reply_json(r, 403, &b);
	} else if (!strcmp(m, "403none")) {
		reply_error(r, 403, "Forbidden");
	} else if (!strcmp(m, "404")) {
		reply_error(r, 404, "No workspace with identifier 'missing'.");
	} else if (!strcmp(m, "410")) {
		sb_puts(&b, "{\"type\": \"error\", \"error\": {\"message\": \"CHANGE-2770 - "
			"Functionality has been deprecated\", \"detail\": \"Please read the changelog "
			"entry for more details.\"}}");
		reply_json(r, 410, &b);
	} else if (!strcmp(m, "429")) {
		size_t used = strlen(r->extra);

		if (cfg.retry_after >= 0)
			snprintf(r->extra + used, sizeof r->extra - used, "Retry-After: %ld\r\n"
				 "X-RateLimit-Limit: 1000\r\nX-RateLimit-Resource: api\r\n",
				 cfg.retry_after);
		reply_text(r, 429, "text/plain", "Rate limit for this resource has been exceeded");
	} else if (!strcmp(m, "301")) {
		snprintf(r->extra, sizeof r->extra, "Location: %s/repositories/renamed-ws\r\n", base);
		reply_text(r, 301, "text/html", "");
	} else if (!strcmp(m, "echoauth")) {
		sb_puts(&b, "{\"type\": \"error\", \"error\": {\"message\": \"Bad request header ");
		sb_puts(&b, last_auth);
		sb_puts(&b, "\"}}");
		reply_json(r, 400, &b);
	} else if (!strcmp(m, "jsonastext")) {
		reply_text(r, 200, "text/plain", "{\"values\": [], \"pagelen\": 10, \"size\": 0}");
	} else if (!strcmp(m, "500")) {
		reply_error(r, 500, "Something went wrong");
	} else if (!strcmp(m, "503")) {
		reply_text(r, 503, "text/plain", "Service Unavailable");
	} else if (!strcmp(m, "drop")) {
		r->drop = 1;
	} else if (!strcmp(m, "malformed")) {
		reply_text(r, 200, "application/json", "{\"values\": [{\"full_name\": \"ws0/x\", ");
	} else if (!strcmp(m, "html")) {
		reply_text(r, 200, "text/html", "<!DOCTYPE html><html><head><title>Log in</title>"
			   "</head><body>Proxy login required</body></html>");
	} else if (!strcmp(m, "huge")) {
		reply_huge(r);
	} else if (!strcmp(m, "appnotinstalled")) {
		reply_text(r, 404, "application/json", "{\"error\": \"Invalid or unknown installation\"}");
	} else if (!strcmp(m, "400key")) {
		reply_text(r, 400, "application/json", "{\"type\": \"error\", \"error\": "
			   "{\"message\": \"Bad request\", \"fields\": {\"key\": [\"Ensure this "
			   "value has at most 40 characters.\"]}}}");
	} else if (!strcmp(m, "indexing")) {
		reply_text(r, 202, "application/json", "{\"pagelen\": 30, \"values\": [], \"page\": 1}");
	} else {
		return 0;
	}
	return 1;
}

/* ---- requests ------------------------------------------------------------------------ */

int fake_qparam(const char *query, const char *key, char *out, size_t size)
{
	size_t kl = strlen(key);

	for (const char *p = query; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, "&");

			snprintf(out, size, "%.*s", (int)n, p + kl + 1);
			return 1;
		}
	}
	return 0;
}

static long qlong(const char *query, const char *key, long def)
{
	char v[32];

	return fake_qparam(query, key, v, sizeof v) ? atol(v) : def;
}

static void remember_auth(const char *head)
{
	const char *h = strcasestr(head, "\nAuthorization: ");

	last_auth[0] = '\0';
	if (h)
		snprintf(last_auth, sizeof last_auth, "%.*s", (int)strcspn(h + 1, "\r\n"), h + 1);
}

static int auth_ok(const char *head)
{
	const char *h = strcasestr(head, "\nAuthorization: Basic ");
	char want[512];
	unsigned char out[512];
	size_t n;
	int len;

	if (!h)
		return 0;
	h += strlen("\nAuthorization: Basic ");
	n = strcspn(h, "\r\n");
	if (n == 0 || n > 600 || n % 4)
		return 0;
	len = EVP_DecodeBlock(out, (const unsigned char *)h, (int)n);
	if (len < 0)
		return 0;
	len -= (h[n - 1] == '=') + (h[n - 2] == '=');
	snprintf(want, sizeof want, "%s:%s", cfg.email, cfg.token);
	return (size_t)len == strlen(want) && memcmp(out, want, (size_t)len) == 0;
}

/* %XX and '+' decoded, as a server reads a query. */
void fake_url_decode(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (; *in && o + 1 < size; in++) {
		unsigned v;

		if (*in == '%' && sscanf(in + 1, "%2x", &v) == 1) {
			out[o++] = (char)v;
			in += 2;
		} else {
			out[o++] = *in == '+' ? ' ' : *in;
		}
	}
	out[o] = '\0';
}

static void control(const char *query, fake_reply *r)
{
	char v[128];

	if (fake_qparam(query, "mode", v, sizeof v))
		snprintf(cfg.mode, sizeof cfg.mode, "%.31s", v);
	cfg.count = qlong(query, "count", -1);
	cfg.match[0] = cfg.scope[0] = '\0';
	if (fake_qparam(query, "match", v, sizeof v))
		fake_url_decode(v, cfg.match, sizeof cfg.match);
	fake_qparam(query, "scope", cfg.scope, sizeof cfg.scope);
	cfg.latency_ms = qlong(query, "latency", cfg.latency_ms);
	cfg.nosize = (int)qlong(query, "nosize", cfg.nosize);
	cfg.badutf8 = (int)qlong(query, "badutf8", cfg.badutf8);
	cfg.foreign = (int)qlong(query, "foreign", cfg.foreign);
	cfg.maxpagelen = qlong(query, "maxpagelen", cfg.maxpagelen);
	if (fake_qparam(query, "scopes", v, sizeof v))
		fake_url_decode(v, cfg.scopes, sizeof cfg.scopes);
	cfg.retry_after = qlong(query, "retryafter", cfg.retry_after);
	cfg.unstable = (int)qlong(query, "unstable", cfg.unstable);
	cfg.created = qlong(query, "created", cfg.created);
	cfg.deleted = qlong(query, "deleted", cfg.deleted);
	cfg.churn_ws = qlong(query, "churnws", cfg.churn_ws);
	cfg.hugesize = (int)qlong(query, "hugesize", cfg.hugesize);
	cfg.endless = (int)qlong(query, "endless", cfg.endless);
	cfg.undersize = qlong(query, "undersize", cfg.undersize);
	cfg.method[0] = '\0';
	fake_qparam(query, "method", cfg.method, sizeof cfg.method);
	cfg.after = qlong(query, "after", 0);
	if (qlong(query, "reset", 0)) {
		memset(fake_added, 0, sizeof fake_added);
		memset(fake_removed, 0, sizeof fake_removed);
		misbehaved = 0;
	}
	reply_text(r, 200, "application/json", "{\"ok\": true}");
}

static void stats(fake_reply *r)
{
	sbuf b = { 0 };

	sb_printf(&b, "{\"requests\": %ld, \"max_inflight\": %ld, \"misbehaved\": %ld}", requests,
		  fake_max_inflight, misbehaved);
	reply_json(r, 200, &b);
}


/* ---- commit statuses ------------------------------------------------------------------ */

/* Every status posted, in arrival order, for GET /_statuses. */
static cJSON *posted_statuses;

/* A full hash for a short one (the short one repeated) or for a branch's
 * head ("b" and a hash of the name, repeated): tests can compute both. */
static void full_hash(const char *seed, int branch, char out[41])
{
	char pat[16];
	unsigned h = 2166136261u;
	size_t n;

	for (const char *p = seed; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	if (branch)
		snprintf(pat, sizeof pat, "b%08x", h);
	else
		snprintf(pat, sizeof pat, "%.12s", seed);
	n = strlen(pat);
	for (size_t i = 0; i < 40; i++)
		out[i] = n ? pat[i % n] : '0';
	out[40] = '\0';
}

static int hex40(const char *s)
{
	return strlen(s) == 40 && strspn(s, "0123456789abcdef") == 40;
}

static void status_post(const char *repo, const char *commit, fake_reply *r)
{
	cJSON *in = fake_body ? cJSON_ParseWithLength(fake_body, fake_body_len) : NULL;
	const cJSON *key = cJSON_GetObjectItemCaseSensitive(in, "key");
	const cJSON *state = cJSON_GetObjectItemCaseSensitive(in, "state");
	char *text;

	if (!hex40(commit)) {
		reply_error(r, 404, "Commit not found");
	} else if (!cJSON_IsString(key) || strlen(key->valuestring) > 40) {
		reply_text(r, 400, "application/json", "{\"type\": \"error\", \"error\": "
			   "{\"message\": \"Bad request\", \"fields\": {\"key\": [\"Ensure this "
			   "value has at most 40 characters.\"]}}}");
	} else if (!cJSON_IsString(state)) {
		reply_text(r, 400, "application/json", "{\"type\": \"error\", \"error\": "
			   "{\"message\": \"Bad request\", \"fields\": {\"state\": [\"This field "
			   "is required.\"]}}}");
	} else {
		if (!posted_statuses)
			posted_statuses = cJSON_CreateArray();
		cJSON_AddStringToObject(in, "repository", repo);
		cJSON_AddStringToObject(in, "commit", commit);
		cJSON_AddItemToArray(posted_statuses, cJSON_Duplicate(in, 1));
		cJSON_AddStringToObject(in, "type", "build");
		text = cJSON_PrintUnformatted(in);
		reply(r, 201, "application/json; charset=utf-8", text, strlen(text));
		free(text);
	}
	cJSON_Delete(in);
}

static void statuses_list(fake_reply *r)
{
	char *text;

	if (!posted_statuses)
		posted_statuses = cJSON_CreateArray();
	text = cJSON_PrintUnformatted(posted_statuses);
	reply(r, 200, "application/json", text, strlen(text));
	free(text);
}

/* .../commit/{x}[/statuses/build] and .../refs/branches/{name}. */
static int route_commit(const char *repo, const char *rest, const char *method, fake_reply *r)
{
	char name[256], full[41];
	sbuf b = { 0 };

	if (sscanf(rest, "/commit/%255[^/]/statuses/buil%1[d]", name, full) == 2 &&
	    !strcmp(method, "POST")) {
		status_post(repo, name, r);
	} else if (sscanf(rest, "/commit/%255[^/?]", name) == 1 && !strchr(rest + 8, '/')) {
		if (strspn(name, "0123456789abcdef") != strlen(name) || strlen(name) < 7) {
			reply_error(r, 404, "Commit not found");
			return 1;
		}
		full_hash(name, 0, full);
		sb_printf(&b, "{\"hash\": \"%s\"}", strlen(name) == 40 ? name : full);
		reply_json(r, 200, &b);
	} else if (sscanf(rest, "/refs/branches/%255[^?]", name) == 1) {
		full_hash(name, 1, full);
		sb_printf(&b, "{\"name\": \"%s\", \"target\": {\"hash\": \"%s\"}}", name, full);
		reply_json(r, 200, &b);
	} else {
		return 0;
	}
	return 1;
}

static const char *fake_method = "GET";

static void route_repo_sub(const char *path, const char *query, fake_reply *r)
{
	sbuf b = { 0 };
	char repo[256];
	const char *rest = strchr(path, '/');

	rest = rest ? strchr(rest + 1, '/') : NULL; /* after ws/slug */
	snprintf(repo, sizeof repo, "%.*s", rest ? (int)(rest - path) : 0, path);
	if (rest && strstr(rest, "/pullrequests") == NULL && route_commit(repo, rest, fake_method, r)) {
		return;
	} else if (rest && !strcmp(rest, "/pullrequests")) {
		if (qlong(query, "pagelen", 10) > 50) {
			reply_error(r, 400, "Invalid pagelen");
			return;
		}
		fake_payload_pullrequests(&b, base, repo);
		reply_json(r, 200, &b);
	} else if (rest && !strncmp(rest, "/src/", 5)) {
		sb_puts(&b, "{\"values\": [{\"type\": \"commit_file\", \"path\": \"README.md\"}], "
			"\"pagelen\": 10, \"page\": 1}");
		reply_json(r, 200, &b);
	} else if (rest && !strncmp(rest, "/commit/", 8) && strstr(rest + 8, "/pullrequests")) {
		fake_payload_pullrequests(&b, base, repo);
		reply_json(r, 200, &b);
	} else {
		reply_error(r, 404, "The requested repository either does not exist or you do not have "
			    "access.");
	}
}

static void route(const char *method, const char *path, const char *query, const char *body,
		  size_t len, fake_reply *r)
{
	const char *base_url = cfg.foreign ? "http://203.0.113.9/2.0" : base;
	sbuf b = { 0 };
	int st;

	if ((st = fake_hooks_route(method, path, body, len, base, &b)) != 0) {
		reply_json(r, st, &b);
	} else if (!strcmp(path, "/2.0/user")) {
		fake_payload_user(&b);
		reply_json(r, 200, &b);
	} else if (!strcmp(path, "/2.0/user/workspaces")) {
		fake_payload_workspaces(&b, base_url, query);
		reply_json(r, 200, &b);
	} else if (!strcmp(path, "/2.0/repositories") || !strcmp(path, "/2.0/workspaces") ||
		   !strncmp(path, "/2.0/user/permissions/", 22)) {
		sb_puts(&b, "{\"type\": \"error\", \"error\": {\"message\": \"CHANGE-2770 - "
			"Functionality has been deprecated\", \"detail\": \"Please read the changelog "
			"entry for more details.\", \"data\": {\"announcement_url\": "
			"\"https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770\"}}}");
		reply_json(r, 410, &b);
	} else if (!strncmp(path, "/2.0/repositories/", 18) && !strchr(path + 18, '/')) {
		char fields[1024];

		if (fake_payload_repos(&b, base_url, path + 18, query) == 404) {
			sb_free(&b);
			reply_error(r, 404, "No workspace with identifier 'missing'.");
			return;
		}
		if (fake_qparam(query, "fields", fields, sizeof fields)) {
			char dec[1024];

			fake_url_decode(fields, dec, sizeof dec);
			fake_fields(&b, dec);
		}
		reply_json(r, 200, &b);
	} else if (!strncmp(path, "/2.0/repositories/", 18)) {
		route_repo_sub(path + 18, query, r);
	} else {
		reply_error(r, 404, "Resource not found");
	}
}

void fake_route(char *head, const char *body, size_t len, fake_reply *r)
{
	char method[16], target[2048], *query;

	if (sscanf(head, "%15s %2047s", method, target) != 2) {
		r->close = 1;
		reply_text(r, 400, "text/plain", "bad request");
		return;
	}
	query = strchr(target, '?');
	if (query)
		*query++ = '\0';
	if (!strcmp(target, "/_control")) {
		r->now = 1;
		control(query, r);
		return;
	}
	if (!strcmp(target, "/_stats")) {
		r->now = 1;
		stats(r);
		return;
	}
	if (!strcmp(target, "/_hooks")) {
		sbuf b = { 0 };

		r->now = 1;
		fake_hooks_control(query, base, &b);
		reply_json(r, 200, &b);
		return;
	}
	if (!strcmp(target, "/_statuses")) {
		r->now = 1;
		statuses_list(r);
		return;
	}
	fake_method = !strcmp(method, "POST") ? "POST" : "GET";
	requests++;
	remember_auth(head);
	if (cfg.scopes[0]) /* on every answer to a request, as Bitbucket sends them */
		snprintf(r->extra, sizeof r->extra, "x-oauth-scopes: %s\r\nx-credential-type: "
			 "apikey\r\n", cfg.scopes);
	if (query)
		query[-1] = '?'; /* the switch matches on the whole target */
	if (misbehave(method, target, r))
		return;
	if (query)
		query[-1] = '\0';
	if (!auth_ok(head))
		reply_401_text(r);
	else
		route(method, target, query, body, len, r);
}
