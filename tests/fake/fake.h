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
} fake_reply;

/* Answers one request; head is the request line and headers. */
void fake_route(char *head, fake_reply *r);

/* Bodies (fake_payloads.c). fake_payload_repos returns 404 for an unknown
 * workspace, else 0. */
void fake_payload_user(sbuf *b);
void fake_payload_workspaces(sbuf *b, const char *base_url, const char *query);
int fake_payload_repos(sbuf *b, const char *base_url, const char *ws, const char *query);
void fake_payload_pullrequests(sbuf *b, const char *base_url, const char *repo);

/* Listens on 127.0.0.1, port chosen by the system. */
int fake_listen(int *port);
void fake_set_port(int port);

#endif
