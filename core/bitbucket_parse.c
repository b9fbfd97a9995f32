/* bitbucket_parse.c - turning Bitbucket responses into data and sentences.
 *
 * Everything here is pure and must survive any input (it is fuzzed): bodies
 * may be truncated, not JSON, HTML from a proxy, or JSON with nulls and
 * wrong types anywhere. */
#include "bitbucket.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cJSON.h>

#include "validate.h"

/* Server text quoted in a sentence stays short: messages must stay one line. */
#define QUOTE_MAX 160

char *bitbucket_clean_text(const char *s, size_t len, size_t max_bytes)
{
	char *raw = malloc(len + 1), *clean;
	size_t cut;

	if (!raw)
		return NULL;
	for (size_t i = 0; i < len; i++)
		raw[i] = s[i] ? s[i] : ' '; /* a NUL inside would hide the rest */
	raw[len] = '\0';
	clean = validate_sanitize(raw, 0);
	free(raw);
	if (!clean)
		return NULL;
	cut = strlen(clean);
	if (cut > max_bytes) {
		cut = max_bytes;
		while (cut > 0 && ((unsigned char)clean[cut] & 0xC0) == 0x80)
			cut--; /* never split a character */
		clean[cut] = '\0';
	}
	return clean;
}

static char *clean_str(const char *s, size_t max_bytes)
{
	return bitbucket_clean_text(s, strlen(s), max_bytes);
}

static const char *json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static long json_long(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e12)
		return -1;
	return (long)v->valuedouble;
}

static int looks_like_html(const char *body, size_t len)
{
	size_t i = 0;

	while (i < len && isspace((unsigned char)body[i]))
		i++;
	return i < len && body[i] == '<';
}

static bb_code not_json(const char *body, size_t len, bb_err *err)
{
	if (len == 0)
		return bb_fail(err, BB_REMOTE, "Bitbucket sent an empty answer: try again, and check "
			       "that BBCONSOLE_BITBUCKET_API points at the Bitbucket API.");
	if (looks_like_html(body, len))
		return bb_fail(err, BB_REMOTE, "A web page came back instead of Bitbucket's JSON: check "
			       "your proxy settings and BBCONSOLE_BITBUCKET_API.");
	return bb_fail(err, BB_REMOTE, "Bitbucket sent an answer that is not valid JSON: try again, "
		       "and check your proxy settings and BBCONSOLE_BITBUCKET_API.");
}

/* Parses a body that must be a JSON object. */
static cJSON *parse_object(const char *body, size_t len, bb_err *err)
{
	cJSON *root;

	if (!body || len == 0) {
		not_json("", 0, err);
		return NULL;
	}
	root = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		not_json(body, len, err);
		return NULL;
	}
	return root;
}

static bb_code take_next(const cJSON *root, char **next, bb_err *err)
{
	const char *n = json_str(root, "next");

	*next = NULL;
	if (!n || !*n)
		return BB_OK;
	*next = strdup(n);
	return *next ? BB_OK : bb_oom(err);
}

static const cJSON *values_of(const cJSON *root, bb_err *err)
{
	const cJSON *values = cJSON_GetObjectItemCaseSensitive(root, "values");

	if (!cJSON_IsArray(values)) {
		bb_fail(err, BB_REMOTE, "Bitbucket's answer has no list of values: check that "
			"BBCONSOLE_BITBUCKET_API points at the Bitbucket API 2.0.");
		return NULL;
	}
	return values;
}

/* A page: the object body holds and its "values" array; BB_REMOTE (root
 * NULL) when it is neither. */
static bb_code parse_page(const char *body, size_t len, cJSON **root, const cJSON **values,
			  bb_err *err)
{
	if (!(*root = parse_object(body, len, err)))
		return BB_REMOTE;
	if (!(*values = values_of(*root, err))) {
		cJSON_Delete(*root);
		*root = NULL;
		return BB_REMOTE;
	}
	return BB_OK;
}

