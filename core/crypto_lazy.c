/* crypto_lazy.c - libcrypto, loaded on first use.
 *
 * Only commands that store or read a secret (and the console's copy to the
 * clipboard) need OpenSSL; loading it at every start cost about 3 ms, a good
 * part of a listing. So the binary does not link libcrypto: the few functions
 * used, under our own names (crypto_lazy.h maps OpenSSL's to them), open
 * libcrypto.so.3 with dlopen() on the first call and forward to it, and the distribution's OpenSSL updates still apply.
 * When it cannot be loaded they fail as OpenSSL does on an internal error, and
 * crypto_lazy_error() says why. */
#include "crypto_lazy.h" /* first: the functions below get our names */
#include "lazy.h"

enum {
	CTX_NEW, CTX_FREE, CTX_CTRL, AES_256_GCM, ENC_INIT, ENC_UPDATE, ENC_FINAL, DEC_INIT,
	DEC_UPDATE, DEC_FINAL, MEMCMP, ENCODE_BLOCK, DECODE_BLOCK, SHA256, HMAC_ONE, N_FNS
};

static const char *const names[N_FNS + 1] = {
	"EVP_CIPHER_CTX_new", "EVP_CIPHER_CTX_free", "EVP_CIPHER_CTX_ctrl", "EVP_aes_256_gcm",
	"EVP_EncryptInit_ex", "EVP_EncryptUpdate", "EVP_EncryptFinal_ex", "EVP_DecryptInit_ex",
	"EVP_DecryptUpdate", "EVP_DecryptFinal_ex", "CRYPTO_memcmp", "EVP_EncodeBlock",
	"EVP_DecodeBlock", "EVP_sha256", "HMAC", NULL
};
static void *fn[N_FNS];
static lazy_lib libcrypto = LAZY_LIB("libcrypto.so.3", "libssl3", names, fn);

/* The function in slot i, as the type OpenSSL gives it. */
#define F(i, type) ((type)fn[i])

typedef int (*init_fn)(EVP_CIPHER_CTX *, const EVP_CIPHER *, ENGINE *, const unsigned char *,
		       const unsigned char *);
typedef int (*update_fn)(EVP_CIPHER_CTX *, unsigned char *, int *, const unsigned char *, int);
typedef int (*final_fn)(EVP_CIPHER_CTX *, unsigned char *, int *);
typedef unsigned char *(*hmac_fn)(const EVP_MD *, const void *, int, const unsigned char *,
				  size_t, unsigned char *, unsigned int *);
typedef int (*block_fn)(unsigned char *, const unsigned char *, int);

static int ready(void)
{
	return lazy_ready(&libcrypto);
}

const char *crypto_lazy_error(void)
{
	return ready() ? NULL : libcrypto.why;
}

EVP_CIPHER_CTX *EVP_CIPHER_CTX_new(void)
{
	return ready() ? F(CTX_NEW, EVP_CIPHER_CTX *(*)(void))() : NULL;
}

void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX *c)
{
	if (c && ready())
		F(CTX_FREE, void (*)(EVP_CIPHER_CTX *))(c);
}

int EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX *c, int type, int arg, void *ptr)
{
	return ready() ? F(CTX_CTRL, int (*)(EVP_CIPHER_CTX *, int, int, void *))(c, type, arg, ptr)
		       : 0;
}

const EVP_CIPHER *EVP_aes_256_gcm(void)
{
	return ready() ? F(AES_256_GCM, const EVP_CIPHER *(*)(void))() : NULL;
}

int EVP_EncryptInit_ex(EVP_CIPHER_CTX *c, const EVP_CIPHER *cipher, ENGINE *impl,
		       const unsigned char *key, const unsigned char *iv)
{
	return ready() ? F(ENC_INIT, init_fn)(c, cipher, impl, key, iv) : 0;
}

int EVP_EncryptUpdate(EVP_CIPHER_CTX *c, unsigned char *out, int *outl, const unsigned char *in,
		      int inl)
{
	return ready() ? F(ENC_UPDATE, update_fn)(c, out, outl, in, inl) : 0;
}

int EVP_EncryptFinal_ex(EVP_CIPHER_CTX *c, unsigned char *out, int *outl)
{
	return ready() ? F(ENC_FINAL, final_fn)(c, out, outl) : 0;
}

int EVP_DecryptInit_ex(EVP_CIPHER_CTX *c, const EVP_CIPHER *cipher, ENGINE *impl,
		       const unsigned char *key, const unsigned char *iv)
{
	return ready() ? F(DEC_INIT, init_fn)(c, cipher, impl, key, iv) : 0;
}

int EVP_DecryptUpdate(EVP_CIPHER_CTX *c, unsigned char *out, int *outl, const unsigned char *in,
		      int inl)
{
	return ready() ? F(DEC_UPDATE, update_fn)(c, out, outl, in, inl) : 0;
}

int EVP_DecryptFinal_ex(EVP_CIPHER_CTX *c, unsigned char *out, int *outl)
{
	return ready() ? F(DEC_FINAL, final_fn)(c, out, outl) : 0;
}

/* Unequal when OpenSSL cannot be loaded: never a false match. */
int CRYPTO_memcmp(const void *a, const void *b, size_t len)
{
	return ready() ? F(MEMCMP, int (*)(const void *, const void *, size_t))(a, b, len) : 1;
}

int EVP_EncodeBlock(unsigned char *t, const unsigned char *f, int n)
{
	return ready() ? F(ENCODE_BLOCK, block_fn)(t, f, n) : -1;
}

int EVP_DecodeBlock(unsigned char *t, const unsigned char *f, int n)
{
	return ready() ? F(DECODE_BLOCK, block_fn)(t, f, n) : -1;
}

const EVP_MD *EVP_sha256(void)
{
	return ready() ? F(SHA256, const EVP_MD *(*)(void))() : NULL;
}

/* NULL (no digest) when OpenSSL cannot be loaded: never a false match. */
unsigned char *HMAC(const EVP_MD *md, const void *key, int key_len, const unsigned char *d,
		    size_t n, unsigned char *out, unsigned int *out_len)
{
	return ready() && md ? F(HMAC_ONE, hmac_fn)(md, key, key_len, d, n, out, out_len) : NULL;
}
