/* mhd_lazy.c - libmicrohttpd, loaded on first use.
 *
 * Only `serve` needs it, but linking it loads it and its TLS stack (gnutls,
 * nettle, p11-kit... nine libraries) at every start of every command, about
 * half a millisecond. As with libcurl and libcrypto, the functions serve.c
 * uses, under our own names (mhd_lazy.h maps libmicrohttpd's to them), open
 * libmicrohttpd.so.12 with dlopen() on the first call and forward to it. When it cannot be loaded they fail as
 * libmicrohttpd does on an error, and mhd_lazy_error() says why. */
#include "mhd_lazy.h" /* first: the functions below get our names */

#include <stdarg.h>

#include "lazy.h"

enum {
	START_VA, STOP, QUIESCE, INFO, RESPONSE_BUFFER, ADD_HEADER, QUEUE, DESTROY, LOOKUP,
	SUSPEND, RESUME, N_FNS
};

static const char *const names[N_FNS + 1] = {
	"MHD_start_daemon_va", "MHD_stop_daemon", "MHD_quiesce_daemon", "MHD_get_daemon_info",
	"MHD_create_response_from_buffer", "MHD_add_response_header", "MHD_queue_response",
	"MHD_destroy_response", "MHD_lookup_connection_value", "MHD_suspend_connection",
	"MHD_resume_connection", NULL
};
static void *fn[N_FNS];
static lazy_lib libmhd = LAZY_LIB("libmicrohttpd.so.12", "libmicrohttpd12", names, fn);

/* The function in slot i, as the type libmicrohttpd gives it. */
#define F(i, type) ((type)fn[i])

typedef struct MHD_Daemon *(*start_fn)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
				       MHD_AccessHandlerCallback, void *, va_list);
typedef const union MHD_DaemonInfo *(*info_fn)(struct MHD_Daemon *, enum MHD_DaemonInfoType,
					       ...);
typedef struct MHD_Response *(*buffer_fn)(size_t, void *, enum MHD_ResponseMemoryMode);
typedef enum MHD_Result (*header_fn)(struct MHD_Response *, const char *, const char *);
typedef enum MHD_Result (*queue_fn)(struct MHD_Connection *, unsigned int,
				    struct MHD_Response *);
typedef const char *(*lookup_fn)(struct MHD_Connection *, enum MHD_ValueKind, const char *);
typedef void (*conn_fn)(struct MHD_Connection *);

static int ready(void)
{
	return lazy_ready(&libmhd);
}

const char *mhd_lazy_error(void)
{
	return ready() ? NULL : libmhd.why;
}

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port,
				    MHD_AcceptPolicyCallback apc, void *apc_cls,
				    MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	struct MHD_Daemon *d = NULL;
	va_list ap;

	va_start(ap, dh_cls);
	if (ready())
		d = F(START_VA, start_fn)(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

void MHD_stop_daemon(struct MHD_Daemon *d)
{
	if (ready())
		F(STOP, void (*)(struct MHD_Daemon *))(d);
}

MHD_socket MHD_quiesce_daemon(struct MHD_Daemon *d)
{
	return ready() ? F(QUIESCE, MHD_socket (*)(struct MHD_Daemon *))(d) : MHD_INVALID_SOCKET;
}

/* Only the kinds that take no further argument are asked for. */
const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *d,
						 enum MHD_DaemonInfoType type, ...)
{
	return ready() ? F(INFO, info_fn)(d, type) : NULL;
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
						     enum MHD_ResponseMemoryMode mode)
{
	return ready() ? F(RESPONSE_BUFFER, buffer_fn)(size, buffer, mode) : NULL;
}

enum MHD_Result MHD_add_response_header(struct MHD_Response *r, const char *header,
					const char *content)
{
	return ready() ? F(ADD_HEADER, header_fn)(r, header, content) : MHD_NO;
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *c, unsigned int status,
				   struct MHD_Response *r)
{
	return ready() ? F(QUEUE, queue_fn)(c, status, r) : MHD_NO;
}

void MHD_destroy_response(struct MHD_Response *r)
{
	if (ready())
		F(DESTROY, void (*)(struct MHD_Response *))(r);
}

const char *MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind kind,
					const char *key)
{
	return ready() ? F(LOOKUP, lookup_fn)(c, kind, key) : NULL;
}

void MHD_suspend_connection(struct MHD_Connection *c)
{
	if (ready())
		F(SUSPEND, conn_fn)(c);
}

void MHD_resume_connection(struct MHD_Connection *c)
{
	if (ready())
		F(RESUME, conn_fn)(c);
}
