/* bitbucket_int.h - internals shared by the bitbucket_*.c files only. */
#ifndef BB_BITBUCKET_INT_H
#define BB_BITBUCKET_INT_H

#include <pthread.h>

#include "curl_lazy.h" /* libcurl, under our names */

#include "bitbucket.h"

typedef enum bbc_req_kind {
	REQ_WORKSPACES, /* GET /user/workspaces */
	REQ_REPOS,      /* GET /repositories/{ws}?role=member (discovery pages) */
	REQ_COUNT,      /* the same with a small page, for its size (verify) */
	REQ_PR,         /* GET /repositories/{ws}/{repo}/pullrequests (verify) */
	REQ_COMMIT,     /* GET .../commit/{hash}/pullrequests */
	REQ_USER,       /* GET /user (verify: identity) */
	REQ_SRC,        /* GET /repositories/{ws}/{repo}/src/{branch}/ (verify) */
	REQ_HOOKPROBE,  /* GET /repositories/{ws}/{repo}/hooks (verify) */
	REQ_HOOK,       /* one op of a hooks job (op index in ws) */
	REQ_STATUS,     /* POST .../commit/{hash}/statuses/build */
	REQ_HASH        /* GET .../commit/{short} or .../refs/branches/{name} */
} bbc_req_kind;

typedef struct bbc_job bbc_job;

/* A hooks job's copy of one op. */
typedef struct bbc_hook_op {
	bb_hook_verb verb;
	char *subject, *uuid;
	int workspace;
	char *body;   /* wiped when the job ends */
	char *secret; /* the one in body, scrubbed from every sentence */
} bbc_hook_op;

typedef struct bbc_req {
	bbc_job *job;
	bbc_req_kind kind;
	char *url;
	size_t ws;        /* index into job->ws (REQ_REPOS, REQ_COUNT) */
	int first;        /* the first page of its workspace */
	long page;        /* REQ_REPOS: the page number it was built for, 0 = a `next` */
	unsigned gen;     /* REQ_REPOS: the workspace's reading it belongs to */
	int attempt;      /* retries so far */
	const char *method; /* NULL = GET */
	const char *post;   /* the body to send (owned by the job), or NULL */
	long long due;    /* monotonic ms: not before (back-off) */
	CURL *easy;       /* while in flight */
	char *body;
	size_t len, cap;
	int too_big;
	char errbuf[CURL_ERROR_SIZE];
	CURLcode result;  /* once answered */
	long status;
	char ctype[128];
	bb_api_headers hd;
	char scopes[512];   /* x-oauth-scopes */
	char cred_type[32]; /* x-credential-type */
	int got_scopes;
	struct bbc_req *next;
} bbc_req;

/* How the listing of one workspace goes (discovery). */
typedef struct bbc_ws_state {
	long left;        /* its requests still to come */
	unsigned gen;     /* bumped when it is read again: older answers are ignored */
	int sequential;   /* following `next` one page at a time */
	int rereads;      /* times read again after pages disagreed */
	long size;        /* what its pages say it holds; -1 unknown */
	int refused;      /* a warning: its repositories are left out */
	int past_size;    /* the page its size made last had a `next`, followed */
	bb_repo_list repos;
} bbc_ws_state;

typedef enum bbc_job_phase { PH_START, PH_WORKSPACES, PH_REPOS, PH_PR, PH_DONE } bbc_job_phase;

struct bbc_job {
	bb_job_id id;
	bb_job_kind kind;
	char *email, *token;
	char *auth64;       /* base64 of "email:token", as the header carries it */
	/* the request headers with "Authorization: Basic <auth64>": libcurl is
	 * never given the user and password, which it would keep in its cached
	 * connections for as long as the client lives (worker thread's) */
	struct curl_slist *auth_headers, *auth_json_headers;
	bb_strlist config_ws;
	char *only_ws;
	int sequential, all_fields;
	char *repo, *commit;
	bbc_hook_op *hops; /* BB_JOB_HOOKS */
	size_t nhops;
	long hops_done;
	char *branch;       /* BB_JOB_HASH of a branch head */
	char *post;         /* BB_JOB_STATUS: the JSON body */
	bb_done_cb done;
	bb_progress_cb progress;
	void *user;
	/* worker state */
	bbc_job_phase phase;
	int inflight, outstanding, finished;
	bb_strlist ws;
	bbc_ws_state *wss;      /* per workspace (REQ_REPOS, REQ_COUNT) */
	size_t first_repo_ws;
	char *first_repo;   /* verify: a repository for the pull-request probe */
	char *first_branch; /* its main branch, for the source probe */
	long pages_done, pages_total, ws_done;
	long pages_queued;  /* repository pages asked for (capped by max_pages) */
	int capped;
	long long deadline; /* monotonic ms: the whole job ends then */
	bb_job_result res;
	struct event *progress_ev; /* under mu */
	bbc_job *next;
};

