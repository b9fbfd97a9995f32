#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bb_code safefile_check_dir_of(const char *path, bb_err *err)
{
	char *dir = strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	struct stat st;
	bb_code rc = BB_OK;

	if (!dir)
		return bb_oom(err);
	if (!slash)
		snprintf(dir, strlen(path) + 1, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) != 0)
		rc = bb_fail(err, errno == ENOENT ? BB_NOTFOUND : BB_DBERR, "Cannot use the directory %s (%s); check the path.", dir,
			     strerror(errno));
	else if (st.st_uid != geteuid())
		rc = bb_fail(err, BB_DBERR, "The directory %s belongs to another user (uid %u), who "
			     "could replace the database; keep it in a directory of your own.", dir,
			     (unsigned)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		rc = bb_fail(err, BB_DBERR, "The directory %s may be written by other users, who "
			     "could plant or replace the database; run chmod go-w on it or use "
			     "another directory.", dir);
	free(dir);
	return rc;
}

bb_code safefile_check(const struct stat *st, const char *path, const char *what, bb_err *err)
{
	if (!S_ISREG(st->st_mode))
		return bb_fail(err, BB_DBERR, "The %s %s is not a regular file; pass the path of "
			       "a file.", what, path);
	if (st->st_uid != geteuid())
		return bb_fail(err, BB_DBERR, "The %s %s belongs to another user (uid %u), who "
			       "could read or change it; bbconsole only uses files of your own.",
			       what, path, (unsigned)st->st_uid);
	if (st->st_mode & 077)
		return bb_fail(err, BB_DBERR, "The %s %s may be read or written by other users "
			       "(mode %04o); if you trust its content, run chmod 600 on it.", what,
			       path, (unsigned)(st->st_mode & 07777));
	return BB_OK;
}

bb_code safefile_lstat(const char *path, const char *what, struct stat *st, bb_err *err)
{
	if (lstat(path, st) != 0)
		return errno == ENOENT ? bb_fail(err, BB_NOTFOUND, "There is no %s %s.", what, path)
			: bb_fail(err, BB_DBERR, "Cannot examine the %s %s (%s); check it and its "
				  "directory.", what, path, strerror(errno));
	if (S_ISLNK(st->st_mode))
		return bb_fail(err, BB_DBERR, "The %s %s is a symbolic link, which another user may "
			       "have planted; pass the real path instead.", what, path);
	return safefile_check(st, path, what, err);
}

int safefile_open(const char *path, int flags, const char *what, bb_err *err)
{
	int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct stat st;

	if (fd < 0 && errno == ELOOP)
		bb_fail(err, BB_DBERR, "The %s %s is a symbolic link, which another user may have "
			"planted; pass the real path instead.", what, path);
	else if (fd < 0 && errno == ENOENT)
		bb_fail(err, BB_NOTFOUND, "There is no %s %s.", what, path);
	else if (fd < 0)
		bb_fail(err, BB_DBERR, "Cannot open the %s %s (%s); check it and its directory.",
			what, path, strerror(errno));
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		bb_fail(err, BB_DBERR, "Cannot examine the %s %s (%s).", what, path, strerror(errno));
		close(fd);
		return -1;
	}
	if (safefile_check(&st, path, what, err) != BB_OK) {
		close(fd);
		return -1;
	}
	return fd;
}
