/* crypto_lazy.h - libcrypto is opened on first use (see crypto_lazy.c). */
#ifndef BB_CRYPTO_LAZY_H
#define BB_CRYPTO_LAZY_H

/* NULL when libcrypto is loaded (loading it now if needed), else one
 * sentence saying why it could not be and what to install. */
const char *crypto_lazy_error(void);

#endif
