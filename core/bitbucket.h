/* bitbucket.h - the Bitbucket Cloud REST API 2.0 client (SPEC section 3).
 *
 * Asynchronous: a client owns one worker thread that drives every request
 * through one curl multi handle (connection reuse, at most 8 requests in
 * flight). The console never blocks:
 *
 *     bb_client *c;  bitbucket_client_new(&c, &err);
 *     id = bitbucket_verify_start(c, &creds, on_done, screen, &err);
 *     ... add bitbucket_client_fd(c) to the poll set of the event loop;
 *     when it is readable: bitbucket_client_collect(c);
 *
 * bitbucket_client_collect() runs the progress and completion callbacks on
 * the caller's thread (never on the worker). A job can be cancelled at any
 * time by its id; it then completes promptly with r->cancelled set. The
 * command line uses the blocking wrappers (bitbucket_*_sync), built on the
 * same machinery.
 *
 * Every failure is one sentence that says what to do (never the token);
 * text taken from a response is length-capped and free of control
 * characters. Environment: BBCONSOLE_BITBUCKET_API (base URL, default
 * https://api.bitbucket.org/2.0; plain http only to a loopback host, since
 * the credentials would travel in clear), curl's proxy variables,
 * CURL_CA_BUNDLE / SSL_CERT_FILE (CA bundle) and SSL_CERT_DIR (CA directory),
 * used for the proxy's certificate too. Tests may shorten the waits with
 * BBCONSOLE_HTTP_TIMEOUT_MS (total per request, default 30000),
 * BBCONSOLE_CONNECT_TIMEOUT_MS (default 10000), BBCONSOLE_BACKOFF_MS
 * (base of the retry back-off, default 1000), BBCONSOLE_JOB_TIMEOUT_MS
 * (a whole job, default 300000) and BBCONSOLE_MAX_PAGES (pages one job may
 * read, default BB_MAX_PAGES). */
#ifndef BB_BITBUCKET_H
#define BB_BITBUCKET_H

#include <stddef.h>

#include "db.h"
#include "error.h"
#include "util.h"

#define BB_API_DEFAULT "https://api.bitbucket.org/2.0"
#define BB_MAX_INFLIGHT 8
#define BB_BODY_MAX (8u * 1024u * 1024u)
/* A server could announce any size or an endless `next` chain: one job
 * reads at most this many pages (200,000 repositories at 100 a page). */
#define BB_MAX_PAGES 2000

/* ---- data ------------------------------------------------------------------ */

/* A repository as SPEC section 2 shows it. Strings are malloc'd, sanitised
 * (valid UTF-8, no control characters). mainbranch and updated_on may be NULL. */
typedef struct bb_repo {
	char *full_name;  /* "workspace/slug" */
	char *workspace;
	char *slug;
	char *name;
	int is_private;
	char *mainbranch;
	char *updated_on;
} bb_repo;

typedef struct bb_repo_list {
	bb_repo *v;
	size_t n;
} bb_repo_list;

void bitbucket_repos_free(bb_repo_list *l);
/* Sorts by full_name and drops duplicates. */
void bitbucket_repos_sort_unique(bb_repo_list *l);

/* Credentials and settings of one integration. The client copies everything
 * it needs at start (and wipes its copy of the token when the job ends), so
 * the caller may wipe its own at once. */
typedef struct bb_creds {
	const char *email;
	const char *token;
	const bb_strlist *workspaces; /* configured slugs; NULL or empty = none */
} bb_creds;

/* ---- parsing (pure functions; safe on any input, fuzzed) ---------------------- */

/* What an error response means. */
typedef struct bb_api_error {
	long status;
	char msg[BB_MSG_MAX];      /* one sentence: what is wrong, what to do */
	bb_strlist missing_scopes; /* from error.detail.required, when given */
	int retry;                 /* 1: worth retrying (429, 5xx) */
	int token_invalid;         /* 401 "Token is invalid, expired, or not supported" */
	int retired;               /* 410 CHANGE-2770 */
	int app_not_installed;     /* {"error": "Invalid or unknown installation"} */
} bb_api_error;

