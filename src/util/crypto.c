/* util/crypto.c - see crypto.h */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "crypto.h"
#include "encode.h"
#include "log.h"

int
util_crypto_init(void)
{
	if (sodium_init() < 0) {
		log_err("libsodium failed to initialise");
		return -1;
	}
	return 0;
}

void
util_random(void *p, size_t n)
{
	randombytes_buf(p, n);
}

void
util_sha256(unsigned char *out, const void *p, size_t n)
{
	crypto_hash_sha256(out, p, n);
}

void
util_sha256_hex(char *out, const void *p, size_t n)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, p, n);
	util_hex_encode(out, h, sizeof(h));
}

void
util_token_new(char *text, unsigned char *hash)
{
	unsigned char raw[UTIL_TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	util_b64url_encode(text, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	crypto_hash_sha256(hash, (const unsigned char *)text, UTIL_TOKEN_CHARS);
}

int
util_token_hash(const char *text, unsigned char *hash)
{
	size_t i;

	for (i = 0; text[i] != '\0'; i++) {
		char c = text[i];
		if (i >= UTIL_TOKEN_CHARS || !((c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return -1;
	}
	if (i != UTIL_TOKEN_CHARS)
		return -1;
	crypto_hash_sha256(hash, (const unsigned char *)text, i);
	return 0;
}

int
util_ct_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

void
util_mac_hex(char *out, const unsigned char *key, size_t keylen,
    const void *msg, size_t len)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), msg, len, key, keylen);
	util_hex_encode(out, h, sizeof(h));
}

void
util_message_id(char *out, size_t outlen, const char *domain)
{
	unsigned char raw[16];
	char hex[33];

	randombytes_buf(raw, sizeof(raw));
	util_hex_encode(hex, raw, sizeof(raw));
	snprintf(out, outlen, "%s@%s", hex, domain);
}

void
util_password_new(char *out, size_t outlen)
{
	static const char alphabet[] =
	    "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t i, n = outlen - 1 < 20 ? outlen - 1 : 20;

	for (i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[n] = '\0';
}

int
util_password_hash(char *out, size_t outlen, const char *pw)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	/* OWASP's argon2id setting (19 MiB, 2 passes): strong, and a login
	 * does not cost the server 64 MiB of memory. */
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), 2, 19u * 1024 * 1024,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	return 0;
}

int
util_password_verify(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}
