/* curl_lazy.c - libcurl, loaded on first use.
 *
 * Linking libcurl pulls in some thirty libraries (TLS, HTTP/2, LDAP, SSH,
 * Kerberos...) whose loading cost about 13 ms at every start, more than most
 * commands take; only `verify`, `repos` and a few console screens talk to
 * Bitbucket. So the binary does not link libcurl: these functions, under our
 * own names (curl_lazy.h maps libcurl's to them), open libcurl.so.4 with
 * dlopen() on the first call and forward to it. If it cannot be loaded, the functions fail as
 * libcurl does when out of resources, and curl_lazy_error() says why.
 *
 * SSLKEYLOGFILE: libcurl's TLS back end opens the file that variable names at
 * global initialisation and appends every session key to it, readable by
 * anyone who can read that file: a variable inherited from a debugging
 * session (or planted) would expose the traffic that carries the API token.
 * There is no libcurl option to turn it off, so curl_global_init() below
 * removes the variable first; that is the only moment libcurl reads it.
 *
 * Freed memory: libcurl keeps its own copies of the credentials (the options
 * it was given, the Authorization header it builds, the request buffer that
 * carried it) and frees them without clearing them, so a core or a heap dump
 * would find the token long after the request. curl_global_init() hands it
 * allocation functions whose free and realloc wipe the block first. */
#include "curl_lazy.h" /* first: the functions below get our names */

#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lazy.h"

enum {
	GLOBAL_INIT, EASY_INIT, EASY_CLEANUP, EASY_SETOPT, EASY_GETINFO, EASY_STRERROR,
	EASY_ESCAPE, FREE, SLIST_APPEND, SLIST_FREE_ALL, MULTI_INIT, MULTI_CLEANUP,
	MULTI_SETOPT, MULTI_ADD, MULTI_REMOVE, MULTI_PERFORM, MULTI_POLL, MULTI_WAKEUP,
	MULTI_INFO_READ, URL, URL_SET, URL_GET, URL_CLEANUP, GLOBAL_INIT_MEM, N_FNS
};

static const char *const names[N_FNS + 1] = {
	"curl_global_init", "curl_easy_init", "curl_easy_cleanup", "curl_easy_setopt",
	"curl_easy_getinfo", "curl_easy_strerror", "curl_easy_escape", "curl_free",
	"curl_slist_append", "curl_slist_free_all", "curl_multi_init", "curl_multi_cleanup",
	"curl_multi_setopt", "curl_multi_add_handle", "curl_multi_remove_handle",
	"curl_multi_perform", "curl_multi_poll", "curl_multi_wakeup", "curl_multi_info_read",
	"curl_url", "curl_url_set", "curl_url_get", "curl_url_cleanup", "curl_global_init_mem",
	NULL
};
static void *fn[N_FNS];
static lazy_lib libcurl = LAZY_LIB("libcurl.so.4", "libcurl4", names, fn);

/* The function in slot i, as the type libcurl gives it. */
#define F(i, type) ((type)fn[i])

typedef CURLcode (*getinfo_fn)(CURL *, CURLINFO, ...);
typedef struct curl_slist *(*slist_append_fn)(struct curl_slist *, const char *);
typedef CURLMcode (*multi_perform_fn)(CURLM *, int *);
typedef CURLMcode (*multi_poll_fn)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);

static int ready(void)
{
	return lazy_ready(&libcurl);
}

const char *curl_lazy_error(void)
{
	return ready() ? NULL : libcurl.why;
}

/* A variadic option is a long, a pointer or a curl_off_t, told apart by the
 * range its number lies in (curl.h: CURLOPTTYPE_*); function pointers travel
 * as data pointers, as libcurl itself reads them. */
#define OPT_VALUE_CALL(call, option, ap)                                         \
	((option) < CURLOPTTYPE_OBJECTPOINT ? call(va_arg(ap, long))             \
	 : (option) >= CURLOPTTYPE_OFF_T && (option) < CURLOPTTYPE_BLOB         \
		 ? call(va_arg(ap, curl_off_t))                                  \
		 : call(va_arg(ap, void *)))

/* ---- allocation that wipes what it frees (see the top of this file) ---- */

static void *wipe_malloc(size_t n)
{
	return malloc(n);
}

