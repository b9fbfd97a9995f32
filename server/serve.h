/* serve.h - the webhook receiver (`bbconsole serve`): HTTP on libmicrohttpd,
 * everything a delivery means is core/delivery.h's. */
#ifndef BB_SERVE_H
#define BB_SERVE_H

#include "error.h"

typedef struct serve_opts {
	const char *db_path;
	const char *listen;   /* "ADDR:PORT" or "[ADDR]:PORT"; NULL = 127.0.0.1:8080 */
	const char *tls_cert; /* PEM files; both or neither */
	const char *tls_key;
	int threads;          /* request threads; 0 = 2 */
} serve_opts;

/* Runs until SIGTERM or SIGINT: then stops accepting, finishes the requests
 * in flight and returns BB_OK. Logs one line per delivery on stderr, and
 * "listening on ADDR:PORT" once ready. */
bb_code serve_run(const serve_opts *o, bb_err *err);

#endif
