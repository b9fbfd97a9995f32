/* strlist.c - a growable list of malloc'd strings (strlist.h). */
#include "strlist.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

int strlist_push(bb_strlist *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof *v);
	char *copy;

	if (!v)
		return -1;
	l->v = v;
	copy = strdup(s);
	if (!copy)
		return -1;
	l->v[l->n++] = copy;
	return 0;
}

int strlist_contains(const bb_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void strlist_free(bb_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

char *strlist_to_json(const bb_strlist *l)
{
	cJSON *a = cJSON_CreateArray();
	char *out;

	for (size_t i = 0; a && i < l->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
	out = a ? cJSON_PrintUnformatted(a) : NULL;
	cJSON_Delete(a);
	return out;
}

int strlist_from_json(const char *json, bb_strlist *out)
{
	cJSON *a = cJSON_Parse(json ? json : "[]");
	const cJSON *it;
	int rc = 0;

	if (!cJSON_IsArray(a)) {
		cJSON_Delete(a);
		return -1;
	}
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it) || strlist_push(out, it->valuestring) != 0) {
			rc = -1;
			break;
		}
	}
	cJSON_Delete(a);
	return rc;
}
