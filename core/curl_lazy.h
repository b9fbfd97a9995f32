/* curl_lazy.h - libcurl is opened on first use (see curl_lazy.c). */
#ifndef BB_CURL_LAZY_H
#define BB_CURL_LAZY_H

/* NULL when libcurl is loaded (loading it now if needed), else one sentence
 * saying why it could not be and what to install. */
const char *curl_lazy_error(void);

#endif