static void wipe_free(void *p)
{
	if (!p)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

/* A moved block is wiped where it was; a kept one keeps its contents. */
static void *wipe_realloc(void *p, size_t n)
{
	size_t old = p ? malloc_usable_size(p) : 0;
	void *q;

	if (p && n <= old)
		return p;
	if (!(q = malloc(n ? n : 1)))
		return NULL;
	if (p) {
		memcpy(q, p, old);
		wipe_free(p);
	}
	return q;
}

static char *wipe_strdup(const char *s)
{
	return strdup(s);
}

static void *wipe_calloc(size_t n, size_t size)
{
	return calloc(n, size);
}

typedef CURLcode (*global_init_mem_fn)(long, curl_malloc_callback, curl_free_callback,
				       curl_realloc_callback, curl_strdup_callback,
				       curl_calloc_callback);

CURLcode curl_global_init(long flags)
{
	unsetenv("SSLKEYLOGFILE"); /* see the top of this file */
	if (!ready())
		return CURLE_FAILED_INIT;
	return F(GLOBAL_INIT_MEM, global_init_mem_fn)(flags, wipe_malloc, wipe_free, wipe_realloc,
						      wipe_strdup, wipe_calloc);
}

CURL *curl_easy_init(void)
{
	return ready() ? F(EASY_INIT, CURL *(*)(void))() : NULL;
}

void curl_easy_cleanup(CURL *h)
{
	if (h && ready())
		F(EASY_CLEANUP, void (*)(CURL *))(h);
}

CURLcode curl_easy_setopt(CURL *h, CURLoption option, ...)
{
	CURLcode rc;
	va_list ap;

	if (!ready())
		return CURLE_FAILED_INIT;
	va_start(ap, option);
#define EASY_SET(v) F(EASY_SETOPT, CURLcode (*)(CURL *, CURLoption, ...))(h, option, v)
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
	/* the value is always an out-pointer */
	rc = F(EASY_GETINFO, getinfo_fn)(h, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

const char *curl_easy_strerror(CURLcode code)
{
	return ready() ? F(EASY_STRERROR, const char *(*)(CURLcode))(code) : libcurl.why;
}

char *curl_easy_escape(CURL *h, const char *s, int len)
{
	return ready() ? F(EASY_ESCAPE, char *(*)(CURL *, const char *, int))(h, s, len) : NULL;
}

void curl_free(void *p)
{
	if (p && ready())
		F(FREE, void (*)(void *))(p);
}

struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
	return ready() ? F(SLIST_APPEND, slist_append_fn)(l, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *l)
{
	if (l && ready())
		F(SLIST_FREE_ALL, void (*)(struct curl_slist *))(l);
}

CURLM *curl_multi_init(void)
{
	return ready() ? F(MULTI_INIT, CURLM *(*)(void))() : NULL;
}

CURLMcode curl_multi_cleanup(CURLM *m)
{
	return ready() ? F(MULTI_CLEANUP, CURLMcode (*)(CURLM *))(m) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_setopt(CURLM *m, CURLMoption option, ...)
{
	CURLMcode rc;
	va_list ap;

	if (!ready())
		return CURLM_BAD_HANDLE;
	va_start(ap, option);
#define MULTI_SET(v) F(MULTI_SETOPT, CURLMcode (*)(CURLM *, CURLMoption, ...))(m, option, v)
	rc = OPT_VALUE_CALL(MULTI_SET, option, ap);
#undef MULTI_SET
	va_end(ap);
	return rc;
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *h)
{
	return ready() ? F(MULTI_ADD, CURLMcode (*)(CURLM *, CURL *))(m, h) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *h)
{
	return ready() ? F(MULTI_REMOVE, CURLMcode (*)(CURLM *, CURL *))(m, h) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_perform(CURLM *m, int *running)
{
	return ready() ? F(MULTI_PERFORM, multi_perform_fn)(m, running) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd extra[], unsigned int n, int timeout_ms,
			  int *ret)
{
	return ready() ? F(MULTI_POLL, multi_poll_fn)(m, extra, n, timeout_ms, ret)
		       : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_wakeup(CURLM *m)
{
	return ready() ? F(MULTI_WAKEUP, CURLMcode (*)(CURLM *))(m) : CURLM_BAD_HANDLE;
}

CURLMsg *curl_multi_info_read(CURLM *m, int *left)
{
	return ready() ? F(MULTI_INFO_READ, CURLMsg *(*)(CURLM *, int *))(m, left) : NULL;
}

CURLU *curl_url(void)
{
	return ready() ? F(URL, CURLU *(*)(void))() : NULL;
}

CURLUcode curl_url_set(CURLU *u, CURLUPart what, const char *part, unsigned int flags)
{
	typedef CURLUcode (*url_set_fn)(CURLU *, CURLUPart, const char *, unsigned int);

	return ready() ? F(URL_SET, url_set_fn)(u, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_get(CURLU *u, CURLUPart what, char **part, unsigned int flags)
{
	typedef CURLUcode (*url_get_fn)(CURLU *, CURLUPart, char **, unsigned int);

	return ready() ? F(URL_GET, url_get_fn)(u, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

void curl_url_cleanup(CURLU *u)
{
	if (u && ready())
		F(URL_CLEANUP, void (*)(CURLU *))(u);
}
