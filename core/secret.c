#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto_lazy.h"
#include "privs.h"
#include "safefile.h"

#define NONCE_LEN 12
#define TAG_LEN 16

bb_code secret_random(void *buf, size_t n, bb_err *err)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return bb_fail(err, BB_DBERR,
				       "The system's random number generator failed (%s); try again.",
				       strerror(errno));
		}
		p += got;
		n -= (size_t)got;
	}
	return BB_OK;
}

void secret_hex(const unsigned char *bytes, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

bb_code secret_webhook_new(char out[BB_WEBHOOK_SECRET_HEX + 1], bb_err *err)
{
	unsigned char raw[BB_WEBHOOK_SECRET_BYTES];

	if (secret_random(raw, sizeof raw, err) != BB_OK)
		return err ? err->code : BB_DBERR;
	secret_hex(raw, sizeof raw, out);
	secret_wipe(raw, sizeof raw);
	return BB_OK;
}

int secret_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void secret_wipe(void *p, size_t n)
{
	if (p)
		explicit_bzero(p, n); /* glibc's: the compiler may not drop it */
}

void secret_free(char *s)
{
	if (!s)
		return;
	secret_wipe(s, strlen(s));
	free(s);
}

static bb_code crypto_fail(bb_err *err, const char *what)
{
	return bb_fail(err, BB_DBERR,
		       "Could not %s a stored secret; the database or its key file may be damaged.",
		       what);
}

bb_code secret_encrypt(const unsigned char key[BB_KEY_LEN], const char *plain, size_t len,
		       unsigned char **blob, size_t *blob_len, bb_err *err)
{
	EVP_CIPHER_CTX *c = NULL;
	unsigned char *out = malloc(len + BB_SECRET_OVERHEAD);
	int n = 0, fin = 0, ok;

	if (!out)
		return bb_oom(err);
	if (crypto_lazy_error()) {
		free(out);
		return bb_fail(err, BB_DBERR, "%s", crypto_lazy_error());
	}
	if (secret_random(out, NONCE_LEN, err) != BB_OK) {
		free(out);
		return BB_DBERR;
	}
	c = EVP_CIPHER_CTX_new();
	ok = c && EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, out) == 1 &&
	     EVP_EncryptUpdate(c, out + BB_SECRET_OVERHEAD, &n, (const unsigned char *)plain,
			       (int)len) == 1 &&
	     EVP_EncryptFinal_ex(c, out + BB_SECRET_OVERHEAD + n, &fin) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, out + NONCE_LEN) == 1;
	EVP_CIPHER_CTX_free(c);
	if (!ok) {
		free(out);
		return crypto_fail(err, "encrypt");
	}
	*blob = out;
	*blob_len = len + BB_SECRET_OVERHEAD;
	return BB_OK;
}

bb_code secret_decrypt(const unsigned char key[BB_KEY_LEN], const unsigned char *blob,
		       size_t blob_len, char **plain, bb_err *err)
{
	EVP_CIPHER_CTX *c;
	size_t len;
	unsigned char tag[TAG_LEN];
	char *out;
	int n = 0, fin = 0, ok;

	if (!blob || blob_len < BB_SECRET_OVERHEAD)
		return crypto_fail(err, "decrypt");
	if (crypto_lazy_error())
		return bb_fail(err, BB_DBERR, "%s", crypto_lazy_error());
	len = blob_len - BB_SECRET_OVERHEAD;
	out = malloc(len + 1);
	if (!out)
		return bb_oom(err);
	memcpy(tag, blob + NONCE_LEN, TAG_LEN); /* OpenSSL wants a non-const pointer */
	c = EVP_CIPHER_CTX_new();
	ok = c && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, blob) == 1 &&
	     EVP_DecryptUpdate(c, (unsigned char *)out, &n, blob + BB_SECRET_OVERHEAD,
			       (int)len) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1 &&
	     EVP_DecryptFinal_ex(c, (unsigned char *)out + n, &fin) == 1;
	EVP_CIPHER_CTX_free(c);
	if (!ok) {
		secret_wipe(out, len + 1);
		free(out);
		return crypto_fail(err, "decrypt");
	}
	out[len] = '\0';
	*plain = out;
	return BB_OK;
}

static bb_code read_key(int fd, const char *path, unsigned char key[BB_KEY_LEN], bb_err *err)
{
	ssize_t got = read(fd, key, BB_KEY_LEN);

	close(fd);
	if (got != BB_KEY_LEN)
		return bb_fail(err, BB_DBERR,
			       "The key file %s is damaged (it must hold %d bytes); restore it from "
			       "your backup.", path, BB_KEY_LEN);
	return BB_OK;
}

bb_code secret_read_key(const char *path, unsigned char key[BB_KEY_LEN], bb_err *err)
{
	int fd = safefile_open(path, O_RDONLY, "key file", err);

	if (fd < 0)
		return err ? err->code : BB_DBERR;
	privs_protect_secrets();
	return read_key(fd, path, key, err);
}

bb_code secret_create_key(const char *path, unsigned char key[BB_KEY_LEN], bb_err *err)
{
	int fd;

	privs_protect_secrets();
	if (secret_random(key, BB_KEY_LEN, err) != BB_OK)
		return BB_DBERR;
	/* O_EXCL: if another process created it first, use theirs. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return secret_read_key(path, key, err);
	if (fd < 0 || write(fd, key, BB_KEY_LEN) != BB_KEY_LEN || fsync(fd) != 0) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		secret_wipe(key, BB_KEY_LEN);
		return bb_fail(err, BB_DBERR, "Cannot create the key file %s (%s); check that its "
			       "directory is writable.", path, strerror(e));
	}
	close(fd);
	return BB_OK;
}
