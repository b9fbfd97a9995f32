/* secret.h - random bytes, hex, constant-time compare, encryption at rest,
 * wiping memory. Secrets are stored as AES-256-GCM blobs:
 * nonce (12) | tag (16) | ciphertext. */
#ifndef BB_SECRET_H
#define BB_SECRET_H

#include <stddef.h>

#include "error.h"

#define BB_KEY_LEN 32
#define BB_WEBHOOK_SECRET_BYTES 32
#define BB_WEBHOOK_SECRET_HEX (BB_WEBHOOK_SECRET_BYTES * 2)
#define BB_SECRET_OVERHEAD (12 + 16)

/* Fills buf with n bytes from the OS CSPRNG (getrandom). */
bb_code secret_random(void *buf, size_t n, bb_err *err);

/* Writes 2n lower-case hex characters and a NUL into out (size >= 2n+1). */
void secret_hex(const unsigned char *bytes, size_t n, char *out);

/* A fresh webhook secret: 32 random bytes, hex (64 chars + NUL). */
bb_code secret_webhook_new(char out[BB_WEBHOOK_SECRET_HEX + 1], bb_err *err);

/* 1 when equal; time depends on n only. */
int secret_equal(const void *a, const void *b, size_t n);

/* Encrypts len bytes. *blob is malloc'd (len + BB_SECRET_OVERHEAD bytes). */
bb_code secret_encrypt(const unsigned char key[BB_KEY_LEN], const char *plain, size_t len,
		       unsigned char **blob, size_t *blob_len, bb_err *err);

/* Decrypts a blob into a malloc'd NUL-terminated string. Wipe it with
 * secret_free() when done. A tampered blob or wrong key gives BB_DBERR. */
bb_code secret_decrypt(const unsigned char key[BB_KEY_LEN], const unsigned char *blob,
		       size_t blob_len, char **plain, bb_err *err);

/* Overwrites n bytes so the compiler cannot drop it. */
void secret_wipe(void *p, size_t n);

/* Wipes a NUL-terminated string and frees it (NULL is fine). */
void secret_free(char *s);

/* Reads the key file, refusing a link, a file of another user or one others
 * may read (safefile.h). BB_NOTFOUND when it does not exist. */
bb_code secret_read_key(const char *path, unsigned char key[BB_KEY_LEN], bb_err *err);

/* Creates the key file (0600, 32 random bytes; never over an existing file or
 * link), or reads it if another process created it first. */
bb_code secret_create_key(const char *path, unsigned char key[BB_KEY_LEN], bb_err *err);

#endif
