/* privs.h - running with raised privileges (setuid or setgid, AT_SECURE), and
 * keeping secrets out of core dumps.
 *
 * Under raised privileges the environment belongs to the caller, who may be
 * less trusted than the program: nothing that decides where credentials go
 * (API base, proxies, CA bundle), what the audit log records (BBCONSOLE_NOW)
 * or which database is used (BBCONSOLE_DB) may come from it. */
#ifndef BB_PRIVS_H
#define BB_PRIVS_H

#include <stddef.h>

/* 1 when the kernel marked this process secure-execution (AT_SECURE). */
int privs_raised(void);

/* getenv that answers NULL under raised privileges (secure_getenv). */
const char *privs_getenv(const char *name);

/* The XDG place of a file: "$var/name" when the environment variable var is
 * an absolute path, else "$HOME/fallback/name" ("XDG_DATA_HOME",
 * ".local/share", "bbconsole/console.db"). Under raised privileges neither
 * comes from the environment: the home is the real user's, from the
 * password database. Returns 0, 1 when there is no home, -1 when the path
 * does not fit in size. */
int privs_xdg_path(const char *var, const char *fallback, const char *name, char *out,
		   size_t size);

/* When raised (pass privs_raised()), removes from the environment every
 * variable that libcurl or this program would read to pick a server, a proxy,
 * a CA bundle, a TLS key log, a time or a database, so that no later getenv
 * (ours or a library's) can see them. Call before any thread. */
void privs_scrub_env(int raised);

/* open(2) with the real user and group ids as the effective ones, so that a
 * file the caller names is opened only if the caller may open it. Returns the
 * fd or -1 (errno set). */
int privs_open_as_caller(const char *path, int flags);

/* No core dumps and no ptrace by the same user while secrets are in memory
 * (PR_SET_DUMPABLE 0, RLIMIT_CORE 0), as ssh-agent does. Idempotent. */
void privs_protect_secrets(void);

#endif
