#include "privs.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* What libcurl reads on its own (proxies, CA files, the TLS key log) and our
 * own overrides. */
static const char *const scrubbed[] = {
	"BBCONSOLE_BITBUCKET_API", "BBCONSOLE_NOW", "BBCONSOLE_DB",
	"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
	"no_proxy", "NO_PROXY", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR",
	"SSLKEYLOGFILE", "CURL_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "OPENSSL_CONF",
	"OPENSSL_MODULES",
	"OPENSSL_ENGINES",
};

int privs_raised(void)
{
	return getauxval(AT_SECURE) != 0;
}

const char *privs_getenv(const char *name)
{
	return secure_getenv(name);
}

int privs_xdg_path(const char *var, const char *fallback, const char *name, char *out,
		   size_t size)
{
	const char *xdg = privs_getenv(var);
	const char *home = privs_getenv("HOME");
	struct passwd *pw;
	int n;

	/* under raised privileges HOME is the caller's word: ask the system */
	if (privs_raised() && (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (xdg && xdg[0] == '/')
		n = snprintf(out, size, "%s/%s", xdg, name);
	else if (home && home[0])
		n = snprintf(out, size, "%s/%s/%s", home, fallback, name);
	else
		return 1;
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

void privs_scrub_env(int raised)
{
	if (!raised)
		return;
	for (size_t i = 0; i < sizeof scrubbed / sizeof scrubbed[0]; i++)
		unsetenv(scrubbed[i]);
}

int privs_open_as_caller(const char *path, int flags)
{
	uid_t euid = geteuid();
	gid_t egid = getegid();
	int fd, e;

	if (euid == getuid() && egid == getgid())
		return open(path, flags | O_CLOEXEC);
	/* group first: once the uid is dropped it may not be allowed to change */
	if (setegid(getgid()) != 0 || seteuid(getuid()) != 0) {
		e = errno;
		(void)!setegid(egid);
		errno = e;
		return -1;
	}
	fd = open(path, flags | O_CLOEXEC);
	e = errno;
	if (seteuid(euid) != 0 || setegid(egid) != 0)
		abort(); /* cannot get back to a known state */
	errno = e;
	return fd;
}

void privs_protect_secrets(void)
{
	static int done;
	struct rlimit none = {0, 0};

	if (done)
		return;
	done = 1;
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &none);
}
