/* crypto_lazy.h - libcrypto is opened on first use (see crypto_lazy.c).
 *
 * Include this instead of OpenSSL's headers: the loader defines the
 * functions under our own names (crypto_lazy_*), never OpenSSL's, and these
 * macros map the names the code calls to ours before the headers declare
 * them. */
#ifndef BB_CRYPTO_LAZY_H
#define BB_CRYPTO_LAZY_H

#if defined(OPENSSL_EVP_H) || defined(OPENSSL_HMAC_H) || defined(OPENSSL_CRYPTO_H)
#error "include crypto_lazy.h instead of the OpenSSL headers"
#endif
#define EVP_CIPHER_CTX_new  crypto_lazy_EVP_CIPHER_CTX_new
#define EVP_CIPHER_CTX_free crypto_lazy_EVP_CIPHER_CTX_free
#define EVP_CIPHER_CTX_ctrl crypto_lazy_EVP_CIPHER_CTX_ctrl
#define EVP_aes_256_gcm     crypto_lazy_EVP_aes_256_gcm
#define EVP_EncryptInit_ex  crypto_lazy_EVP_EncryptInit_ex
#define EVP_EncryptUpdate   crypto_lazy_EVP_EncryptUpdate
#define EVP_EncryptFinal_ex crypto_lazy_EVP_EncryptFinal_ex
#define EVP_DecryptInit_ex  crypto_lazy_EVP_DecryptInit_ex
#define EVP_DecryptUpdate   crypto_lazy_EVP_DecryptUpdate
#define EVP_DecryptFinal_ex crypto_lazy_EVP_DecryptFinal_ex
#define CRYPTO_memcmp       crypto_lazy_CRYPTO_memcmp
#define EVP_EncodeBlock     crypto_lazy_EVP_EncodeBlock
#define EVP_DecodeBlock     crypto_lazy_EVP_DecodeBlock
#define EVP_sha256          crypto_lazy_EVP_sha256
#define HMAC                crypto_lazy_HMAC
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* NULL when libcrypto is loaded (loading it now if needed), else one
 * sentence saying why it could not be and what to install. */
const char *crypto_lazy_error(void);

#endif
