/*
 * autoconfig.c: Mozilla-style autoconfiguration files.
 *
 * A provider may publish its settings at
 *	https://autoconfig.<domain>/mail/config-v1.1.xml
 *	https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml
 * (PROVIDERS.md section 2).  They are fetched here over HTTPS only, with
 * net's verified TLS (a file from an unverified server could send the
 * user's password anywhere), by a minimal HTTP/1.1 GET with
 * "Connection: close", and read by a small XML reader that knows just
 * the elements petrel needs.  Everything is bounded: the reply size, the
 * element depth, the length of each text.  No DTD, no entity other than
 * the five predefined ones and character references.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"
#include "petrel/net.h"

#include "private.h"

#define XML_DEPTH_MAX 16
#define XML_NAME_MAX  64
#define XML_TEXT_MAX  256

/* What one <incomingServer> or <outgoingServer> said. */
struct xml_server {
	char type[16];
	char hostname[XML_TEXT_MAX];
	char port[16];
	char socket_type[16];
	char username[XML_TEXT_MAX];
	int auth_password; /* a password method was listed */
	int auth_oauth;    /* OAuth2 was listed */
};

struct xml_reader {
	const char *p, *end;
	char stack[XML_DEPTH_MAX][XML_NAME_MAX];
	int depth;
	char text[XML_TEXT_MAX]; /* the current element's text */
	size_t textlen;
	int in_server; /* 1 incoming, 2 outgoing, 0 none */
	struct xml_server srv;
	int in_provider;
	const char *email; /* for the placeholders */
	struct setup_autoconfig *out;
};

static int xml_fail(struct pt_error *, const char *);
static int xml_skip_past(struct xml_reader *, const char *);
static int xml_name(struct xml_reader *, char *, size_t);
static void xml_attrs(struct xml_reader *, char *, size_t);
static int xml_text(struct xml_reader *, const char *, size_t);
static int xml_start(struct xml_reader *, const char *, const char *);
static void xml_end(struct xml_reader *, const char *);
static void xml_server_done(struct xml_reader *);
static void xml_substitute(const char *, const char *, char *, size_t);
static int http_header_is(const char *, size_t, const char *, const char *);
static void setup_https_fail(const struct pt_error *, const char *,
    struct pt_error *);
static int http_dechunk(const char *, size_t, struct pt_buf *,
    struct pt_error *);

static int
xml_fail(struct pt_error *err, const char *why)
{
	return pt_error_set(err, PT_E_PROTO, 0,
	    _("the autoconfig file is not usable XML: %s"), why);
}

/* Moves past the next occurrence of s; -1 if none. */
static int
xml_skip_past(struct xml_reader *x, const char *s)
{
	size_t n = strlen(s);

	while (x->end - x->p >= (ptrdiff_t)n) {
		if (memcmp(x->p, s, n) == 0) {
			x->p += n;
			return 0;
		}
		x->p++;
	}
	return -1;
}

static int
xml_isname(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	       c == ':';
}

static int
xml_name(struct xml_reader *x, char *out, size_t outlen)
{
	size_t n = 0;

	while (x->p < x->end && xml_isname(*x->p)) {
		if (n + 1 >= outlen)
			return -1;
		out[n++] = *x->p++;
	}
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

/*
 * Reads the attributes up to '>' or "/>" and keeps the value of "type"
 * (all this reader needs).  x->p ends on '>' or '/'.
 */
static void
xml_attrs(struct xml_reader *x, char *type, size_t typelen)
{
	char name[XML_NAME_MAX];

	type[0] = '\0';
	for (;;) {
		const char *v;
		size_t n;
		char q;

		while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' ||
					    *x->p == '\r' || *x->p == '\n'))
			x->p++;
		if (x->p >= x->end || *x->p == '>' || *x->p == '/')
			return;
		if (xml_name(x, name, sizeof name) != 0)
			return;
		while (x->p < x->end && (*x->p == ' ' || *x->p == '\t'))
			x->p++;
		if (x->p >= x->end || *x->p != '=')
			return;
		x->p++;
		while (x->p < x->end && (*x->p == ' ' || *x->p == '\t'))
			x->p++;
		if (x->p >= x->end || (*x->p != '"' && *x->p != '\''))
			return;
		q = *x->p++;
		v = x->p;
		while (x->p < x->end && *x->p != q)
			x->p++;
		if (x->p >= x->end)
			return;
		n = (size_t)(x->p - v);
		x->p++;
		if (strcmp(name, "type") == 0 && n < typelen) {
			memcpy(type, v, n);
			type[n] = '\0';
		}
	}
}

