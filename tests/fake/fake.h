/* fake.h - the pieces of the fake Bitbucket server. */
#ifndef BB_FAKE_H
#define BB_FAKE_H

#include <stddef.h>

typedef struct fake_config {
	const char *email, *token;
	long workspaces, repos, repos_total, latency_ms;
	char mode[32];
	long count;      /* misbehave this many more times; -1 = always */
	char match[128]; /* only for paths containing it; "" = all */
	char scope[128]; /* the scope a 403 names */
	int nosize, badutf8;
	int foreign;     /* links (next) point at another host */
	long maxpagelen; /* the largest pagelen honoured (Bitbucket: 100) */
	char scopes[256];    /* x-oauth-scopes on every answer ("" = none) */
	long retry_after;    /* 429: Retry-After seconds; -1 = not sent */
	int unstable;        /* no sort=: every page sees the listing in another order */
	long created, deleted; /* repositories added/removed in churn_ws after its first page */
	long churn_ws;
	int hugesize;        /* repository pages claim {"size":1e12,"pagelen":1} */
	int endless;         /* every repository page has a next */
	long undersize;      /* repository pages report size minus this */
	char method[16];     /* misbehave only for this method ("" = any) */
	long after;          /* let this many matching requests through first */
	const char *port_file;
	long idle_s;
} fake_config;

extern fake_config cfg;
extern long fake_max_inflight;

/* A growable byte buffer, always NUL-terminated. */
typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

void sb_add(sbuf *b, const char *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string literal (raw bytes >= 0x80 kept as they are). */
void sb_json(sbuf *b, const char *s);
void sb_free(sbuf *b);

typedef struct fake_reply {
	sbuf raw;  /* status line, headers and body */
	int drop;  /* close the connection instead */
	int close; /* Connection: close after it */
	int now;   /* no added latency (control and stats) */
	char extra[1024]; /* more headers, each ending in \r\n */
} fake_reply;

/* Churn state of the listing (fake_payloads.c reads it). */
extern long fake_added[64], fake_removed[64];

/* Answers one request; head is the request line and headers, body what
 * followed them (Content-Length bytes). */
void fake_route(char *head, const char *body, size_t len, fake_reply *r);

/* Query helpers (fake_routes.c). */
int fake_qparam(const char *query, const char *key, char *out, size_t size);
void fake_url_decode(const char *in, char *out, size_t size);

/* Webhooks (fake_hooks.c): answers a hooks path with a status and a body
 * (0: not a hooks path). base is the API base for links. */
int fake_hooks_route(const char *method, const char *path, const char *body, size_t len,
		     const char *base, sbuf *out);
/* GET /_hooks: every hook with its secret; add=1 seeds one, clear=1 empties. */
void fake_hooks_control(const char *query, const char *base, sbuf *out);
/* The same body, for routes that read it without being handed it. */
extern const char *fake_body;
extern size_t fake_body_len;

/* Bodies (fake_payloads.c). fake_payload_repos returns 404 for an unknown
 * workspace, else 0. */
void fake_payload_user(sbuf *b);
void fake_payload_workspaces(sbuf *b, const char *base_url, const char *query);
int fake_payload_repos(sbuf *b, const char *base_url, const char *ws, const char *query);
/* Keeps only the keys a `fields=` query names (dotted paths; values.x applies
 * to every item). The body is rewritten in place. */
void fake_fields(sbuf *b, const char *fields);
void fake_payload_pullrequests(sbuf *b, const char *base_url, const char *repo);

/* Listens on 127.0.0.1, port chosen by the system. */
int fake_listen(int *port);
void fake_set_port(int port);

#endif
