/* util.h - small helpers shared by core modules: time stamps, and (strlist.h)
 * string lists. */
#ifndef BB_UTIL_H
#define BB_UTIL_H

#include <stddef.h>
#include <stdlib.h>

#include "strlist.h"

#define BB_TIME_LEN 32

/* Frees each of the n elements of the array v with free_one (given a
 * pointer to it), then v itself; v may be NULL. */
#define UTIL_FREE_EACH(v, n, free_one)                                   \
	do {                                                              \
		for (size_t util_i_ = 0; (v) && util_i_ < (n); util_i_++) \
			free_one(&(v)[util_i_]);                          \
		free(v);                                                  \
	} while (0)

/* The current time as RFC 3339 UTC with milliseconds ("2026-11-24T23:52:05.123Z").
 * BBCONSOLE_NOW, when set to such a time, is used instead (tests and
 * reproducible captures); never under raised privileges, where the audit log
 * must hold the real time. */
void util_now(char out[BB_TIME_LEN]);

/* t (RFC 3339 UTC as util_now writes it, milliseconds optional) moved by
 * seconds, written as util_now does. -1 when t cannot be read. */
int util_time_add(const char *t, long seconds, char out[BB_TIME_LEN]);

/* Seconds since the epoch of t (RFC 3339 UTC, milliseconds optional) into
 * *out; -1 when t cannot be read. */
int util_time_parse(const char *t, long long *out);

/* How long before `now` t was, for people: "just now", "5 s ago",
 * "3 min ago", "2 h ago", "4 days ago" ("in the future" when after now).
 * "-" when either time cannot be read. */
void util_ago(const char *t, const char *now, char *out, size_t size);

/* t (RFC 3339 UTC) for people: in the local zone (TZ honoured) with the
 * zone's name, "2026-12-01 17:40 JST", with seconds when asked; "-" when t
 * is NULL, t as it is when it cannot be read. Only JSON and logs keep UTC. */
void util_local_time(const char *t, int seconds, char *out, size_t size);

/* Milliseconds of a monotonic clock, for measuring how long work took. */
double util_mono_ms(void);

/* BBCONSOLE_NOW when it is set and not empty (and privileges are not raised),
 * else NULL; front ends refuse it unless util_valid_time accepts it. */
const char *util_fixed_now(void);

/* A duration of ms milliseconds, exactly and short: "250 ms", "2 s",
 * "1.5 s", "1.234 s" (never rounded: a 1,500 ms timeout is not "2 s"). */
void util_duration(long ms, char *out, size_t size);

/* 1 for YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DDTHH:MM:SS.mmmZ naming a real
 * instant (no 31 February, no 25:00). */
int util_valid_time(const char *s);


/* malloc'd copy; NULL stays NULL. */
char *util_strdup(const char *s);

#endif
