/* util/crypto.h - random secrets, hashes and constant-time compares
 * (libsodium underneath).  util_crypto_init() must run once at start. */
#ifndef UTIL_CRYPTO_H
#define UTIL_CRYPTO_H
#include <stddef.h>

#define UTIL_TOKEN_BYTES	32	/* 256-bit secrets */
#define UTIL_TOKEN_CHARS	43	/* base64url, no padding */
#define UTIL_HASH_BYTES		32

int	util_crypto_init(void);
void	util_random(void *, size_t);
/* A new secret: text (UTIL_TOKEN_CHARS + 1 bytes) for the user, and the
 * SHA-256 of that text (UTIL_HASH_BYTES) for storage. */
void	util_token_new(char *text, unsigned char *hash);
/* SHA-256 of a token's text; -1 if it is not a well-formed token. */
int	util_token_hash(const char *text, unsigned char *hash);
void	util_sha256(unsigned char *out, const void *, size_t);
void	util_sha256_hex(char *out65, const void *, size_t);
int	util_ct_equal(const void *, const void *, size_t);
/* Keyed hash (BLAKE2b-256) for CSRF tokens: out is hex (65 bytes). */
void	util_mac_hex(char *out65, const unsigned char *key, size_t keylen,
	    const void *msg, size_t len);
/* A fresh Message-ID "hex@domain" (no <>), 128 random bits. */
void	util_message_id(char *out, size_t outlen, const char *domain);
/* A password made of 20 unambiguous characters (~118 bits). */
void	util_password_new(char *out, size_t outlen);
/* argon2id string; -1 on failure (out of memory). */
int	util_password_hash(char *out, size_t outlen, const char *pw);
int	util_password_verify(const char *hash, const char *pw);

#endif
