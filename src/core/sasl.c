/*
 * sasl.c: the client side of the SASL exchanges petrel does itself
 * (no cyrus-sasl plugins): single-line base64 (RFC 4648), and XOAUTH2's
 * initial response and error challenge (Google's "XOAUTH2 protocol").
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"

static int pt_base64_value(unsigned char);

static const char pt_base64_tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";

char *
pt_base64(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out, *o;
	size_t i;

	out = pt_xmalloc(4 * ((len + 2) / 3) + 1);
	o = out;
	for (i = 0; i + 2 < len; i += 3) {
		*o++ = pt_base64_tab[p[i] >> 2];
		*o++ = pt_base64_tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = pt_base64_tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*o++ = pt_base64_tab[p[i + 2] & 63];
	}
	if (i < len) {
		*o++ = pt_base64_tab[p[i] >> 2];
		if (i + 1 < len) {
			*o++ =
			    pt_base64_tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*o++ = pt_base64_tab[(p[i + 1] & 15) << 2];
		} else {
			*o++ = pt_base64_tab[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int
pt_base64_value(unsigned char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(pt_base64_tab, c);
	return p != NULL ? (int)(p - pt_base64_tab) : -1;
}

char *
pt_base64_decode(const char *in, size_t len, size_t *outlen)
{
	char *out;
	unsigned acc = 0;
	int bits = 0;
	size_t i, n = 0;

	out = pt_xmalloc(len / 4 * 3 + 4);
	for (i = 0; i < len; i++) {
		int v = pt_base64_value((unsigned char)in[i]);

		if (in[i] == '=')
			break;
		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = ((acc << 6) | (unsigned)v) & 0xFFFFFF;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xFF);
		}
	}
	for (; i < len; i++) {
		if (in[i] != '=') {
			free(out);
			return NULL;
		}
	}
	out[n] = '\0';
	if (outlen != NULL)
		*outlen = n;
	return out;
}

char *
pt_xoauth2_response(const char *user, const struct pt_secret *token)
{
	static const char auth[] = "\001auth=Bearer ";
	size_t ulen = strlen(user), n;
	char *blob, *b64;

	/* "user=" user ^A "auth=Bearer " token ^A ^A */
	n = 5 + ulen + (sizeof auth - 1) + token->len + 2;
	blob = pt_xmalloc(n);
	memcpy(blob, "user=", 5);
	memcpy(blob + 5, user, ulen);
	memcpy(blob + 5 + ulen, auth, sizeof auth - 1);
	memcpy(blob + 5 + ulen + sizeof auth - 1, token->value, token->len);
	blob[n - 2] = '\001';
	blob[n - 1] = '\001';
	b64 = pt_base64(blob, n);
	explicit_bzero(blob, n);
	free(blob);
	return b64;
}

void
pt_xoauth2_status(const char *challenge, char *status, size_t size)
{
	const char *p;
	char *json;
	size_t len, n;

	pt_strlcpy(status, "?", size);
	len = strcspn(challenge, "\r\n");
	while (len > 0 && challenge[len - 1] == ' ')
		len--;
	json = pt_base64_decode(challenge, len, &n);
	if (json == NULL)
		return;
	/* {"status":"401","schemes":"Bearer","scope":"..."} */
	p = strstr(json, "\"status\"");
	if (p != NULL) {
		p += 8;
		p += strspn(p, " \t\r\n");
		if (*p == ':') {
			size_t w;

			p++;
			p += strspn(p, " \t\r\n\"");
			w = strspn(p, "0123456789abcdefghijklmnopqrstuvwxyz"
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-.");
			if (w > 0 && w < size) {
				memcpy(status, p, w);
				status[w] = '\0';
			}
		}
	}
	explicit_bzero(json, n);
	free(json);
}
