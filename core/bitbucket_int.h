/* bitbucket_int.h - internals shared by the bitbucket_*.c files only. */
#ifndef BB_BITBUCKET_INT_H
#define BB_BITBUCKET_INT_H

#include <pthread.h>

#include <curl/curl.h>

#include "bitbucket.h"

typedef enum req_kind {
	REQ_WORKSPACES, /* GET /user/workspaces */
	REQ_REPOS,      /* GET /repositories/{ws}?role=member (discovery pages) */
	REQ_COUNT,      /* the same with a small page, for its size (verify) */
	REQ_PR,         /* GET /repositories/{ws}/{repo}/pullrequests (verify) */
	REQ_COMMIT      /* GET .../commit/{hash}/pullrequests */
} req_kind;

typedef struct job job;

typedef struct req {
	job *job;
	req_kind kind;
	char *url;
	size_t ws;        /* index into job->ws (REQ_REPOS, REQ_COUNT) */
	int first;        /* the first page of its workspace */
	int attempt;      /* retries so far */
	long long due;    /* monotonic ms: not before (back-off) */
	CURL *easy;       /* while in flight */
	char *body;
	size_t len, cap;
	int too_big;
	char errbuf[CURL_ERROR_SIZE];
	CURLcode result;  /* once answered */
	long status;
	char ctype[128];
	struct req *next;
} req;

typedef enum job_phase { PH_START, PH_WORKSPACES, PH_REPOS, PH_PR, PH_DONE } job_phase;

struct job {
	bb_job_id id;
	bb_job_kind kind;
	char *email, *token;
	bb_strlist config_ws;
	char *only_ws;
	int sequential;
	char *repo, *commit;
	bb_done_cb done;
	bb_progress_cb progress;
	void *user;
	/* worker state */
	job_phase phase;
	int inflight, outstanding, finished;
	bb_strlist ws;
	long *ws_left;      /* requests still to come per workspace */
	size_t first_repo_ws;
	char *first_repo;   /* verify: a repository for the pull-request probe */
	long pages_done, pages_total, ws_done;
	bb_job_result res;
	struct event *progress_ev; /* under mu */
	job *next;
};

struct bb_client {
	pthread_t thread;
	pthread_mutex_t mu;
	/* shared, under mu */
	job *inbox;
	bb_job_id *cancels;
	size_t ncancels;
	struct event *outbox;
	int stop;
	bb_job_id next_id;
	size_t live;
	int pipe_r, pipe_w;
	/* the worker's */
	CURLM *multi;
	struct curl_slist *headers;
	char base[512];
	char cainfo[1024];  /* CURL_CA_BUNDLE or SSL_CERT_FILE, "" = curl's default */
	long timeout_ms, connect_ms, backoff_ms;
	unsigned seed;
	job *jobs;
	req *pending; /* queued, FIFO */
	req *active;  /* in flight */
	int inflight;
};

long long bbc_now_ms(void);
void bbc_progress(bb_client *c, job *j);
void bbc_finalize(bb_client *c, job *j);
void bbc_fail(job *j, bb_code code, const char *msg, const bb_strlist *scopes);

/* bitbucket_jobs.c */
void bbc_job_begin(bb_client *c, job *j);
void bbc_dispatch(bb_client *c);
int bbc_reap(bb_client *c);
/* Hands every finished job to the caller. */
void bbc_sweep(bb_client *c);
void bbc_drop_requests(bb_client *c, job *j);

#endif
