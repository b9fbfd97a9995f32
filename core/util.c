#include "util.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

int util_time_parse(const char *t, long long *out)
{
	struct tm tm = {0};
	int ms = 0, used = 0;

	if (!t || sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
		return -1;
	if (t[used] == '.' && sscanf(t + used, ".%3d", &ms) != 1)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (long long)timegm(&tm);
	return 0;
}

int util_time_add(const char *t, long seconds, char out[BB_TIME_LEN])
{
	struct tm tm = {0};
	long long at;
	int ms = 0, used = 0;
	time_t when;

	if (util_time_parse(t, &at) != 0)
		return -1;
	/* keep the milliseconds as they were */
	if (sscanf(t, "%*4d-%*2d-%*2dT%*2d:%*2d:%*2d%n", &used) == 0 && t[used] == '.')
		sscanf(t + used, ".%3d", &ms);
	when = (time_t)at + seconds;
	if (!gmtime_r(&when, &tm) || !strftime(out, BB_TIME_LEN - 5, "%Y-%m-%dT%H:%M:%S", &tm))
		return -1;
	snprintf(out + strlen(out), 6, ".%03dZ", (ms % 1000 + 1000) % 1000);
	return 0;
}

void util_local_time(const char *t, int seconds, char *out, size_t size)
{
	long long at;
	time_t when;
	struct tm tm;
	size_t n;

	if (!t) {
		snprintf(out, size, "-");
		return;
	}
	when = util_time_parse(t, &at) == 0 ? (time_t)at : 0;
	if (!when || !localtime_r(&when, &tm))
		n = 0;
	else
		n = strftime(out, size, seconds ? "%Y-%m-%d %H:%M:%S %Z" : "%Y-%m-%d %H:%M %Z", &tm);
	if (!n)
		snprintf(out, size, "%s", t);
}

void util_ago(const char *t, const char *now, char *out, size_t size)
{
	long long a, b, d;

	if (util_time_parse(t, &a) != 0 || util_time_parse(now, &b) != 0) {
		snprintf(out, size, "-");
		return;
	}
	d = b - a;
	if (d < -1)
		snprintf(out, size, "in the future");
	else if (d < 5)
		snprintf(out, size, "just now");
	else if (d < 60)
		snprintf(out, size, "%lld s ago", d);
	else if (d < 3600)
		snprintf(out, size, "%lld min ago", d / 60);
	else if (d < 2 * 86400)
		snprintf(out, size, "%lld h ago", d / 3600);
	else
		snprintf(out, size, "%lld days ago", d / 86400);
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

void util_duration(long ms, char *out, size_t size)
{
	char frac[8];
	size_t n;

	if (ms < 1000 && ms > -1000) {
		snprintf(out, size, "%ld ms", ms);
		return;
	}
	/* the thousandths without their trailing zeros: 1.5 s, not 1.500 s */
	snprintf(frac, sizeof frac, "%03ld", (ms < 0 ? -ms : ms) % 1000);
	for (n = strlen(frac); n > 0 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	snprintf(out, size, "%ld%s%s s", ms / 1000, n ? "." : "", frac);
}
