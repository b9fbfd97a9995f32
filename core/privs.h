/* privs.h - running with raised privileges (setuid or setgid, AT_SECURE), and
 * keeping secrets out of core dumps.
 *
 * Under raised privileges the environment belongs to the caller, who may be
 * less trusted than the program: nothing that decides where credentials go
 * (API base, proxies, CA bundle), what the audit log records (BBCONSOLE_NOW)
 * or which database is used (BBCONSOLE_DB) may come from it. */
#ifndef BB_PRIVS_H
#define BB_PRIVS_H

/* 1 when the kernel marked this process secure-execution (AT_SECURE). */
int privs_raised(void);

/* getenv that answers NULL under raised privileges (secure_getenv). */
const char *privs_getenv(const char *name);

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
