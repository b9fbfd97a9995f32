/* curl_lazy.c - libcurl, loaded on first use.
 *
 * Linking libcurl pulls in some thirty libraries (TLS, HTTP/2, LDAP, SSH,
 * Kerberos...) whose loading cost about 13 ms at every start, more than most
 * commands take; only `verify`, `repos` and a few console screens talk to
 * Bitbucket. So the binary does not link libcurl: these definitions of the
 * libcurl functions the client uses open libcurl.so.4 with dlopen() on the
 * first call and forward to it. If it cannot be loaded, the functions fail as
 * libcurl does when out of resources, and curl_lazy_error() says why. */
#define CURL_DISABLE_TYPECHECK /* we define the functions the macros wrap */
#include <curl/curl.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "curl_lazy.h"

#define LIBCURL_SONAME "libcurl.so.4"

static struct {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char *(*easy_strerror)(CURLcode);
	char *(*easy_escape)(CURL *, const char *, int);
	void (*free)(void *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *);
	CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
	CURLMcode (*multi_wakeup)(CURLM *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
} fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char why[256] = "libcurl has not been loaded yet.";

#define BIND(field, name)                                                        \
	do {                                                                     \
		*(void **)&fn.field = dlsym(h, name);                            \
		if (!fn.field) {                                                 \
			snprintf(why, sizeof why, "The installed libcurl lacks %s; " \
				 "install libcurl 7.68 or later (Debian: libcurl4).", \
				 name);                                          \
			return;                                                  \
		}                                                                \
	} while (0)

static void load(void)
{
	void *h = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(why, sizeof why, "Could not load libcurl (%s); install it (Debian: "
			 "apt-get install libcurl4).", LIBCURL_SONAME);
		return;
	}
	BIND(global_init, "curl_global_init");
	BIND(easy_init, "curl_easy_init");
	BIND(easy_cleanup, "curl_easy_cleanup");
	BIND(easy_setopt, "curl_easy_setopt");
	BIND(easy_getinfo, "curl_easy_getinfo");
	BIND(easy_strerror, "curl_easy_strerror");
	BIND(easy_escape, "curl_easy_escape");
	BIND(free, "curl_free");
	BIND(slist_append, "curl_slist_append");
	BIND(slist_free_all, "curl_slist_free_all");
	BIND(multi_init, "curl_multi_init");
	BIND(multi_cleanup, "curl_multi_cleanup");
	BIND(multi_setopt, "curl_multi_setopt");
	BIND(multi_add_handle, "curl_multi_add_handle");
	BIND(multi_remove_handle, "curl_multi_remove_handle");
	BIND(multi_perform, "curl_multi_perform");
	BIND(multi_poll, "curl_multi_poll");
	BIND(multi_wakeup, "curl_multi_wakeup");
	BIND(multi_info_read, "curl_multi_info_read");
	loaded = 1;
	why[0] = '\0';
}

static int ready(void)
{
	pthread_once(&once, load);
	return loaded;
}

const char *curl_lazy_error(void)
{
	return ready() ? NULL : why;
}

/* A variadic option is a long, a pointer or a curl_off_t, told apart by the
 * range its number lies in (curl.h: CURLOPTTYPE_*); function pointers travel
 * as data pointers, as libcurl itself reads them. */
#define OPT_VALUE_CALL(call, option, ap)                                         \
	((option) < CURLOPTTYPE_OBJECTPOINT ? call(va_arg(ap, long))             \
	 : (option) >= CURLOPTTYPE_OFF_T && (option) < CURLOPTTYPE_BLOB         \
		 ? call(va_arg(ap, curl_off_t))                                  \
		 : call(va_arg(ap, void *)))

CURLcode curl_global_init(long flags)
{
	return ready() ? fn.global_init(flags) : CURLE_FAILED_INIT;
}

CURL *curl_easy_init(void)
{
	return ready() ? fn.easy_init() : NULL;
}

void curl_easy_cleanup(CURL *h)
{
	if (h && ready())
		fn.easy_cleanup(h);
}

CURLcode curl_easy_setopt(CURL *h, CURLoption option, ...)
{
	CURLcode rc;
	va_list ap;

	if (!ready())
		return CURLE_FAILED_INIT;
	va_start(ap, option);
#define EASY_SET(v) fn.easy_setopt(h, option, v)
	rc = OPT_VALUE_CALL(EASY_SET, option, ap);
#undef EASY_SET
	va_end(ap);
	return rc;
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	CURLcode rc;
	va_list ap;

	if (!ready())
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	rc = fn.easy_getinfo(h, info, va_arg(ap, void *)); /* always an out-pointer */
	va_end(ap);
	return rc;
}

const char *curl_easy_strerror(CURLcode code)
{
	return ready() ? fn.easy_strerror(code) : why;
}

char *curl_easy_escape(CURL *h, const char *s, int len)
{
	return ready() ? fn.easy_escape(h, s, len) : NULL;
}

void curl_free(void *p)
{
	if (p && ready())
		fn.free(p);
}

struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
	return ready() ? fn.slist_append(l, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *l)
{
	if (l && ready())
		fn.slist_free_all(l);
}

CURLM *curl_multi_init(void)
{
	return ready() ? fn.multi_init() : NULL;
}

CURLMcode curl_multi_cleanup(CURLM *m)
{
	return ready() ? fn.multi_cleanup(m) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_setopt(CURLM *m, CURLMoption option, ...)
{
	CURLMcode rc;
	va_list ap;

	if (!ready())
		return CURLM_BAD_HANDLE;
	va_start(ap, option);
#define MULTI_SET(v) fn.multi_setopt(m, option, v)
	rc = OPT_VALUE_CALL(MULTI_SET, option, ap);
#undef MULTI_SET
	va_end(ap);
	return rc;
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *h)
{
	return ready() ? fn.multi_add_handle(m, h) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *h)
{
	return ready() ? fn.multi_remove_handle(m, h) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_perform(CURLM *m, int *running)
{
	return ready() ? fn.multi_perform(m, running) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd extra[], unsigned int n, int timeout_ms,
			  int *ret)
{
	return ready() ? fn.multi_poll(m, extra, n, timeout_ms, ret) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_wakeup(CURLM *m)
{
	return ready() ? fn.multi_wakeup(m) : CURLM_BAD_HANDLE;
}

CURLMsg *curl_multi_info_read(CURLM *m, int *left)
{
	return ready() ? fn.multi_info_read(m, left) : NULL;
}
