/* fake_payloads.c - response bodies shaped like Bitbucket's: list-based
 * pagination (size/page/pagelen/next/previous), workspace_access items,
 * repositories with braces in uuids, microsecond +00:00 times, a mainbranch
 * object (null now and then) and a slug that is sometimes absent. */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

long fake_added[64], fake_removed[64];
static long page_requests;


static long param(const char *query, const char *key, long def)
{
	size_t kl = strlen(key);

	for (const char *p = query; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL)
		if (strncmp(p, key, kl) == 0 && p[kl] == '=')
			return atol(p + kl + 1);
	return def;
}

static long clamp(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static long repos_in(long ws)
{
	if (cfg.repos_total > 0)
		return cfg.repos_total / cfg.workspaces + (ws < cfg.repos_total % cfg.workspaces);
	return cfg.repos;
}

void fake_payload_user(sbuf *b)
{
	sb_puts(b, "{\"type\": \"user\", \"uuid\": \"{6a3b2c1d-0000-4000-8000-000000000001}\", "
		"\"account_id\": \"712020:0a1b2c3d-0000-4000-8000-000000000001\", "
		"\"display_name\": \"Dev Example\", \"nickname\": \"dev\", "
		"\"account_status\": \"active\", \"has_2fa_enabled\": null, \"is_staff\": false, "
		"\"created_on\": \"2021-05-04T09:10:11.123456+00:00\", \"links\": {}}");
}

static void page_wrapper_end(sbuf *b, const char *next_base, long page, long pages, long pagelen,
			     long size, int with_size)
{
	sb_printf(b, "], \"pagelen\": %ld", pagelen);
	if (with_size && cfg.hugesize)
		sb_printf(b, ", \"size\": 1e12, \"page\": %ld", page);
	else if (with_size)
		sb_printf(b, ", \"size\": %ld, \"page\": %ld", size - cfg.undersize, page);
	if (page < pages || cfg.endless) {
		if (with_size)
			sb_printf(b, ", \"next\": \"%s&pagelen=%ld&page=%ld\"", next_base, pagelen, page + 1);
		else /* an opaque cursor, as iterator-style collections give */
			sb_printf(b, ", \"next\": \"%s&pagelen=%ld&after=c%lx\"", next_base, pagelen,
				  (unsigned long)(page + 1) * 7919UL);
	}
	if (with_size && page > 1)
		sb_printf(b, ", \"previous\": \"%s&pagelen=%ld&page=%ld\"", next_base, pagelen, page - 1);
	sb_puts(b, "}");
}

void fake_payload_workspaces(sbuf *b, const char *base_url, const char *query)
{
	long pagelen = clamp(param(query, "pagelen", 25), 1, 100), page = param(query, "page", 1);
	long pages = cfg.workspaces ? (cfg.workspaces + pagelen - 1) / pagelen : 1;
	char next[256];

	sb_puts(b, "{\"values\": [");
	for (long i = (page - 1) * pagelen; i >= 0 && i < cfg.workspaces && i < page * pagelen; i++) {
		sb_printf(b, "%s{\"type\": \"workspace_access\", \"administrator\": %s, \"workspace\": "
			  "{\"type\": \"workspace_base\", \"slug\": \"ws%ld\", \"uuid\": "
			  "\"{00000000-0000-4000-8000-%012ld}\", \"links\": {\"self\": {\"href\": "
			  "\"%s/workspaces/ws%ld\"}, \"avatar\": {\"href\": \"https://bitbucket.org/"
			  "workspaces/ws%ld/avatar/\"}}}}", i > (page - 1) * pagelen ? ", " : "",
			  i == 0 ? "true" : "false", i, i, base_url, i, i);
	}
	snprintf(next, sizeof next, "%s/user/workspaces?sort=slug", base_url);
	page_wrapper_end(b, next, page, pages, pagelen, cfg.workspaces, 1);
}

static void repo_json(sbuf *b, const char *base_url, long ws, long i)
{
	char slug[64], name[128];

	snprintf(slug, sizeof slug, "repo-%05ld", i);
	if (cfg.badutf8)
		snprintf(name, sizeof name, "Bad\xff\xfe name \\u001b[31m%ld", i);
	else
		snprintf(name, sizeof name, "Repository %ld of ws%ld", i, ws);
	sb_printf(b, "{\"type\": \"repository\", \"full_name\": \"ws%ld/%s\", ", ws, slug);
	if (i % 5 != 4) /* real bodies carry it; the schema does not promise it */
		sb_printf(b, "\"slug\": \"%s\", ", slug);
	sb_printf(b, "\"name\": \"%s\", \"uuid\": \"{%08lx-1111-4000-8000-%012ld}\", "
		  "\"is_private\": %s, \"scm\": \"git\", \"description\": \"\", \"website\": null, "
		  "\"language\": \"c\", \"size\": %ld, \"fork_policy\": \"no_public_forks\", "
		  "\"has_issues\": false, \"has_wiki\": false, "
		  "\"created_on\": \"2024-01-02T03:04:05.678901+00:00\", "
		  "\"updated_on\": \"2026-03-%02ldT12:34:56.%06ld+00:00\", ",
		  name, (unsigned long)ws, i, i % 3 ? "true" : "false", 1000 + i, 1 + i % 28, i % 1000000);
	if (i % 7 == 6)
		sb_puts(b, "\"mainbranch\": null, ");
	else
		sb_printf(b, "\"mainbranch\": {\"type\": \"branch\", \"name\": \"%s\"}, ",
			  i % 2 ? "main" : "master");
	sb_printf(b, "\"workspace\": {\"type\": \"workspace\", \"slug\": \"ws%ld\", \"name\": "
		  "\"Workspace %ld\", \"uuid\": \"{00000000-0000-4000-8000-%012ld}\"}, "
		  "\"project\": {\"type\": \"project\", \"key\": \"PRJ\", \"name\": \"Project\"}, "
		  "\"links\": {\"self\": {\"href\": \"%s/repositories/ws%ld/%s\"}, "
		  "\"html\": {\"href\": \"https://bitbucket.org/ws%ld/%s\"}, "
		  "\"clone\": [{\"name\": \"https\", \"href\": \"https://bitbucket.org/ws%ld/%s.git\"}, "
		  "{\"name\": \"ssh\", \"href\": \"git@bitbucket.org:ws%ld/%s.git\"}]}}",
		  ws, ws, ws, base_url, ws, slug, ws, slug, ws, slug, ws, slug);
}

/* The query a next link keeps (sort and fields), as Bitbucket's do. */
static void kept_query(const char *query, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (const char *p = query; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
		size_t n = strcspn(p, "&");

		if ((!strncmp(p, "sort=", 5) || !strncmp(p, "fields=", 7)) && used + n + 2 < size)
			used += (size_t)snprintf(out + used, size - used, "&%.*s", (int)n, p);
	}
}

/* The index of the k-th repository a request sees: in creation order with
 * sort=created_on (or when the order is stable), else rotated by a
 * per-request amount, as an unsorted listing may be. */
static long nth_repo(long k, long total, int sorted)
{
	if (sorted || !cfg.unstable || total == 0)
		return k;
	return (k + page_requests * 7) % total;
}

int fake_payload_repos(sbuf *b, const char *base_url, const char *ws_slug, const char *query)
{
	long pagelen = clamp(param(query, "pagelen", 10), 1, cfg.hugesize ? 1 : cfg.maxpagelen);
	long page = param(query, "page", 1), ws, total, pages, first;
	char next[1024], kept[768], *end;
	const char *after = query ? strstr(query, "after=c") : NULL;
	int sorted = query && strstr(query, "sort=created_on") != NULL;

	if (strncmp(ws_slug, "ws", 2) != 0)
		return 404;
	ws = strtol(ws_slug + 2, &end, 10);
	if (*end || ws < 0 || ws >= cfg.workspaces)
		return 404;
	if (after)
		page = (long)(strtoul(after + 7, NULL, 16) / 7919UL);
	page_requests++;
	first = ws < 64 ? fake_removed[ws] : 0;
	total = repos_in(ws) + (ws < 64 ? fake_added[ws] - fake_removed[ws] : 0);
	pages = total ? (total + pagelen - 1) / pagelen : 1;
	sb_puts(b, "{\"values\": [");
	for (long k = (page - 1) * pagelen; k >= 0 && k < total && k < page * pagelen; k++) {
		if (k > (page - 1) * pagelen)
			sb_puts(b, ", ");
		repo_json(b, base_url, ws, first + nth_repo(k, total, sorted));
	}
	kept_query(query, kept, sizeof kept);
	snprintf(next, sizeof next, "%s/repositories/ws%ld?role=member%s", base_url, ws, kept);
	page_wrapper_end(b, next, page, pages, pagelen, total, !cfg.nosize);
	if (page == 1 && ws == cfg.churn_ws && ws < 64) { /* the listing changes under the reader */
		fake_added[ws] += cfg.created;
		fake_removed[ws] += cfg.deleted;
		cfg.created = cfg.deleted = 0;
	}
	return 0;
}

/* ---- fields= --------------------------------------------------------------------- */

/* Whether the dotted path prefix.key is named by fields, or leads to one. */
static int wanted(const char *fields, const char *path, int *whole)
{
	size_t pl = strlen(path);

	*whole = 0;
	for (const char *p = fields; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t n = strcspn(p, ",");

		if (n == pl && !strncmp(p, path, pl)) {
			*whole = 1;
			return 1;
		}
		if (n > pl && !strncmp(p, path, pl) && p[pl] == '.')
			return 1;
	}
	return 0;
}

static void prune(cJSON *node, const char *fields, const char *prefix)
{
	cJSON *it = node ? node->child : NULL, *next;
	char path[512];
	int whole;

	if (cJSON_IsArray(node)) {
		cJSON_ArrayForEach(it, node)
			prune(it, fields, prefix);
		return;
	}
	if (!cJSON_IsObject(node))
		return;
	for (; it; it = next) {
		next = it->next;
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", it->string);
		if (!wanted(fields, path, &whole))
			cJSON_Delete(cJSON_DetachItemViaPointer(node, it));
		else if (!whole)
			prune(it, fields, path);
	}
}

void fake_fields(sbuf *b, const char *fields)
{
	cJSON *root = cJSON_Parse(b->p ? b->p : "");
	char *out;

	if (!root)
		return;
	prune(root, fields, "");
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!out)
		return;
	b->len = 0;
	sb_puts(b, out);
	free(out);
}

void fake_payload_pullrequests(sbuf *b, const char *base_url, const char *repo)
{
	sb_printf(b, "{\"values\": [{\"type\": \"pullrequest\", \"id\": 1, \"title\": \"Add a "
		  "feature\", \"state\": \"OPEN\", \"links\": {\"html\": {\"href\": "
		  "\"https://bitbucket.org/%s/pull-requests/1\"}, \"self\": {\"href\": "
		  "\"%s/repositories/%s/pullrequests/1\"}}}], \"pagelen\": 10, \"size\": 1, "
		  "\"page\": 1}", repo, base_url, repo);
}
