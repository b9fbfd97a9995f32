/* stack_index.c - an in-memory search index of stacks, for a screen that
 * filters a long list on every keystroke (stack.h). */
#include "stack_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Per stack, in (kind, name) order: its name as stored, then (only when that
 * differs) the name lower-cased, then space, repository and integration (or
 * detached_from) lower-cased, each ending in '\0'. A needle without '\0' can
 * match only inside one field, and a match in the stored name is also one in
 * its lower-cased form, so a hit anywhere in a stack's bytes means that
 * LIKE '%text%' (ASCII case-insensitive) holds for one of its fields. */
enum { IX_MODULE = 1, IX_DETACHED = 2 };

struct bb_stack_index {
	char *text;
	size_t len, cap;
	uint32_t *start;       /* where each stack's bytes begin */
	unsigned char *flags;  /* IX_MODULE, IX_DETACHED */
	size_t n, rows_cap;
	uint32_t *sel;         /* the selected stacks */
	size_t nsel;
	int failed;            /* out of memory while building */
};

static int ix_grow(bb_stack_index *ix, size_t more)
{
	size_t cap = ix->cap ? ix->cap : 1 << 20;
	char *p;

	while (cap < ix->len + more)
		cap *= 2;
	if (cap == ix->cap)
		return 0;
	if (cap > UINT32_MAX || !(p = realloc(ix->text, cap)))
		return -1;
	ix->text = p;
	ix->cap = cap;
	return 0;
}

static int ix_grow_rows(bb_stack_index *ix)
{
	size_t cap = ix->rows_cap ? ix->rows_cap * 2 : 4096;
	uint32_t *start = realloc(ix->start, cap * sizeof *start);
	unsigned char *flags;

	if (!start)
		return -1;
	ix->start = start;
	if (!(flags = realloc(ix->flags, cap)))
		return -1;
	ix->flags = flags;
	ix->rows_cap = cap;
	return 0;
}

/* Appends s (lower-cased when lower) and its '\0'; room is reserved. */
static void ix_put(bb_stack_index *ix, const char *s, int lower)
{
	for (; *s; s++)
		ix->text[ix->len++] = lower && *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;
	ix->text[ix->len++] = '\0';
}

static int has_upper(const char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			return 1;
	return 0;
}

static int ix_add(const bb_stack *s, void *arg)
{
	bb_stack_index *ix = arg;
	const char *integ = s->integration ? s->integration : s->detached_from ? s->detached_from :
			    "";
	size_t name = strlen(s->name), more = 2 * name + strlen(s->space) +
		      strlen(s->repository) + strlen(integ) + 5;

	if ((ix->n == ix->rows_cap && ix_grow_rows(ix) != 0) || ix_grow(ix, more) != 0) {
		ix->failed = 1;
		return 1;
	}
	ix->start[ix->n] = (uint32_t)ix->len;
	ix->flags[ix->n++] = (strcmp(s->kind, "module") == 0 ? IX_MODULE : 0) |
			     (s->integration ? 0 : IX_DETACHED);
	ix_put(ix, s->name, 0);
	if (has_upper(s->name))
		ix_put(ix, s->name, 1);
	ix_put(ix, s->space, 1);
	ix_put(ix, s->repository, 1);
	ix_put(ix, integ, 1);
	return 0;
}

void stack_index_free(bb_stack_index *ix)
{
	if (!ix)
		return;
	free(ix->text);
	free(ix->start);
	free(ix->flags);
	free(ix->sel);
	free(ix);
}

bb_code stack_index_build(bb_ctx *ctx, const bb_stack_filter *f, bb_stack_index **out,
			  bb_err *err)
{
	bb_stack_filter all = {0};
	bb_stack_index *ix = calloc(1, sizeof *ix);
	bb_err local;
	bb_code rc;

	if (!err)
		err = &local;
	*out = NULL;
	if (!ix)
		return bb_oom(err);
	if (f) {
		all.integration = f->integration;
		all.detached_from = f->detached_from;
		all.space = f->space;
	}
	rc = stack_each(ctx, &all, ix_add, ix, err);
	if (rc == BB_OK && (ix->failed || !(ix->sel = malloc((ix->n + 1) * sizeof *ix->sel))))
		rc = bb_oom(err);
	if (rc != BB_OK) {
		stack_index_free(ix);
		return rc;
	}
	*out = ix;
	return BB_OK;
}

/* The end of stack r's bytes. */
static size_t ix_end(const bb_stack_index *ix, size_t r)
{
	return r + 1 < ix->n ? ix->start[r + 1] : ix->len;
}

long stack_index_select(bb_stack_index *ix, const char *text, int detached_only)
{
	size_t nlen = text ? strlen(text) : 0, pos = 0, r = 0;
	char *needle;

	ix->nsel = 0;
	if (nlen == 0 || !(needle = strdup(text))) {
		for (size_t i = 0; i < ix->n; i++)
			if (!detached_only || (ix->flags[i] & IX_DETACHED))
				ix->sel[ix->nsel++] = (uint32_t)i;
		return (long)ix->nsel;
	}
	for (char *p = needle; *p; p++)
		*p = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
	/* one search over all the bytes; after a hit, go on at the next stack */
	while (pos < ix->len) {
		const char *hit = memmem(ix->text + pos, ix->len - pos, needle, nlen);

		if (!hit)
			break;
		while (ix_end(ix, r) <= (size_t)(hit - ix->text))
			r++;
		if (!detached_only || (ix->flags[r] & IX_DETACHED))
			ix->sel[ix->nsel++] = (uint32_t)r;
		pos = ix_end(ix, r);
	}
	free(needle);
	return (long)ix->nsel;
}

typedef struct ix_range {
	const bb_stack_index *ix;
	size_t from;
} ix_range;

/* The kind and name of the i-th stack of the range. */
static void ix_key(size_t i, const char **kind, const char **name, void *arg)
{
	const ix_range *g = arg;
	size_t r = g->ix->sel[g->from + i];

	*kind = g->ix->flags[r] & IX_MODULE ? "module" : "stack";
	*name = g->ix->text + g->ix->start[r];
}

bb_code stack_index_each(bb_ctx *ctx, const bb_stack_index *ix, long offset, long limit,
			 bb_stack_fn fn, void *arg, bb_err *err)
{
	size_t from = offset > 0 ? (size_t)offset : 0, to = ix->nsel;
	ix_range g = {ix, from};
	bb_err local;

	if (!err)
		err = &local;
	if (limit > 0 && from + (size_t)limit < to)
		to = from + (size_t)limit;
	return stack_store_each_key(ctx->db, from < to ? to - from : 0, ix_key, &g, fn, arg,
				    err);
}