/* What the response headers said (all optional). */
typedef struct bb_api_headers {
	long retry_after;     /* Retry-After in seconds from now; -1 when absent */
	long rate_limit;      /* X-RateLimit-Limit; -1 when absent */
	char rate_resource[64]; /* X-RateLimit-Resource */
	char location[256];   /* Location of a 3xx */
} bb_api_headers;

/* Classifies a non-2xx response. `what` names the resource in the sentence
 * ("the workspace list", "workspace acme"); may be NULL. body need not be
 * NUL-terminated. Free out with bitbucket_api_error_free(). */
void bitbucket_parse_error(long status, const char *content_type, const char *body, size_t len,
			   const char *what, bb_api_error *out);
/* The same, using what the headers add: the wait a 429 asks for (Retry-After
 * or the rate-limit headers) and the Location of a redirect. hd may be NULL. */
void bitbucket_parse_error_hd(long status, const char *content_type, const char *body, size_t len,
			      const char *what, const bb_api_headers *hd, bb_api_error *out);

/* Parses a Retry-After value (seconds, or an HTTP date compared with now, a
 * time_t); -1 when it is neither. */
long bitbucket_retry_after(const char *value, long long now);

/* Adds the API-token scope names a scope name stands for to out: a legacy
 * name (`account`, `repository`, `pullrequest`, `webhook`...) becomes its
 * `read:...:bitbucket` (and write) names; a current name is kept. */
void bitbucket_scope_translate(const char *name, bb_strlist *out);
/* A comma-separated header value (x-oauth-scopes) translated into out. */
void bitbucket_scopes_parse(const char *value, bb_strlist *out);
void bitbucket_api_error_free(bb_api_error *e);

/* One page of GET /user/workspaces: appends the workspace slugs to slugs,
 * the slugs where the user is an administrator to admins (may be NULL), and
 * sets *next (malloc'd, NULL on the last page). BB_REMOTE on a body that is
 * not the expected JSON. */
bb_code bitbucket_parse_workspaces_admin(const char *body, size_t len, bb_strlist *slugs,
					 bb_strlist *admins, char **next, bb_err *err);
/* The display name of GET /user (malloc'd, cleaned), or NULL. */
char *bitbucket_parse_user(const char *body, size_t len);

/* One page of GET /repositories/{workspace}. size/page/pagelen are -1 when
 * absent; next is NULL on the last page. Entries without a full_name are
 * skipped; a missing slug is taken from full_name. */
typedef struct bb_repo_page {
	bb_repo_list repos;
	long size, page, pagelen;
	char *next;
} bb_repo_page;

bb_code bitbucket_parse_repos(const char *body, size_t len, bb_repo_page *out, bb_err *err);
void bitbucket_repo_page_free(bb_repo_page *p);

/* The first field a 400 names (error.fields: {"key": ["message"]}) and its
 * message, cleaned, into field and text; 0 when the body names none. */
int bitbucket_parse_error_field(const char *body, size_t len, char *field, size_t fsize,
				char *text, size_t tsize);
/* The "hash" of a commit, or target.hash of a branch: 40 hex into out
 * (41 bytes); BB_REMOTE when the body holds none. */
bb_code bitbucket_parse_hash(const char *body, size_t len, char out[41], bb_err *err);

/* A copy of text from outside, at most max_bytes long (cut on a character
 * boundary), valid UTF-8, control characters replaced. malloc'd. */
char *bitbucket_clean_text(const char *s, size_t len, size_t max_bytes);

/* ---- the client --------------------------------------------------------------- */

typedef struct bb_client bb_client;
typedef unsigned long bb_job_id; /* never 0 */