bb_code bitbucket_parse_workspaces_admin(const char *body, size_t len, bb_strlist *slugs,
					 bb_strlist *admins, char **next, bb_err *err)
{
	cJSON *root;
	const cJSON *values, *it;
	bb_code rc = BB_OK;

	*next = NULL;
	if (parse_page(body, len, &root, &values, err) != BB_OK)
		return BB_REMOTE;
	cJSON_ArrayForEach(it, values) {
		/* workspace_access items nest the workspace; accept a bare one too */
		const cJSON *ws = cJSON_GetObjectItemCaseSensitive(it, "workspace");
		const char *slug = json_str(cJSON_IsObject(ws) ? ws : it, "slug");
		int admin = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "administrator"));
		char *clean;

		if (!slug || !*slug)
			continue;
		clean = clean_str(slug, 256);
		if (!clean || (!strlist_contains(slugs, clean) && strlist_push(slugs, clean) != 0))
			rc = bb_oom(err);
		else if (admin && admins && !strlist_contains(admins, clean))
			strlist_push(admins, clean);
		free(clean);
		if (rc)
			break;
	}
	if (rc == BB_OK)
		rc = take_next(root, next, err);
	cJSON_Delete(root);
	return rc;
}

char *bitbucket_parse_user(const char *body, size_t len)
{
	cJSON *root = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const char *name = json_str(root, "display_name");
	char *out = NULL;

	if (!name || !*name)
		name = json_str(root, "nickname");
	if (name && *name)
		out = clean_str(name, QUOTE_MAX);
	cJSON_Delete(root);
	return out;
}

/* ---- scopes ------------------------------------------------------------------ */

const char *const bitbucket_scopes_required[] = {
	"read:repository:bitbucket", "read:pullrequest:bitbucket", NULL
};
const char *const bitbucket_scopes_recommended[] = { "read:workspace:bitbucket", NULL };
const char *const bitbucket_scopes_optional[] = {
	"read:user:bitbucket", "read:webhook:bitbucket", "write:webhook:bitbucket", NULL
};

/* Legacy (OAuth consumer, app password) names and what they grant in the
 * API-token names. Legacy write scopes imply read, as they did. */
static const struct {
	const char *legacy, *scope[2];
} legacy_scopes[] = {
	{ "account", { "read:user:bitbucket", NULL } },
	{ "email", { "read:user:bitbucket", NULL } },
	{ "team", { "read:workspace:bitbucket", NULL } },
	{ "repository", { "read:repository:bitbucket", NULL } },
	{ "repository:write", { "read:repository:bitbucket", "write:repository:bitbucket" } },
	{ "repository:admin", { "read:repository:bitbucket", "admin:repository:bitbucket" } },
	{ "pullrequest", { "read:pullrequest:bitbucket", NULL } },
	{ "pullrequest:write", { "read:pullrequest:bitbucket", "write:pullrequest:bitbucket" } },
	{ "webhook", { "read:webhook:bitbucket", "write:webhook:bitbucket" } },
	{ "project", { "read:project:bitbucket", NULL } },
};

static void push_unique(bb_strlist *out, const char *s)
{
	if (!strlist_contains(out, s))
		strlist_push(out, s);
}

void bitbucket_scope_translate(const char *name, bb_strlist *out)
{
	for (size_t i = 0; i < sizeof legacy_scopes / sizeof legacy_scopes[0]; i++) {
		if (strcmp(name, legacy_scopes[i].legacy) != 0)
			continue;
		for (int k = 0; k < 2 && legacy_scopes[i].scope[k]; k++)
			push_unique(out, legacy_scopes[i].scope[k]);
		return;
	}
	push_unique(out, name);
}

void bitbucket_scopes_parse(const char *value, bb_strlist *out)
{
	const char *p = value;

	while (p && *p && out->n < 64) {
		size_t n;
		char *name, *clean;

		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (!n)
			break;
		name = strndup(p, n > 64 ? 64 : n);
		clean = name ? clean_str(name, 64) : NULL;
		if (clean && *clean)
			bitbucket_scope_translate(clean, out);
		free(name);
		free(clean);
		p += n;
	}
}

long bitbucket_retry_after(const char *value, long long now)
{
	struct tm tm;
	char *end;
	long n;

	if (!value)
		return -1;
	while (isspace((unsigned char)*value))
		value++;
	if (isdigit((unsigned char)*value)) {
		n = strtol(value, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		return *end || n < 0 || n > 86400 * 7 ? -1 : n;
	}
	memset(&tm, 0, sizeof tm);
	end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end)
		return -1;
	n = (long)(timegm(&tm) - (time_t)now);
	return n < 0 ? 0 : n > 86400 * 7 ? -1 : n;
}

/* Fills r from one repository object; returns 0 when it has no full_name. */
#define BB_FULL_NAME_MAX 1000

