/* delivery_parse.c - what a delivery body says, and which runs it asks for.
 *
 * Bodies come from the network: every field is looked up defensively (a
 * missing or mistyped one is NULL, never a crash), and only the few fields
 * the triggers need are copied out of the cJSON tree. */
#include "delivery.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#define FIELD_MAX 1024 /* longer names and hashes are not Bitbucket's */

/* ---- an arena for cJSON's nodes while a body is parsed ---------------------- *
 * cJSON makes one allocation per value: a 14.5 KB push is about a thousand
 * malloc/free pairs, a good part of the receiver's time. While this thread
 * parses, cJSON's hooks take memory from the thread's arena and freeing it
 * is a no-op; the tree never outlives the parse (fields are strdup'd out),
 * so the arena is simply rewound. Other threads, and this one outside a
 * parse, get malloc and free as usual. */
#define ARENA_SIZE (1 << 20)

typedef struct arena {
	char *base;
	size_t used;
	int on;
} arena;

static pthread_once_t arena_once = PTHREAD_ONCE_INIT;
static pthread_key_t arena_key;

static arena *arena_mine(void)
{
	return pthread_getspecific(arena_key);
}

static void *arena_malloc(size_t n)
{
	arena *a = arena_mine();

	n = (n + 15) & ~(size_t)15;
	if (a && a->on && a->used + n <= ARENA_SIZE) {
		void *p = a->base + a->used;

		a->used += n;
		return p;
	}
	return malloc(n);
}

static void arena_free(void *p)
{
	arena *a = arena_mine();

	if (a && (uintptr_t)p >= (uintptr_t)a->base &&
	    (uintptr_t)p < (uintptr_t)a->base + ARENA_SIZE)
		return;
	free(p);
}

static void arena_drop(void *p)
{
	arena *a = p;

	free(a->base);
	free(a);
}

static void arena_init(void)
{
	cJSON_Hooks hooks = {arena_malloc, arena_free};

	pthread_key_create(&arena_key, arena_drop);
	cJSON_InitHooks(&hooks);
}

void delivery_parser_init(void)
{
	pthread_once(&arena_once, arena_init);
}

/* This thread's arena, switched on; NULL (plain malloc) when out of memory. */
static arena *arena_begin(void)
{
	arena *a;

	delivery_parser_init();
	if (!(a = arena_mine()) && (a = calloc(1, sizeof *a))) {
		if (!(a->base = malloc(ARENA_SIZE))) {
			free(a);
			return NULL;
		}
		pthread_setspecific(arena_key, a);
	}
	if (a) {
		a->used = 0;
		a->on = 1;
	}
	return a;
}

static void arena_end(arena *a)
{
	if (a)
		a->on = 0;
}

static const cJSON *obj(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsObject(v) ? v : NULL;
}

/* A copy of the string at o.key, or NULL when absent, not a string or too long. */
static char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsString(v) || !v->valuestring || strlen(v->valuestring) > FIELD_MAX)
		return NULL;
	return strdup(v->valuestring);
}

void delivery_payload_free(bb_payload *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nchanges; i++) {
		free(p->changes[i].name);
		free(p->changes[i].commit);
	}
	free(p->changes);
	free(p->repository);
	free(p->source_branch);
	free(p->source_commit);
	free(p->source_repository);
	free(p->dest_branch);
	memset(p, 0, sizeof *p);
}

/* One element of push.changes: the new ref, or the old one when deleted. */
static void parse_change(const cJSON *c, bb_change *out)
{
	const cJSON *nw = obj(c, "new"), *old = obj(c, "old");
	const cJSON *ref = nw ? nw : old;
	char *type = ref ? str(ref, "type") : NULL;

	memset(out, 0, sizeof *out);
	out->deleted = nw == NULL;
	out->is_tag = type && strcmp(type, "branch") != 0;
	out->name = ref ? str(ref, "name") : NULL;
	if (nw)
		out->commit = str(obj(nw, "target"), "hash");
	free(type);
}