typedef enum bb_job_kind {
	BB_JOB_VERIFY,
	BB_JOB_DISCOVER,
	BB_JOB_COMMIT_LINKS,
	BB_JOB_HOOKS,
	BB_JOB_STATUS, /* POST a commit status */
	BB_JOB_HASH    /* the full hash of a short commit, or a branch's head */
} bb_job_kind;

/* ---- webhooks (the hooks endpoints of repositories and workspaces) -------------- */

/* A webhook subscription as Bitbucket shows it. Strings are malloc'd and
 * cleaned; the secret is write-only, so only whether one is set is known. */
typedef struct bb_hook {
	char *uuid;        /* "{...}" */
	char *url;
	char *description; /* may be NULL */
	int active;
	int secret_set;
	bb_strlist events;
} bb_hook;

typedef struct bb_hook_list {
	bb_hook *v;
	size_t n;
} bb_hook_list;

void bitbucket_hooks_free(bb_hook_list *l);
/* A page of GET .../hooks ({"values": [...]}, *next set as for repositories)
 * or one hook object (POST/PUT/GET one; *next NULL): appended to out.
 * Entries without a uuid or url are skipped. next may be NULL. */
bb_code bitbucket_parse_hooks(const char *body, size_t len, bb_hook_list *out, char **next,
			      bb_err *err);

typedef enum bb_hook_verb {
	BB_HOOK_LIST,   /* GET .../hooks, every page */
	BB_HOOK_CREATE, /* POST .../hooks (never retried: it might have landed) */
	BB_HOOK_UPDATE, /* PUT .../hooks/{uuid} */
	BB_HOOK_DELETE  /* DELETE .../hooks/{uuid} */
} bb_hook_verb;

/* One request of a hooks job. The client copies everything at start and
 * wipes its copy of the body (it may hold the webhook secret) at the end. */
typedef struct bb_hook_op {
	bb_hook_verb verb;
	const char *subject; /* "ws/slug", or a workspace slug when workspace */
	int workspace;       /* the workspace's hooks (/workspaces/{ws}/hooks) */
	const char *uuid;    /* UPDATE, DELETE */
	const char *body;    /* CREATE, UPDATE: the JSON to send */
} bb_hook_op;

/* What one op got, index for index. */
typedef struct bb_hook_answer {
	int answered;        /* 0: never sent or not finished (the job stopped first) */
	long status;         /* the HTTP status; 0 on a transport failure */
	char msg[BB_MSG_MAX]; /* "" on success, else one sentence */
	bb_strlist missing_scopes; /* from a 403 that names them */
	bb_hook_list hooks;  /* LIST: every hook of every page; CREATE/UPDATE: the answer */
} bb_hook_answer;

/* What a verification found (valid when code is BB_OK, and partly filled
 * when a later step failed). */
typedef struct bb_verify_info {
	bb_strlist workspaces;
	int workspaces_from_config; /* token lacks read:workspace:bitbucket */
	long repositories;          /* repositories the token can read, all workspaces */
	int pr_access;              /* 1 yes; 0 no; -1 unknown (no repository to try) */
	/* the scopes Bitbucket says the token holds (x-oauth-scopes, in API-token
	 * names); scopes_known is 0 when no answer carried the header */
	int scopes_known;
	bb_strlist scopes;
	bb_strlist missing_required, missing_recommended, missing_optional;
	char credential_type[32];   /* x-credential-type, "" when absent */
	char *user;                 /* display name behind the token; NULL if unknown */
	int user_refused;           /* /user answered 403: needs read:user:bitbucket */
	bb_strlist admin_workspaces; /* workspaces where the user is an administrator */
	int source_access;          /* /src of one repository: 1 yes; 0 refused (IP
				     * allowlist or required 2FA); -1 not tried */
	char *source_repo;          /* the repository tried */
	int hooks_access;           /* GET hooks of that repository: 1 readable, 0 refused,
				     * -1 not tried */
	int hooks_scope_missing;    /* the refusal named read:webhook:bitbucket */
} bb_verify_info;