/* Appends text to the current element's, decoding references. */
static int
xml_text(struct xml_reader *x, const char *s, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'},
	    {"apos;", '\''}};
	size_t i, k;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '&') {
			for (k = 0; k < PT_NELEM(ents); k++)
				if (n - i - 1 >= strlen(ents[k].name) &&
				    memcmp(s + i + 1, ents[k].name,
					strlen(ents[k].name)) == 0)
					break;
			if (k < PT_NELEM(ents)) {
				c = ents[k].c;
				i += strlen(ents[k].name);
			} else if (i + 1 < n && s[i + 1] == '#') {
				const char *semi = memchr(s + i, ';', n - i);
				unsigned long v;
				char *e;

				if (semi == NULL)
					return -1;
				errno = 0;
				if (i + 2 < n &&
				    (s[i + 2] == 'x' || s[i + 2] == 'X'))
					v = strtoul(s + i + 3, &e, 16);
				else
					v = strtoul(s + i + 2, &e, 10);
				if (e != semi || errno != 0 || v == 0)
					return -1;
				/* Settings are ASCII; anything else is '?'. */
				c = (v < 0x80 && v >= 0x20) ? (char)v : '?';
				i = (size_t)(semi - s);
			} else
				return -1;
		}
		if (x->textlen + 1 < sizeof x->text)
			x->text[x->textlen++] = c;
	}
	x->text[x->textlen] = '\0';
	return 0;
}

static int
xml_start(struct xml_reader *x, const char *name, const char *type)
{
	if (x->depth >= XML_DEPTH_MAX)
		return -1;
	pt_strlcpy(x->stack[x->depth++], name, XML_NAME_MAX);
	x->textlen = 0;
	x->text[0] = '\0';
	if (x->depth == 2 && strcmp(name, "emailProvider") == 0)
		x->in_provider = 1;
	if (x->depth == 3 && x->in_provider &&
	    (strcmp(name, "incomingServer") == 0 ||
		strcmp(name, "outgoingServer") == 0)) {
		memset(&x->srv, 0, sizeof x->srv);
		pt_strlcpy(x->srv.type, type, sizeof x->srv.type);
		x->in_server = name[0] == 'i' ? 1 : 2;
	}
	return 0;
}

static void
xml_trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			    s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
		i++;
	memmove(s, s + i, n - i + 1);
}

static void
xml_end(struct xml_reader *x, const char *name)
{
	struct xml_server *s = &x->srv;

	xml_trim(x->text);
	if (x->depth == 3 && x->in_provider &&
	    strcmp(name, "displayName") == 0 && x->out->name[0] == '\0')
		pt_strlcpy(x->out->name, x->text, sizeof x->out->name);
	if (x->depth == 4 && x->in_server) {
		if (strcmp(name, "hostname") == 0)
			pt_strlcpy(s->hostname, x->text, sizeof s->hostname);
		else if (strcmp(name, "port") == 0)
			pt_strlcpy(s->port, x->text, sizeof s->port);
		else if (strcmp(name, "socketType") == 0)
			pt_strlcpy(s->socket_type, x->text,
			    sizeof s->socket_type);
		else if (strcmp(name, "username") == 0)
			pt_strlcpy(s->username, x->text, sizeof s->username);
		else if (strcmp(name, "authentication") == 0) {
			if (strcasecmp(x->text, "OAuth2") == 0)
				s->auth_oauth = 1;
			else if (strcmp(x->text, "password-cleartext") == 0 ||
				 strcmp(x->text, "plain") == 0 ||
				 strcmp(x->text, "password-encrypted") == 0 ||
				 strcmp(x->text, "secure") == 0)
				s->auth_password = 1;
		}
	}
	if (x->depth == 3 && x->in_server)
		xml_server_done(x);
	if (x->depth == 2 && strcmp(name, "emailProvider") == 0)
		x->in_provider = 0;
	x->depth--;
	x->textlen = 0;
	x->text[0] = '\0';
}

/* Replaces %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN%. */
static void
xml_substitute(const char *in, const char *email, char *out, size_t outlen)
{
	const char *at = strchr(email, '@');
	struct pt_buf b;
	char *s;

	pt_buf_init(&b, outlen > 0 ? outlen - 1 : 0);
	while (*in != '\0') {
		if (strncmp(in, "%EMAILADDRESS%", 14) == 0) {
			(void)pt_buf_addstr(&b, email, NULL);
			in += 14;
		} else if (strncmp(in, "%EMAILLOCALPART%", 16) == 0) {
			(void)pt_buf_add(&b, email,
			    at ? (size_t)(at - email) : strlen(email), NULL);
			in += 16;
		} else if (strncmp(in, "%EMAILDOMAIN%", 13) == 0) {
			(void)pt_buf_addstr(&b, at ? at + 1 : "", NULL);
			in += 13;
		} else
			(void)pt_buf_addch(&b, *in++, NULL);
	}
	s = pt_buf_detach(&b, NULL);
	pt_strlcpy(out, s, outlen);
	free(s);
}

