/* curl_lazy.h - libcurl is opened on first use (see curl_lazy.c).
 *
 * Include this instead of <curl/curl.h>: the loader defines the functions
 * under our own names (curl_lazy_*), never libcurl's, so the program holds no
 * second definition of a library's symbol and `nm -u` shows which library
 * functions each part calls (make layering); these macros map the names the
 * code calls to ours before curl.h declares them. */
#ifndef BB_CURL_LAZY_H
#define BB_CURL_LAZY_H

#ifdef CURLINC_CURL_H
#error "include curl_lazy.h instead of <curl/curl.h>"
#endif
#define CURL_DISABLE_TYPECHECK /* its macros would wrap libcurl's own names */
#define curl_global_init         curl_lazy_global_init
#define curl_easy_init           curl_lazy_easy_init
#define curl_easy_cleanup        curl_lazy_easy_cleanup
#define curl_easy_setopt         curl_lazy_easy_setopt
#define curl_easy_getinfo        curl_lazy_easy_getinfo
#define curl_easy_strerror       curl_lazy_easy_strerror
#define curl_easy_escape         curl_lazy_easy_escape
#define curl_free                curl_lazy_free
#define curl_slist_append        curl_lazy_slist_append
#define curl_slist_free_all      curl_lazy_slist_free_all
#define curl_multi_init          curl_lazy_multi_init
#define curl_multi_cleanup       curl_lazy_multi_cleanup
#define curl_multi_setopt        curl_lazy_multi_setopt
#define curl_multi_add_handle    curl_lazy_multi_add_handle
#define curl_multi_remove_handle curl_lazy_multi_remove_handle
#define curl_multi_perform       curl_lazy_multi_perform
#define curl_multi_poll          curl_lazy_multi_poll
#define curl_multi_wakeup        curl_lazy_multi_wakeup
#define curl_multi_info_read     curl_lazy_multi_info_read
#define curl_url                 curl_lazy_url
#define curl_url_set             curl_lazy_url_set
#define curl_url_get             curl_lazy_url_get
#define curl_url_cleanup         curl_lazy_url_cleanup
#include <curl/curl.h>
/* curl.h ends by redefining these as calls of themselves (to count their
 * arguments), which would bring libcurl's names back: ours again */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#define curl_easy_setopt  curl_lazy_easy_setopt
#define curl_easy_getinfo curl_lazy_easy_getinfo
#define curl_multi_setopt curl_lazy_multi_setopt

/* NULL when libcurl is loaded (loading it now if needed), else one sentence
 * saying why it could not be and what to install. */
const char *curl_lazy_error(void);

#endif
