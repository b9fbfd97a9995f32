#include "util.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "privs.h"

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int util_valid_time(const char *s)
{
	struct tm tm = {0}, norm, back;
	time_t t;

	/* YYYY-MM-DDTHH:MM:SS.mmmZ or without the milliseconds, nothing else */
	if (!s || (strlen(s) != 20 && strlen(s) != 24) || !digits(s, 4) || s[4] != '-' ||
	    !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) || s[10] != 'T' ||
	    !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' ||
	    !digits(s + 17, 2))
		return 0;
	if (strlen(s) == 24 ? (s[19] != '.' || !digits(s + 20, 3) || s[23] != 'Z') : s[19] != 'Z')
		return 0;
	if (!strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	norm = tm;
	t = timegm(&norm);
	/* strptime takes 31 February; timegm moves it to March */
	return gmtime_r(&t, &back) && back.tm_mday == tm.tm_mday && back.tm_mon == tm.tm_mon &&
	       back.tm_hour == tm.tm_hour && back.tm_min == tm.tm_min && back.tm_sec == tm.tm_sec;
}

const char *util_fixed_now(void)
{
	const char *fixed = privs_getenv("BBCONSOLE_NOW");

	return fixed && *fixed ? fixed : NULL;
}

void util_now(char out[BB_TIME_LEN])
{
	const char *fixed = util_fixed_now();
	struct timespec ts;
	struct tm tm;
	char sec[24];

	if (fixed && util_valid_time(fixed)) {
		snprintf(out, BB_TIME_LEN, "%s", fixed);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
	/* milliseconds: two edits in one second still get distinct times */
	snprintf(out, BB_TIME_LEN, "%.19s.%03dZ", sec, (int)(ts.tv_nsec / 1000000) % 1000);
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
