/* mhd_lazy.h - libmicrohttpd is opened on first use (see mhd_lazy.c).
 *
 * Include this instead of <microhttpd.h>: the loader defines the functions
 * under our own names (mhd_lazy_*), never libmicrohttpd's, and these macros
 * map the names the code calls to ours before the header declares them. */
#ifndef BB_MHD_LAZY_H
#define BB_MHD_LAZY_H

#ifdef MHD_MICROHTTPD_H
#error "include mhd_lazy.h instead of <microhttpd.h>"
#endif
#define MHD_start_daemon                mhd_lazy_start_daemon
#define MHD_stop_daemon                 mhd_lazy_stop_daemon
#define MHD_quiesce_daemon              mhd_lazy_quiesce_daemon
#define MHD_get_daemon_info             mhd_lazy_get_daemon_info
#define MHD_create_response_from_buffer mhd_lazy_create_response_from_buffer
#define MHD_add_response_header         mhd_lazy_add_response_header
#define MHD_queue_response              mhd_lazy_queue_response
#define MHD_destroy_response            mhd_lazy_destroy_response
#define MHD_lookup_connection_value     mhd_lazy_lookup_connection_value
#define MHD_suspend_connection          mhd_lazy_suspend_connection
#define MHD_resume_connection           mhd_lazy_resume_connection
#include <microhttpd.h>

/* NULL when libmicrohttpd is loaded (loading it now if needed), else one
 * sentence saying why it could not be and what to install. */
const char *mhd_lazy_error(void);

#endif