/* The scopes verify judges, by importance (SPEC section 3). */
extern const char *const bitbucket_scopes_required[];
extern const char *const bitbucket_scopes_recommended[];
extern const char *const bitbucket_scopes_optional[];

typedef enum bb_commit_links {
	BB_LINKS_OK,            /* 200: the app answers */
	BB_LINKS_INDEXING,      /* 202: pull requests still being indexed */
	BB_LINKS_NOT_INSTALLED  /* 404 or "Invalid or unknown installation" */
} bb_commit_links;

/* Which request a failure came from, so a front end can tell the step
 * without reading the sentence. */
typedef enum bb_step {
	BB_STEP_NONE,       /* not a request (setup, cancel, deadline) */
	BB_STEP_USER,       /* GET /user */
	BB_STEP_WORKSPACES, /* GET /user/workspaces */
	BB_STEP_REPOS,      /* GET /repositories/{workspace} */
	BB_STEP_PR,         /* the pull-request probe */
	BB_STEP_SOURCE,     /* the /src probe */
	BB_STEP_COMMIT,     /* the commit-links check */
	BB_STEP_HOOKS,      /* a hooks request (401 or 429: the job stopped) */
	BB_STEP_STATUS,     /* POST .../statuses/build */
	BB_STEP_HASH        /* GET .../commit/{short} or .../refs/branches/{name} */
} bb_step;

/* A problem that did not stop the job: one workspace that refused (403, 404,
 * 410), a listing that changed while it was read, the page cap. */
typedef struct bb_warning {
	char *workspace;          /* NULL when about the whole job */
	long status;              /* the HTTP status, 0 when none */
	char msg[BB_MSG_MAX];
} bb_warning;

typedef struct bb_warning_list {
	bb_warning *v;
	size_t n;
} bb_warning_list;

/* Handed to the completion callback, then freed by the client. The callback
 * may take ownership of repos (copy the struct, then zero r->repos). */
typedef struct bb_job_result {
	bb_job_id id;
	bb_job_kind kind;
	bb_code code;              /* BB_OK, or BB_REMOTE / BB_INVALID with msg */
	int cancelled;             /* cancelled by bitbucket_job_cancel (code BB_TEMP) */
	char msg[BB_MSG_MAX];      /* on success: a one-sentence summary */
	bb_strlist missing_scopes; /* scopes Bitbucket said the token lacks */
	bb_verify_info verify;     /* BB_JOB_VERIFY */
	bb_repo_list repos;        /* BB_JOB_DISCOVER: sorted by full_name, unique */
	bb_commit_links links;     /* BB_JOB_COMMIT_LINKS */
	char hash[41];             /* BB_JOB_HASH: the full commit hash */
	bb_warning_list warnings;  /* BB_JOB_DISCOVER: what did not stop it */
	bb_hook_answer *answers;   /* BB_JOB_HOOKS: one per op, in order */
	size_t nanswers;
	bb_step step;              /* on failure: the request that failed */
	long status;               /* on failure: its HTTP status, 0 if none */
	long retry_after;          /* 429: seconds to wait, -1 unknown */
	long requests;             /* HTTP requests made */
	long long bytes;           /* response bytes received (decoded) */
} bb_job_result;

typedef struct bb_progress {
	bb_job_id id;
	long pages_done;
	long pages_total;      /* pages known so far (grows while sizes arrive) */
	long repos;            /* repositories received so far */
	long workspaces_done;  /* workspaces completely listed */
	long workspaces_total; /* 0 until the workspace list is known */
} bb_progress;

typedef void (*bb_done_cb)(void *user, bb_job_result *r);
typedef void (*bb_progress_cb)(void *user, const bb_progress *p);

typedef struct bb_discover_opts {
	const char *workspace; /* only this workspace; NULL = all */
	int sequential;        /* follow `next` one page at a time (benchmark) */
	int all_fields;        /* no `fields=` (benchmark: bytes before/after) */
} bb_discover_opts;