/*
 * The end of a server element: keep it if it is the first usable one of
 * its kind (IMAP or SMTP, SSL or STARTTLS, a good host and port; a
 * "plain" server is never used).
 */
static void
xml_server_done(struct xml_reader *x)
{
	struct xml_server *s = &x->srv;
	struct setup_autoconfig *o = x->out;
	struct setup_server *dst;
	char host[SETUP_HOST_MAX], *e;
	long port;
	int incoming = x->in_server == 1;

	x->in_server = 0;
	if (strcmp(s->type, incoming ? "imap" : "smtp") != 0)
		return;
	if (incoming ? o->have_imap : o->have_smtp)
		return;
	xml_substitute(s->hostname, x->email, host, sizeof host);
	setup_lower(host);
	errno = 0;
	port = strtol(s->port, &e, 10);
	if (!setup_host_valid(host) || errno != 0 || *e != '\0' || port < 1 ||
	    port > 65535)
		return;
	dst = incoming ? &o->imap : &o->smtp;
	if (strcasecmp(s->socket_type, "SSL") == 0)
		dst->security = CFG_SEC_TLS;
	else if (strcasecmp(s->socket_type, "STARTTLS") == 0)
		dst->security = CFG_SEC_STARTTLS;
	else
		return;
	pt_strlcpy(dst->host, host, sizeof dst->host);
	dst->port = (int)port;
	if (incoming) {
		o->have_imap = 1;
		o->oauth_only = s->auth_oauth && !s->auth_password;
		if (strcmp(s->username, "%EMAILLOCALPART%") == 0)
			o->userform = SETUP_USER_LOCALPART;
	} else
		o->have_smtp = 1;
}

int
setup_autoconfig_parse(const char *xml, size_t len, const char *email,
    struct setup_autoconfig *out, struct pt_error *err)
{
	struct xml_reader *x;
	char name[XML_NAME_MAX], type[16];
	const char *t;
	int rc = -1, seen_root = 0;