struct bb_client {
	pthread_t thread;
	pthread_mutex_t mu;
	/* shared, under mu */
	bbc_job *inbox;
	bb_job_id *cancels;
	size_t ncancels;
	struct event *outbox;
	int stop;
	bb_job_id next_id;
	size_t live;
	int pipe_r, pipe_w;
	/* the caller's thread only: jobs whose callbacks must not run any more */
	bb_job_id *forgotten;
	size_t nforgotten;
	/* the worker's */
	CURLM *multi;
	struct curl_slist *headers;
	struct curl_slist *json_headers; /* requests with a JSON body: type, no Expect: */
	char base[512];
	bb_ca_env ca;       /* "" = curl's default */
	int plain_http;     /* base is http on a loopback host */
	long timeout_ms, connect_ms, backoff_ms, job_ms, max_pages;
	unsigned seed;
	bbc_job *jobs;
	bbc_req *pending; /* queued, FIFO */
	bbc_req **pending_tail; /* appending stays constant-time however many pages come */
	bbc_req *active;  /* in flight */
	int inflight;
};

long long bbc_now_ms(void);
void bbc_progress(bb_client *c, bbc_job *j);
void bbc_finalize(bb_client *c, bbc_job *j);
void bbc_fail(bbc_job *j, bb_code code, const char *msg, const bb_strlist *scopes);
/* bbc_fail with bb_oom's code and sentence. */
void bbc_oom(bbc_job *j);
void bbc_warn(bbc_job *j, const char *workspace, long status, const char *msg);
/* Replaces the token and its base64 form in buf (len bytes, NUL-terminated
 * after them); returns the new length. */
size_t bbc_scrub(const bbc_job *j, char *buf, size_t len);
/* The same for one needle (NULL or shorter than 4: nothing). */
size_t bbc_scrub_text(char *buf, size_t len, const char *needle);

/* bitbucket_jobs.c */
void bbc_job_begin(bb_client *c, bbc_job *j);
void bbc_dispatch(bb_client *c);
int bbc_reap(bb_client *c);
/* Hands every finished job to the caller. */
void bbc_sweep(bb_client *c);
void bbc_drop_requests(bb_client *c, bbc_job *j);
/* Ends jobs past their deadline; returns ms until the nearest one (<= cap). */
long long bbc_deadlines(bb_client *c, long long cap);
/* Shared by the steps of bitbucket_jobs.c and bitbucket_hooks.c. */
bbc_req *bbc_queue(bbc_job *j, bb_client *c, bbc_req_kind kind, char *url, size_t ws, int first);
bbc_req *bbc_queue_next(bb_client *c, bbc_job *j, bbc_req_kind kind, const char *next, size_t ws);
char *bbc_url_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *bbc_repo_path(const char *full);

/* bitbucket_hooks.c (worker side of BB_JOB_HOOKS) */
void bbc_hooks_begin(bb_client *c, bbc_job *j);
void bbc_hooks_success(bb_client *c, bbc_req *r);
/* A non-2xx answer: returns 1 when it was the op's answer (the job goes on). */
int bbc_hooks_error(bb_client *c, bbc_req *r, const bb_api_error *e);
void bbc_hooks_transport(bb_client *c, bbc_req *r, const char *msg);
char *bbc_hooks_secret_of(const char *body);
/* Replaces every secret the job's ops carry in buf; returns the new length. */
size_t bbc_hooks_scrub(const bbc_job *j, char *buf, size_t len);
void bbc_hooks_finish(bbc_job *j);
void bbc_hooks_free(bbc_job *j);

#endif