/* Starts the worker. The base URL is read from BBCONSOLE_BITBUCKET_API now. */
bb_code bitbucket_client_new(bb_client **out, bb_err *err);
/* Cancels every job (their callbacks are not called) and joins the worker. */
void bitbucket_client_free(bb_client *c);

/* Readable when callbacks are waiting: then call bitbucket_client_collect(). */
int bitbucket_client_fd(const bb_client *c);
/* Runs pending progress and completion callbacks; returns how many ran. A
 * callback may start or cancel jobs, but must not free the client. */
int bitbucket_client_collect(bb_client *c);
/* Collects on this thread until a callback sets *done (for a blocking
 * caller), or with done NULL until no job is left; -1 when waiting fails. */
int bitbucket_client_wait(bb_client *c, const int *done);
/* Jobs started and not yet collected. */
size_t bitbucket_client_pending(bb_client *c);

/* Verify credentials: GET /user (identity; a 403 is only noted),
 * GET /user/workspaces (or the configured workspaces on a 403 that names
 * read:workspace:bitbucket), a repository count per workspace, then on the
 * first repository found a pull-request probe and a source probe (/src of its
 * main branch: a 403 there means an IP allowlist or required 2FA). The scope
 * headers fill r->verify.scopes. Returns the job id, or 0 with err set. */
bb_job_id bitbucket_verify_start(bb_client *c, const bb_creds *cr, bb_done_cb done, void *user,
				 bb_err *err);

/* Every repository the token can read (role=member), all workspaces and
 * pages, asking only for the fields bbconsole keeps (`fields=`) in a stable
 * order (`sort=created_on`); remaining pages are fetched concurrently by
 * page=N once the first page gives `size` (else `next` is followed). A
 * workspace whose pages disagree (sizes differ, a built page answers 4xx, the
 * last page has a `next`) is read again by following `next`. The workspaces
 * come from GET /user/workspaces, or from cr->workspaces when that answers
 * 403 (no read:workspace:bitbucket). A workspace that refuses (403, 404, 410)
 * becomes a warning and the others are listed; the job fails only when all
 * refuse, or on 401, 429 and transport errors. On success r->msg is a
 * summary ("Found 12 repositories in 2 workspaces."). progress may be NULL. */
bb_job_id bitbucket_discover_start(bb_client *c, const bb_creds *cr, const bb_discover_opts *opts,
				   bb_progress_cb progress, bb_done_cb done, void *user, bb_err *err);

/* The Pull Request Commit Links app check for one commit of "ws/slug". */
bb_job_id bitbucket_commit_links_start(bb_client *c, const bb_creds *cr, const char *repository,
				       const char *commit, bb_done_cb done, void *user, bb_err *err);

/* Runs n webhook requests (at most BB_MAX_INFLIGHT at once), each answered
 * in r->answers. A refusal of one (403, 404, ...) is its answer and the
 * others go on; 401 and 429 stop the job (r->code BB_REMOTE, r->msg says
 * why; answers of what was not finished have answered = 0). Progress counts
 * answered ops in pages_done / pages_total. */
bb_job_id bitbucket_hooks_start(bb_client *c, const bb_creds *cr, const bb_hook_op *ops,
				size_t n, bb_progress_cb progress, bb_done_cb done, void *user,
				bb_err *err);

/* POSTs one commit status (body: the commitstatus JSON) to
 * /repositories/{ws}/{slug}/commit/{commit}/statuses/build. Not retried by
 * the client: the status outbox (status.h) owns the retries, durably.
 * Failures are one sentence each: 403 names the write access and the
 * scope, 404 says the commit or repository is gone, 400 names the field. */
bb_job_id bitbucket_status_start(bb_client *c, const bb_creds *cr, const char *repository,
				 const char *commit, const char *body, bb_done_cb done, void *user,
				 bb_err *err);