static bb_code parse_push(const cJSON *root, bb_payload *p, bb_err *err)
{
	const cJSON *changes = cJSON_GetObjectItemCaseSensitive(obj(root, "push"), "changes");
	const cJSON *c;
	size_t n = (size_t)cJSON_GetArraySize(changes);

	if (!cJSON_IsArray(changes))
		return bb_fail(err, BB_INVALID, "A repo:push body needs push.changes.");
	if (n && !(p->changes = calloc(n, sizeof *p->changes)))
		return bb_oom(err);
	cJSON_ArrayForEach(c, changes) {
		if (!cJSON_IsObject(c))
			continue;
		parse_change(c, &p->changes[p->nchanges++]);
	}
	return BB_OK;
}

static void parse_side(const cJSON *side, char **branch, char **commit, char **repo)
{
	*branch = str(obj(side, "branch"), "name");
	if (commit)
		*commit = str(obj(side, "commit"), "hash");
	if (repo)
		*repo = str(obj(side, "repository"), "full_name");
}

static bb_code parse_pr(const cJSON *root, bb_payload *p, bb_err *err)
{
	const cJSON *pr = obj(root, "pullrequest");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(pr, "id");

	if (!pr || !cJSON_IsNumber(id) || id->valuedouble < 1 || id->valuedouble > 1e12)
		return bb_fail(err, BB_INVALID, "A pull request body needs pullrequest.id.");
	p->pull_request = (long)id->valuedouble;
	parse_side(obj(pr, "source"), &p->source_branch, &p->source_commit,
		   &p->source_repository);
	parse_side(obj(pr, "destination"), &p->dest_branch, NULL, NULL);
	p->fork = p->source_repository && p->repository &&
		  strcmp(p->source_repository, p->repository) != 0;
	return BB_OK;
}

bb_code delivery_parse(const char *event, const char *body, size_t len, bb_payload *out,
		       bb_err *err)
{
	arena *a = arena_begin();
	cJSON *root = cJSON_ParseWithLength(body, len);
	bb_code rc = BB_OK;

	arena_end(a); /* the copies below are the caller's, from malloc */
	memset(out, 0, sizeof *out);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return bb_fail(err, BB_INVALID, "The body is not a JSON object.");
	}
	out->repository = str(obj(root, "repository"), "full_name");
	if (event && strcmp(event, "repo:push") == 0)
		rc = parse_push(root, out, err);
	else if (event && strncmp(event, "pullrequest:", 12) == 0)
		rc = parse_pr(root, out, err);
	cJSON_Delete(root);
	if (rc != BB_OK)
		delivery_payload_free(out);
	return rc;
}

static void push_triggers(const bb_payload *p, const char *tracked, bb_trigger_fn fn,
			  void *arg)
{
	for (size_t i = 0; i < p->nchanges; i++) {
		const bb_change *c = &p->changes[i];
		bb_trigger t = {NULL, c->name, c->commit, 0};

		if (c->deleted || c->is_tag || !c->name || !c->commit)
			continue;
		t.type = strcmp(c->name, tracked) == 0 ? "tracked" : "proposed";
		fn(&t, arg);
	}
}

void delivery_triggers(const char *event, const bb_payload *p, const char *tracked_branch,
		       bb_trigger_fn fn, void *arg)
{
	if (!event || !tracked_branch)
		return;
	if (strcmp(event, "repo:push") == 0) {
		push_triggers(p, tracked_branch, fn, arg);
		return;
	}
	if (strcmp(event, "pullrequest:created") != 0 && strcmp(event, "pullrequest:updated") != 0)
		return;
	/* a run needs both: a body without them is recorded only */
	if (p->dest_branch && p->source_commit && p->source_branch &&
	    strcmp(p->dest_branch, tracked_branch) == 0) {
		bb_trigger t = {"proposed", p->source_branch, p->source_commit, p->pull_request};

		fn(&t, arg);
	}
}