	memset(out, 0, sizeof *out);
	out->userform = SETUP_USER_ADDRESS;
	if (len > SETUP_AUTOCONFIG_MAX)
		return xml_fail(err, _("it is too large"));
	if (memchr(xml, '\0', len) != NULL)
		return xml_fail(err, _("it contains a NUL byte"));
	x = pt_xcalloc(1, sizeof *x);
	x->p = xml;
	x->end = xml + len;
	x->email = email;
	x->out = out;
	while (x->p < x->end) {
		if (*x->p != '<') {
			t = x->p;
			while (x->p < x->end && *x->p != '<')
				x->p++;
			if (x->depth == 0) {
				for (; t < x->p; t++)
					if (*t != ' ' && *t != '\t' &&
					    *t != '\r' && *t != '\n') {
						xml_fail(err, _("text outside "
								"the root "
								"element"));
						goto done;
					}
			} else if (xml_text(x, t, (size_t)(x->p - t)) != 0) {
				xml_fail(err, _("a bad '&' reference"));
				goto done;
			}
			continue;
		}
		if (x->end - x->p >= 4 && memcmp(x->p, "<!--", 4) == 0) {
			if (xml_skip_past(x, "-->") != 0) {
				xml_fail(err, _("an unclosed comment"));
				goto done;
			}
		} else if (x->end - x->p >= 9 &&
			   memcmp(x->p, "<![CDATA[", 9) == 0) {
			x->p += 9;
			t = x->p;
			if (xml_skip_past(x, "]]>") != 0 || x->depth == 0) {
				xml_fail(err, _("a misplaced CDATA section"));
				goto done;
			}
			/* CDATA is literal: no references to decode. */
			for (; t < x->p - 3; t++)
				if (x->textlen + 1 < sizeof x->text) {
					x->text[x->textlen++] = *t;
					x->text[x->textlen] = '\0';
				}
		} else if (x->end - x->p >= 2 && x->p[1] == '?') {
			if (xml_skip_past(x, "?>") != 0) {
				xml_fail(err, _("an unclosed declaration"));
				goto done;
			}
		} else if (x->end - x->p >= 2 && x->p[1] == '!') {
			/* <!DOCTYPE ...>: an internal subset is refused. */
			x->p += 2;
			while (x->p < x->end && *x->p != '>' && *x->p != '[')
				x->p++;
			if (x->p >= x->end || *x->p == '[') {
				xml_fail(err, _("a document type definition"));
				goto done;
			}
			x->p++;
		} else if (x->end - x->p >= 2 && x->p[1] == '/') {
			x->p += 2;
			if (xml_name(x, name, sizeof name) != 0 ||
			    x->depth == 0 ||
			    strcmp(name, x->stack[x->depth - 1]) != 0) {
				xml_fail(err, _("a mismatched end tag"));
				goto done;
			}
			while (x->p < x->end && *x->p != '>')
				x->p++;
			if (x->p >= x->end) {
				xml_fail(err, _("an unclosed tag"));
				goto done;
			}
			x->p++;
			xml_end(x, name);
		} else {
			x->p++;
			if (xml_name(x, name, sizeof name) != 0) {
				xml_fail(err, _("a bad tag"));
				goto done;
			}
			if (x->depth == 0) {
				if (seen_root ||
				    strcmp(name, "clientConfig") != 0) {
					xml_fail(err, _("the root element is "
							"not clientConfig"));
					goto done;
				}
				seen_root = 1;
			}
			xml_attrs(x, type, sizeof type);
			if (xml_start(x, name, type) != 0) {
				xml_fail(err, _("it is nested too deeply"));
				goto done;
			}
			if (x->p < x->end && *x->p == '/') {
				x->p++;
				xml_end(x, name);
			}
			if (x->p >= x->end || *x->p != '>') {
				xml_fail(err, _("an unclosed tag"));
				goto done;
			}
			x->p++;
		}
	}
	if (!seen_root || x->depth != 0) {
		xml_fail(err, _("it ends too early"));
		goto done;
	}
	if (!out->have_imap || !out->have_smtp) {
		pt_error_set(err, PT_E_PROTO, 0,
		    _("the autoconfig file names no usable IMAP and SMTP "
		      "servers (SSL or STARTTLS)"));
		goto done;
	}
	rc = 0;
done:
	free(x);
	return rc;
}

/* 1 when the header line (len bytes) is "name: value" (any case). */
static int
http_header_is(const char *line, size_t len, const char *name,
    const char *value)
{
	size_t n = strlen(name), v;

	if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return 0;
	line += n + 1;
	len -= n + 1;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (value == NULL)
		return 1;
	v = strlen(value);
	return len >= v && strncasecmp(line, value, v) == 0;
}

static int
http_dechunk(const char *p, size_t len, struct pt_buf *body,
    struct pt_error *err)
{
	const char *end = p + len, *eol;
	char *e;

	for (;;) {
		unsigned long n;

		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			break;
		errno = 0;
		n = strtoul(p, &e, 16);
		if (e == p || errno != 0 ||
		    (*e != '\r' && *e != ';' && *e != '\n'))
			break;
		p = eol + 1;
		if (n == 0)
			return 0;
		if ((size_t)(end - p) < n + 2)
			break;
		if (pt_buf_add(body, p, n, err) != 0)
			return -1;
		p += n;
		if (*p == '\r')
			p++;
		if (p >= end || *p != '\n')
			break;
		p++;
	}
	return pt_error_set(err, PT_E_PROTO, 0,
	    _("the web server's chunked reply is malformed"));
}

int
setup_http_parse(const char *raw, size_t len, int *status, struct pt_buf *body,
    struct pt_error *err)
{
	const char *p, *end = raw + len, *eol, *hdr_end = NULL;
	size_t i;
	int chunked = 0, code;
	long clen = -1;
	char *e;

