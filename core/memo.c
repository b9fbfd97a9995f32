/* memo.c - a small string -> int map (memo.h). */
#include "memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t memo_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static memo_entry *memo_slot(const bb_memo *m, const char *key)
{
	size_t i = (size_t)memo_hash(key) & (m->cap - 1);

	while (m->v[i].key && strcmp(m->v[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

const int *memo_get(const bb_memo *m, const char *key)
{
	const memo_entry *e = m->cap ? memo_slot(m, key) : NULL;

	return e && e->key ? &e->val : NULL;
}

static int memo_grow(bb_memo *m)
{
	bb_memo old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->n = 0;
	if (!(m->v = calloc(m->cap, sizeof *m->v))) {
		*m = old;
		return -1;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.v[i].key) {
			*memo_slot(m, old.v[i].key) = old.v[i];
			m->n++;
		}
	free(old.v);
	return 0;
}

int memo_put(bb_memo *m, const char *key, int val)
{
	memo_entry *e;

	if ((m->n + 1) * 2 > m->cap && memo_grow(m) != 0)
		return -1;
	e = memo_slot(m, key);
	if (!e->key) {
		if (!(e->key = strdup(key)))
			return -1;
		m->n++;
	}
	e->val = val;
	return 0;
}

void memo_free(bb_memo *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].key);
	free(m->v);
	memset(m, 0, sizeof *m);
}