static int repo_from_json(const cJSON *it, bb_repo *r)
{
	const char *full = json_str(it, "full_name"), *slash, *s;
	const cJSON *mb = cJSON_GetObjectItemCaseSensitive(it, "mainbranch");
	char ws[512];

	memset(r, 0, sizeof *r);
	if (!full || !(slash = strchr(full, '/')) || slash == full || !slash[1])
		return 0;
	/* Real names are far shorter; a longer one would be cut below and lose
	 * its '/', so it is no repository we can name. */
	if (strlen(full) > BB_FULL_NAME_MAX || (size_t)(slash - full) >= sizeof ws)
		return 0;
	snprintf(ws, sizeof ws, "%.*s", (int)(slash - full), full);
	/* cleaning may triple a byte (U+FFFD): leave room so nothing is cut */
	r->full_name = clean_str(full, 3 * BB_FULL_NAME_MAX);
	r->workspace = clean_str(ws, 3 * sizeof ws);
	s = json_str(it, "slug");
	r->slug = clean_str(s && *s ? s : slash + 1, 512);
	s = json_str(it, "name");
	r->name = clean_str(s && *s ? s : slash + 1, 512);
	r->is_private = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "is_private"));
	if (cJSON_IsObject(mb) && (s = json_str(mb, "name")) && *s)
		r->mainbranch = clean_str(s, 512);
	if ((s = json_str(it, "updated_on")))
		r->updated_on = clean_str(s, 64);
	return 1;
}

static void repo_free(bb_repo *r)
{
	free(r->full_name);
	free(r->workspace);
	free(r->slug);
	free(r->name);
	free(r->mainbranch);
	free(r->updated_on);
}

void bitbucket_repos_free(bb_repo_list *l)
{
	UTIL_FREE_EACH(l->v, l->n, repo_free);
	l->v = NULL;
	l->n = 0;
}

static int repo_cmp(const void *a, const void *b)
{
	return strcmp(((const bb_repo *)a)->full_name, ((const bb_repo *)b)->full_name);
}

void bitbucket_repos_sort_unique(bb_repo_list *l)
{
	size_t w = 0;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof *l->v, repo_cmp);
	for (size_t i = 1; i < l->n; i++) {
		if (strcmp(l->v[w].full_name, l->v[i].full_name) == 0)
			repo_free(&l->v[i]);
		else
			l->v[++w] = l->v[i];
	}
	l->n = w + 1;
}

static bb_code repos_from_values(const cJSON *values, bb_repo_list *out, bb_err *err)
{
	int count = cJSON_GetArraySize(values);
	const cJSON *it;

	out->v = calloc(count > 0 ? (size_t)count : 1, sizeof *out->v);
	if (!out->v)
		return bb_oom(err);
	cJSON_ArrayForEach(it, values) {
		bb_repo *r = &out->v[out->n];

		if (!repo_from_json(it, r))
			continue;
		out->n++;
		if (!r->full_name || !r->workspace || !r->slug || !r->name)
			return bb_oom(err);
	}
	return BB_OK;
}

bb_code bitbucket_parse_repos(const char *body, size_t len, bb_repo_page *out, bb_err *err)
{
	cJSON *root;
	const cJSON *values;
	bb_code rc;

	memset(out, 0, sizeof *out);
	out->size = out->page = out->pagelen = -1;
	if (parse_page(body, len, &root, &values, err) != BB_OK)
		return BB_REMOTE;
	out->size = json_long(root, "size");
	out->page = json_long(root, "page");
	out->pagelen = json_long(root, "pagelen");
	rc = repos_from_values(values, &out->repos, err);
	if (rc == BB_OK)
		rc = take_next(root, &out->next, err);
	cJSON_Delete(root);
	if (rc)
		bitbucket_repo_page_free(out);
	return rc;
}

void bitbucket_repo_page_free(bb_repo_page *p)
{
	bitbucket_repos_free(&p->repos);
	free(p->next);
	p->next = NULL;
}

/* ---- error responses --------------------------------------------------------- */

/* Collects detail.required (an array of strings, or one string). */
static void scopes_from_detail(const cJSON *detail, bb_strlist *out)
{
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(detail, "required"), *it;

	if (cJSON_IsString(req) && req->valuestring && *req->valuestring) {
		char *c = clean_str(req->valuestring, 64);

		if (c)
			bitbucket_scope_translate(c, out);
		free(c);
		return;
	}
	if (!cJSON_IsArray(req))
		return;
	cJSON_ArrayForEach(it, req) {
		char *c;

		if (!cJSON_IsString(it) || !it->valuestring || !*it->valuestring || out->n >= 8)
			continue;
		c = clean_str(it->valuestring, 64);
		if (c)
			bitbucket_scope_translate(c, out);
		free(c);
	}
}