/* The full 40-character hash into r->hash: of a short commit (GET
 * .../commit/{commit}) when commit is given, else of the head of branch
 * (GET .../refs/branches/{branch}). */
bb_job_id bitbucket_hash_start(bb_client *c, const bb_creds *cr, const char *repository,
			       const char *commit, const char *branch, bb_done_cb done, void *user,
			       bb_err *err);

/* Cancels a job that has not completed yet (unknown ids are ignored). */
void bitbucket_job_cancel(bb_client *c, bb_job_id id);
/* Cancels it and makes sure none of its callbacks runs any more: for an
 * owner that goes away while the job works for it (a screen popped while
 * the console's shared client runs its job). Unknown ids are ignored.
 * Returns -1 when out of memory: the job is cancelled, but its completion
 * callback (with r->cancelled set) will still run. */
int bitbucket_job_forget(bb_client *c, bb_job_id id);

/* Blocking wrappers for the command line. result is filled like a callback's
 * (free with bitbucket_result_free); the return value is result->code. */
bb_code bitbucket_verify_sync(const bb_creds *cr, bb_job_result *result);
bb_code bitbucket_discover_sync(const bb_creds *cr, const bb_discover_opts *opts,
				bb_job_result *result);
bb_code bitbucket_hash_sync(const bb_creds *cr, const char *repository, const char *commit,
			    const char *branch, bb_job_result *result);
void bitbucket_result_free(bb_job_result *r);

/* ---- repository cache (table repo_cache) --------------------------------------- */

/* Replaces the cached repositories of an integration (one transaction). */
bb_code bitbucket_cache_store(bb_db *db, const char *integration_slug, const bb_repo_list *repos,
			      const char *fetched_at, bb_err *err);
/* Loads them ordered by full_name; workspace may be NULL (all). fetched_at
 * receives the time of the last store ("" when nothing is cached); may be NULL. */
bb_code bitbucket_cache_load(bb_db *db, const char *integration_slug, const char *workspace,
			     bb_repo_list *out, char fetched_at[BB_TIME_LEN], bb_err *err);

/* ---- troubleshooting ------------------------------------------------------------ */

/* One check a support engineer would run, with the equivalent curl command:
 * the email is shown, the token is the placeholder $BITBUCKET_API_TOKEN. */
typedef struct bb_check {
	char *title;  /* "Workspace access" */
	char *curl;   /* a shell-safe command line */
	char *expect; /* what a good answer looks like, and what a bad one means */
} bb_check;

/* The checks for these credentials: credentials, workspace access,
 * repositories visible in each workspace (the first configured one, or
 * `workspace`), pull-request access for `repository` and the Pull Request
 * Commit Links app for `commit`. workspace, repository and commit may be
 * NULL (placeholders are shown). */
bb_code bitbucket_checks(const char *email, const char *workspace, const char *repository,
			 const char *commit, bb_check **out, size_t *n, bb_err *err);
void bitbucket_checks_free(bb_check *v, size_t n);

/* The base URL in use (BBCONSOLE_BITBUCKET_API or the default), without a
 * trailing '/', into out (truncated to size). */
void bitbucket_api_base(char *out, size_t size);

/* BB_OK when base may carry credentials: https, or plain http to a loopback
 * host (127.0.0.0/8, ::1, localhost); else one sentence. *plain_http tells
 * which (may be NULL). */
bb_code bitbucket_base_check(const char *base, int *plain_http, bb_err *err);

/* The CA settings from the environment: CURL_CA_BUNDLE, else SSL_CERT_FILE
 * (a file) and SSL_CERT_DIR (a directory); "" when unset. Used for Bitbucket
 * and for an HTTPS proxy alike. */
typedef struct bb_ca_env {
	char file[1024];
	char dir[1024];
} bb_ca_env;
void bitbucket_ca_from_env(bb_ca_env *out);

#endif
