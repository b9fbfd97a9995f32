#include "util.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

void util_now(char out[BB_TIME_LEN])
{
	const char *fixed = getenv("BBCONSOLE_NOW");
	struct timespec ts;
	struct tm tm;
	char sec[24];

	if (fixed && *fixed) {
		strncpy(out, fixed, BB_TIME_LEN - 1);
		out[BB_TIME_LEN - 1] = '\0';
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
	/* milliseconds: two edits in one second still get distinct times */
	snprintf(out, BB_TIME_LEN, "%.19s.%03dZ", sec, (int)(ts.tv_nsec / 1000000) % 1000);
}

int util_time_add(const char *t, long seconds, char out[BB_TIME_LEN])
{
	struct tm tm = {0};
	int ms = 0, used = 0;
	char sec[24];
	time_t when;

	if (!t || sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
		return -1;
	if (t[used] == '.' && sscanf(t + used, ".%3d", &ms) != 1)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	when = timegm(&tm) + seconds;
	if (!gmtime_r(&when, &tm) || !strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm))
		return -1;
	snprintf(out, BB_TIME_LEN, "%.19s.%03uZ", sec, (unsigned)ms % 1000u);
	return 0;
}

double util_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

char *util_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

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
