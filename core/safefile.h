/* safefile.h - opening the files that hold state and secrets (the database,
 * its key file, their directory) while refusing what another user could have
 * planted or can read: a symbolic link, a file owned by someone else, a file
 * with any group or other permission, a directory others may write to.
 * ssh treats a private key the same way. Every refusal is BB_DBERR (73). */
#ifndef BB_SAFEFILE_H
#define BB_SAFEFILE_H

#include <sys/stat.h>

#include "error.h"

/* The directory holding path must be owned by the effective user and not
 * writable by group or others. BB_NOTFOUND when it does not exist. */
bb_code safefile_check_dir_of(const char *path, bb_err *err);

/* What was opened (st, of path) must be a regular file owned by the
 * effective user with no group or other permission. what: "database",
 * "key file". */
bb_code safefile_check(const struct stat *st, const char *path, const char *what,
		       bb_err *err);

/* The same checks by name (lstat), for the database file: SQLite's locks
 * belong to the process, and closing any descriptor of that file would drop
 * those of every other connection the process has (another process would
 * then take itself for the last one and delete the WAL under them). So the
 * database is never opened behind SQLite's back. BB_NOTFOUND when absent. */
bb_code safefile_lstat(const char *path, const char *what, struct stat *st, bb_err *err);

/* open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0600), then safefile_check on
 * what was opened. Returns the fd, or -1 with err set: BB_NOTFOUND when the
 * file does not exist (and O_CREAT was not given), else BB_DBERR. */
int safefile_open(const char *path, int flags, const char *what, bb_err *err);

#endif
