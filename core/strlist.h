/* strlist.h - a growable list of malloc'd strings. */
#ifndef BB_STRLIST_H
#define BB_STRLIST_H

#include <stddef.h>

/* A growable list of malloc'd strings. Zero-initialise before use. */
typedef struct bb_strlist {
	char **v;
	size_t n;
} bb_strlist;

/* Appends a copy of s; returns 0, or -1 when out of memory. */
int strlist_push(bb_strlist *l, const char *s);
int strlist_contains(const bb_strlist *l, const char *s);
void strlist_free(bb_strlist *l);

/* JSON array of strings <-> list (cJSON). from_json returns -1 on bad JSON. */
char *strlist_to_json(const bb_strlist *l);
int strlist_from_json(const char *json, bb_strlist *out);

#endif