	for (i = 0; i + 3 < len; i++)
		if (memcmp(raw + i, "\r\n\r\n", 4) == 0) {
			hdr_end = raw + i + 2;
			break;
		}
	if (hdr_end == NULL || len < 12 || memcmp(raw, "HTTP/1.", 7) != 0 ||
	    raw[8] != ' ')
		return pt_error_set(err, PT_E_PROTO, 0,
		    _("the web server's reply is not HTTP"));
	errno = 0;
	code = (int)strtol(raw + 9, &e, 10);
	if (e != raw + 12 || code < 100 || code > 599)
		return pt_error_set(err, PT_E_PROTO, 0,
		    _("the web server's reply is not HTTP"));
	*status = code;
	p = (const char *)memchr(raw, '\n', len) + 1;
	while (p < hdr_end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (http_header_is(p, (size_t)(eol - p), "Transfer-Encoding",
			"chunked"))
			chunked = 1;
		else if (http_header_is(p, (size_t)(eol - p), "Content-Length",
			     NULL)) {
			clen = strtol(strchr(p, ':') + 1, &e, 10);
			if (clen < 0)
				clen = -1;
		}
		p = eol + 1;
	}
	p = hdr_end + 2;
	if (chunked)
		return http_dechunk(p, (size_t)(end - p), body, err);
	if (clen >= 0) {
		if ((size_t)(end - p) < (size_t)clen)
			return pt_error_set(err, PT_E_PROTO, 0,
			    _("the web server's reply was cut short"));
		return pt_buf_add(body, p, (size_t)clen, err);
	}
	return pt_buf_add(body, p, (size_t)(end - p), err);
}

/* The transport's recorded failure, or a general one. */
static void
setup_https_fail(const struct pt_error *status, const char *host,
    struct pt_error *err)
{
	if (err == NULL)
		return;
	if (status->class != PT_OK)
		*err = *status;
	else
		pt_error_set(err, PT_E_NET, 0,
		    _("the connection to '%s' failed"), host);
}

int
setup_https_get(const char *host, int port, const char *path,
    const char *ca_file, struct net_cancel *cancel, struct pt_buf *body,
    struct pt_error *err)
{
	struct net_params np;
	struct net_conn *c;
	struct pt_error status;
	struct pt_buf raw;
	mailstream *s;
	char *req, chunk[4096];
	ssize_t n;
	int code, rc = -1;

	memset(&np, 0, sizeof np);
	np.host = host;
	np.port = port;
	np.security = CFG_SEC_TLS;
	np.proto = NET_PROTO_OTHER;
	np.ca_file = ca_file;
	np.connect_timeout_ms = SETUP_HTTPS_CONNECT_MS;
	np.read_timeout_ms = SETUP_HTTPS_READ_MS;
	pt_error_init(&status);
	if ((c = net_conn_new(&np, cancel, &status)) == NULL) {
		*err = status;
		return -1;
	}
	if (net_conn_connect(c, err) != 0 ||
	    net_conn_tls_handshake(c, err) != 0) {
		net_conn_free(&c);
		return -1;
	}
	net_conn_established(c);
	if ((s = net_conn_stream(c, err)) == NULL) {
		net_conn_free(&c);
		return -1;
	}
	req = pt_xasprintf("GET %s HTTP/1.1\r\n"
			   "Host: %s\r\n"
			   "User-Agent: petrel/%s\r\n"
			   "Accept: application/xml, text/xml\r\n"
			   "Connection: close\r\n"
			   "\r\n",
	    path, host, PACKAGE_VERSION);
	pt_buf_init(&raw, SETUP_AUTOCONFIG_MAX + 8192);
	if (mailstream_write(s, req, strlen(req)) < 0 ||
	    mailstream_flush(s) != 0) {
		setup_https_fail(&status, host, err);
		goto done;
	}
	for (;;) {
		n = mailstream_read(s, chunk, sizeof chunk);
		if (n <= 0)
			break;
		if (pt_buf_add(&raw, chunk, (size_t)n, err) != 0) {
			pt_error_set(err, PT_E_PROTO, 0,
			    _("the file at 'https://%s%s' is too large"), host,
			    path);
			goto done;
		}
	}
	/* The server closing the connection ends the reply. */
	if (status.class != PT_OK && status.code != NET_ERR_EOF) {
		setup_https_fail(&status, host, err);
		goto done;
	}
	if (setup_http_parse(raw.data, raw.len, &code, body, err) != 0)
		goto done;
	if (code != 200) {
		pt_error_set(err, PT_E_PROTO, code,
		    _("'https://%s%s' answered HTTP status %d"), host, path,
		    code);
		goto done;
	}
	rc = 0;
done:
	free(req);
	pt_buf_release(&raw);
	mailstream_close(s);
	return rc;
}

int
setup_autoconfig_fetch(const char *host, const char *path, const char *email,
    const char *ca_file, struct net_cancel *cancel,
    struct setup_autoconfig *out, struct pt_error *err)
{
	struct pt_buf body;
	int rc;

	pt_buf_init(&body, SETUP_AUTOCONFIG_MAX);
	rc = setup_https_get(host, 443, path, ca_file, cancel, &body, err);
	if (rc == 0)
		rc = setup_autoconfig_parse(body.data, body.len, email, out,
		    err);
	pt_buf_release(&body);
	return rc;
}
