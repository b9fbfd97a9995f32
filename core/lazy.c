#include "lazy.h"

#include <dlfcn.h>
#include <stdio.h>

/* pthread_once takes no argument: the library being opened is handed over
 * here, under the once-lock of that library. */
static __thread lazy_lib *opening;

static void lazy_open(void)
{
	lazy_lib *l = opening;
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!h) {
		snprintf(l->why, sizeof l->why, "Could not load %s; install it (Debian: apt-get "
			 "install %s).", l->soname, l->package);
		return;
	}
	for (i = 0; l->names[i]; i++) {
		if ((l->slots[i] = dlsym(h, l->names[i])))
			continue;
		snprintf(l->why, sizeof l->why, "The installed %s lacks %s; install a newer one "
			 "(Debian: apt-get install %s).", l->soname, l->names[i], l->package);
		return;
	}
	l->loaded = 1;
}

int lazy_ready(lazy_lib *l)
{
	opening = l;
	pthread_once(&l->once, lazy_open);
	return l->loaded;
}
