/* bitbucket_checks.c - the troubleshooting checks, each with the curl command
 * a support engineer would run. The token never appears: the command reads
 * it from $BITBUCKET_API_TOKEN, so it can be pasted into a shell as is. */
#include "bitbucket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curl_lazy.h"

/* s inside single quotes for a POSIX shell: each ' becomes '\''. malloc'd. */
static char *shell_quote(const char *s)
{
	size_t n = 3;
	char *out, *o;

	for (const char *p = s; *p; p++)
		n += *p == '\'' ? 4 : 1;
	if (!(o = out = malloc(n)))
		return NULL;
	*o++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

static char *curl_command(const char *email, const char *url)
{
	char *user = NULL, *q_user, *q_url, *out = NULL;

	if (asprintf(&user, "%s:", email) < 0)
		return NULL;
	q_user = shell_quote(user);
	q_url = shell_quote(url);
	/* -sS: quiet but with errors; -D -: the status line and the scope headers
	 * (x-oauth-scopes) are what a support engineer reads first */
	if (q_user && q_url && asprintf(&out, "curl -sS -D - -u %s\"$BITBUCKET_API_TOKEN\" %s",
					q_user, q_url) < 0)
		out = NULL;
	free(user);
	free(q_user);
	free(q_url);
	return out;
}

typedef struct check_def {
	const char *title, *expect;
} check_def;

static const check_def checks[] = {
	{ "Credentials",
	  "200 or 403 means Bitbucket accepts the email and token; 401 means it does not "
	  "(use the Atlassian account email and an API token)." },
	{ "Workspace access",
	  "200 lists the workspaces; a 403 naming read:workspace:bitbucket means that scope "
	  "is missing (name the workspaces in the integration instead)." },
	{ "Repositories visible",
	  "200 with a size above 0; 403 names the missing scope; 404 means the workspace is "
	  "unknown to this account." },
	{ "Pull request access",
	  "200; 403 means the token lacks read:pullrequest:bitbucket." },
	{ "Pull Request Commit Links app",
	  "200 means the app works; 202 means Bitbucket is still indexing; 404 or \"Invalid or "
	  "unknown installation\" means the app is not installed (open the commit in Bitbucket "
	  "and click Pull requests once)." },
};

static char *check_url(size_t i, const char *base, const char *ws, const char *repo,
		       const char *commit)
{
	char *url = NULL;
	int rc;

	switch (i) {
	case 0:
		rc = asprintf(&url, "%s/user", base);
		break;
	case 1:
		rc = asprintf(&url, "%s/user/workspaces", base);
		break;
	case 2:
		rc = asprintf(&url, "%s/repositories/%s?role=member", base, ws);
		break;
	case 3:
		rc = asprintf(&url, "%s/repositories/%s/pullrequests?pagelen=10", base, repo);
		break;
	default:
		rc = asprintf(&url, "%s/repositories/%s/commit/%s/pullrequests", base, repo, commit);
		break;
	}
	return rc < 0 ? NULL : url;
}

static bb_code checks_build(const char *email, const char *workspace, const char *repository,
			    const char *commit, bb_check **out, size_t *n, bb_err *err);

/* A path segment escaped for a URL; a placeholder (<...>) stays readable. */
static char *path_part(const char *s, size_t len)
{
	char *raw = strndup(s, len), *e, *out;

	if (!raw || raw[0] == '<')
		return raw;
	e = curl_easy_escape(NULL, raw, 0);
	out = e ? strdup(e) : NULL;
	curl_free(e);
	free(raw);
	return out;
}

/* "ws/slug" with each part escaped. */
static char *repo_part(const char *repo)
{
	const char *slash = strchr(repo, '/');
	char *ws, *slug, *out = NULL;

	if (!slash || repo[0] == '<')
		return path_part(repo, strlen(repo));
	ws = path_part(repo, (size_t)(slash - repo));
	slug = path_part(slash + 1, strlen(slash + 1));
	if (ws && slug && asprintf(&out, "%s/%s", ws, slug) < 0)
		out = NULL;
	free(ws);
	free(slug);
	return out;
}

bb_code bitbucket_checks(const char *email, const char *workspace, const char *repository,
			 const char *commit, bb_check **out, size_t *n, bb_err *err)
{
	char *ws_e, *repo_e, *commit_e;
	bb_code rc;

	*out = NULL;
	*n = 0;
	workspace = workspace && *workspace ? workspace : "<workspace>";
	repository = repository && *repository ? repository : "<workspace>/<repository>";
	commit = commit && *commit ? commit : "<commit>";
	ws_e = path_part(workspace, strlen(workspace));
	repo_e = repo_part(repository);
	commit_e = path_part(commit, strlen(commit));
	if (ws_e && repo_e && commit_e)
		rc = checks_build(email, ws_e, repo_e, commit_e, out, n, err);
	else
		rc = bb_oom(err);
	free(ws_e);
	free(repo_e);
	free(commit_e);
	return rc;
}

static bb_code checks_build(const char *email, const char *workspace, const char *repository,
			    const char *commit, bb_check **out, size_t *n, bb_err *err)
{
	size_t count = sizeof checks / sizeof checks[0];
	bb_check *v = calloc(count, sizeof *v);
	char base[512];

	if (!v)
		return bb_oom(err);
	bitbucket_api_base(base, sizeof base);
	email = email && *email ? email : "you@example.com";
	for (size_t i = 0; i < count; i++) {
		char *url = check_url(i, base, workspace, repository, commit);

		v[i].title = strdup(checks[i].title);
		v[i].expect = strdup(checks[i].expect);
		v[i].curl = url ? curl_command(email, url) : NULL;
		free(url);
		if (!v[i].title || !v[i].expect || !v[i].curl) {
			bitbucket_checks_free(v, count);
			return bb_oom(err);
		}
	}
	*out = v;
	*n = count;
	return BB_OK;
}

void bitbucket_checks_free(bb_check *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].title);
		free(v[i].curl);
		free(v[i].expect);
	}
	free(v);
}
