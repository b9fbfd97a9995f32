/* error.h - the one error type every core function returns.
 *
 * A code (equal to the process exit status of SPEC section 2, sysexits style) plus
 * one human sentence that says what is wrong and what to do. Both front ends show
 * the sentence as it is. */
#ifndef BB_ERROR_H
#define BB_ERROR_H

#include <stddef.h>

typedef enum bb_code {
	BB_OK = 0,
	BB_USAGE = 64,     /* command line misused */
	BB_INVALID = 65,   /* invalid data, or a rule refused it */
	BB_NOTFOUND = 66,  /* no such integration, space, stack... */
	BB_REMOTE = 69,    /* Bitbucket refused or could not be reached */
	BB_DBERR = 73,     /* database cannot be created or opened */
	BB_TEMP = 75,      /* busy, or changed by someone else: try again */
	BB_DENIED = 77     /* permission denied */
} bb_code;

#define BB_MSG_MAX 512

typedef struct bb_err {
	bb_code code;
	char msg[BB_MSG_MAX];
} bb_err;

/* Sets err (which may be NULL) and returns code, so callers can write
 * `return bb_fail(err, BB_INVALID, "...");`. */
bb_code bb_fail(bb_err *err, bb_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* BB_DBERR "Out of memory." (the one sentence for a failed allocation). */
bb_code bb_oom(bb_err *err);

/* Clears err to BB_OK with an empty message. */
void bb_err_clear(bb_err *err);


#endif
