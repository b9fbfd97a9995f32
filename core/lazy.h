/* lazy.h - a shared library opened on first use.
 *
 * Linking a library loads it, and everything it links, at every start; a
 * command that never needs it pays anyway. A lazy_lib is opened with dlopen()
 * the first time one of its functions is called, and its symbols are looked
 * up once into `slots` (in the order of `names`). */
#ifndef BB_LAZY_H
#define BB_LAZY_H

#include <pthread.h>
#include <stddef.h>

typedef struct lazy_lib {
	const char *soname;        /* "libcurl.so.4" */
	const char *package;       /* the Debian package to install ("libcurl4") */
	const char *const *names;  /* symbols, NULL-terminated */
	void **slots;              /* filled in the order of names */
	pthread_once_t once;
	int loaded;
	char why[256];             /* when not loaded: one sentence */
} lazy_lib;

#define LAZY_LIB(so, pkg, names, slots) {so, pkg, names, slots, PTHREAD_ONCE_INIT, 0, ""}

/* 1 when the library is open and every symbol was found (opening it now if
 * needed); 0 otherwise, with the reason in l->why. Thread-safe. */
int lazy_ready(lazy_lib *l);

#endif
