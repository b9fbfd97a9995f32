/* mhd_lazy.h - libmicrohttpd is opened on first use (see mhd_lazy.c). */
#ifndef BB_MHD_LAZY_H
#define BB_MHD_LAZY_H

/* NULL when libmicrohttpd is loaded (loading it now if needed), else one
 * sentence saying why it could not be and what to install. */
const char *mhd_lazy_error(void);

#endif