typedef struct err_body {
	char *message; /* error.message, cleaned, or NULL */
	char *detail;  /* error.detail when a string, cleaned, or NULL */
	int app_not_installed;
} err_body;

static void read_error_body(const char *body, size_t len, err_body *eb, bb_strlist *scopes)
{
	cJSON *root = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *detail;
	const char *s;

	memset(eb, 0, sizeof *eb);
	if (cJSON_IsString(e) && e->valuestring) {
		/* the commit-links app answers with a flat {"error": "..."} */
		if (strstr(e->valuestring, "Invalid or unknown installation"))
			eb->app_not_installed = 1;
		eb->message = clean_str(e->valuestring, QUOTE_MAX);
	} else if (cJSON_IsObject(e)) {
		if ((s = json_str(e, "message")) && *s)
			eb->message = clean_str(s, QUOTE_MAX);
		detail = cJSON_GetObjectItemCaseSensitive(e, "detail");
		if (cJSON_IsString(detail) && detail->valuestring && *detail->valuestring)
			eb->detail = clean_str(detail->valuestring, QUOTE_MAX);
		else if (cJSON_IsObject(detail))
			scopes_from_detail(detail, scopes);
	}
	cJSON_Delete(root);
}

static void join_scopes(const bb_strlist *l, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < l->n && used < size; i++) {
		int k = snprintf(out + used, size - used, "%s%s", i ? (i + 1 == l->n ? " and " : ", ") : "",
				 l->v[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

static void say_401(bb_api_error *out, const char *ctype, const err_body *eb)
{
	int json = ctype && strstr(ctype, "json");

	if (json && eb->message && strstr(eb->message, "Token is invalid")) {
		out->token_invalid = 1;
		snprintf(out->msg, sizeof out->msg, "Bitbucket says the API token is invalid, expired or "
			 "has no Bitbucket scopes: create a new API token with scopes for Bitbucket and "
			 "update the integration.");
		return;
	}
	snprintf(out->msg, sizeof out->msg, "Bitbucket refused the email or API token: the username "
		 "must be your Atlassian account email with an API token (app passwords no longer "
		 "work), so check both and update the integration.");
}

static void say_403(bb_api_error *out, const char *what, const err_body *eb)
{
	char scopes[256];

	if (out->missing_scopes.n) {
		join_scopes(&out->missing_scopes, scopes, sizeof scopes);
		snprintf(out->msg, sizeof out->msg, "The API token lacks the scope%s %s: create a token "
			 "that includes %s and update the integration.",
			 out->missing_scopes.n > 1 ? "s" : "", scopes,
			 out->missing_scopes.n > 1 ? "them" : "it");
		return;
	}
	snprintf(out->msg, sizeof out->msg, "Bitbucket denied access to %s (%s): check that the "
		 "account can read it and that the token has the read:repository:bitbucket and "
		 "read:pullrequest:bitbucket scopes.", what,
		 eb->detail ? eb->detail : eb->message ? eb->message : "403 Forbidden");
}

/* Bitbucket counts requests per user over a rolling hour: say when to try
 * again, from Retry-After when it came. */
static void say_429(bb_api_error *out, const bb_api_headers *hd)
{
	char limit[160] = "";

	if (hd && hd->rate_limit > 0)
		snprintf(limit, sizeof limit, " (%ld requests an hour%s%.60s)", hd->rate_limit,
			 hd->rate_resource[0] ? " for " : "", hd->rate_resource);
	if (hd && hd->retry_after >= 0)
		snprintf(out->msg, sizeof out->msg, "Bitbucket is rate limiting this account%s: "
			 "bbconsole stopped, so try again in %ld second%s.", limit, hd->retry_after,
			 hd->retry_after == 1 ? "" : "s");
	else
		snprintf(out->msg, sizeof out->msg, "Bitbucket is rate limiting this account%s, "
			 "counting its requests over the last hour: bbconsole stopped, so wait a few "
			 "minutes and try again (other tools using the same account add to the count).",
			 limit);
}

static void say_redirect(bb_api_error *out, const char *what, const bb_api_headers *hd)
{
	char *where = hd && hd->location[0] ? clean_str(hd->location, 200) : NULL;

	snprintf(out->msg, sizeof out->msg, "Bitbucket answered a redirect to %s for %s: the "
		 "repository or workspace was probably renamed, so update its name in bbconsole.",
		 where && *where ? where : "another address", what);
	free(where);
}

static void say_other(bb_api_error *out, const char *what, const err_body *eb,
		      const bb_api_headers *hd)
{
	const char *quote = eb->message ? eb->message : "no explanation given";
	long st = out->status;

	if (st >= 300 && st < 400)
		say_redirect(out, what, hd);
	else if (st == 404)
		snprintf(out->msg, sizeof out->msg, "Bitbucket found no %s (404): check the workspace "
			 "or repository name and that the account is a member of it.", what);
	else if (st == 410 && out->retired)
		snprintf(out->msg, sizeof out->msg, "Bitbucket has retired the endpoint used for %s "
			 "(CHANGE-2770): upgrade bbconsole to a version that uses the current API.", what);
	else if (st == 410)
		snprintf(out->msg, sizeof out->msg, "Bitbucket says %s is gone (410: %s): check the "
			 "workspace name in the integration.", what, quote);
	else if (st == 429)
		say_429(out, hd);
	else if (st >= 500)
		snprintf(out->msg, sizeof out->msg, "Bitbucket is having trouble (HTTP %ld): try again "
			 "later, and check Bitbucket's status page if it goes on.", st);
	else
		snprintf(out->msg, sizeof out->msg, "Bitbucket refused the request for %s (HTTP %ld: %s): "
			 "check the integration's settings.", what, st, quote);
}

void bitbucket_parse_error(long status, const char *content_type, const char *body, size_t len,
			   const char *what, bb_api_error *out)
{
	bitbucket_parse_error_hd(status, content_type, body, len, what, NULL, out);
}

void bitbucket_parse_error_hd(long status, const char *content_type, const char *body, size_t len,
			      const char *what, const bb_api_headers *hd, bb_api_error *out)
{
	err_body eb;

	memset(out, 0, sizeof *out);
	out->status = status;
	if (!what || !*what)
		what = "the resource";
	read_error_body(body, len, &eb, &out->missing_scopes);
	out->app_not_installed = eb.app_not_installed;
	out->retired = status == 410 && ((eb.message && strstr(eb.message, "CHANGE-2770")) ||
					 (eb.detail && strstr(eb.detail, "CHANGE-2770")));
	/* not 429: retrying adds to the hourly count that caused it */
	out->retry = status >= 500;
	if (status == 401)
		say_401(out, content_type, &eb);
	else if (status == 403)
		say_403(out, what, &eb);
	else
		say_other(out, what, &eb, hd);
	free(eb.message);
	free(eb.detail);
}

void bitbucket_api_error_free(bb_api_error *e)
{
	strlist_free(&e->missing_scopes);
}

/* ---- commit statuses and hashes --------------------------------------------- */

int bitbucket_parse_error_field(const char *body, size_t len, char *field, size_t fsize,
				char *text, size_t tsize)
{
	cJSON *root = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(e, "fields"), *f;
	int found = 0;

	if (!cJSON_IsObject(fields))
		fields = NULL;
	cJSON_ArrayForEach(f, fields) {
		const cJSON *m = cJSON_IsArray(f) ? cJSON_GetArrayItem(f, 0) : f;
		char *cf = f->string ? clean_str(f->string, 40) : NULL;
		char *ct = cJSON_IsString(m) && m->valuestring ? clean_str(m->valuestring, QUOTE_MAX)
							       : NULL;

		snprintf(field, fsize, "%s", cf ? cf : "?");
		snprintf(text, tsize, "%s", ct ? ct : "no explanation given");
		free(cf);
		free(ct);
		found = 1;
		break;
	}
	cJSON_Delete(root);
	return found;
}

static int is_full_hash(const char *s)
{
	size_t n = s ? strspn(s, "0123456789abcdef") : 0;

	return n == 40 && s[n] == '\0';
}

bb_code bitbucket_parse_hash(const char *body, size_t len, char out[41], bb_err *err)
{
	cJSON *root = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const char *h = json_str(root, "hash");

	if (!h)
		h = json_str(cJSON_GetObjectItemCaseSensitive(root, "target"), "hash");
	out[0] = '\0';
	if (is_full_hash(h))
		snprintf(out, 41, "%s", h);
	cJSON_Delete(root);
	if (!out[0])
		return bb_fail(err, BB_REMOTE, "Bitbucket's answer holds no full commit hash: check "
			       "that BBCONSOLE_BITBUCKET_API points at the Bitbucket API.");
	return BB_OK;
}
