/* ctx.h - who is acting, on which database. Every domain call takes one. */
#ifndef BB_CTX_H
#define BB_CTX_H

#include "db.h"

#define BB_LOGIN_MAX 64

typedef struct bb_ctx {
	bb_db *db;
	char user[BB_LOGIN_MAX + 1]; /* the OS login (or --user when allowed) */
} bb_ctx;

#endif
