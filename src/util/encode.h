/* util/encode.h - base64 (standard and url-safe) and hex. */
#ifndef UTIL_ENCODE_H
#define UTIL_ENCODE_H
#include <stddef.h>

/* Output buffer sizes including the NUL. */
#define UTIL_B64_LEN(n)	((((n) + 2) / 3) * 4 + 1)
#define UTIL_HEX_LEN(n)	((n) * 2 + 1)

/* base64url without padding; returns chars written (excl. NUL). */
size_t	util_b64url_encode(char *out, const unsigned char *in, size_t n);
/* Standard base64 with padding; returns chars written (excl. NUL). */
size_t	util_b64_encode(char *out, const unsigned char *in, size_t n);
/* Standard base64 decode (RFC 4648 §4); whitespace ignored, padding
 * optional. out must hold n*3/4+3 bytes. Returns -1 on bad input. */
int	util_b64_decode(unsigned char *out, size_t *outlen,
	    const char *in, size_t n);
void	util_hex_encode(char *out, const unsigned char *in, size_t n);

#endif
