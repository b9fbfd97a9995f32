/* memo.h - a small map from strings to ints (open addressing, FNV-1a), for
 * remembering answers already found during one call (see stack.c). */
#ifndef BB_MEMO_H
#define BB_MEMO_H

#include <stddef.h>

typedef struct memo_entry {
	char *key;
	int val;
} memo_entry;

/* Zero-initialise before use; memo_free empties it. */
typedef struct bb_memo {
	memo_entry *v;
	size_t cap, n;
} bb_memo;

/* The value stored for key, or NULL. */
const int *memo_get(const bb_memo *m, const char *key);
/* Stores a copy of key with val (replacing an older value); -1 when out of memory. */
int memo_put(bb_memo *m, const char *key, int val);
void memo_free(bb_memo *m);

#endif
