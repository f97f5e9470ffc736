/*
 * Unit tests for net/ (and the pure bits of imap/ and smtp/): pins,
 * base64, loopback checks, and the transport's failure modes against
 * tiny in-process servers on 127.0.0.1 (refused, silent, plain text on
 * a TLS connection, TLS on a plain one, end of file, cancel from another
 * thread, timeouts).
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/net.h"
#include "petrel/smtp.h"

#include "tests/harness/pt_test.h"

/* A one-connection server: accepts, sends `say`, then waits or closes. */
struct tsrv {
	int lfd;
	int port;
	const char *say;
	size_t saylen;
	int close_after; /* close right after saying */
	int accept;      /* 0: never accept (the kernel still completes) */
	pthread_t th;
	int started;
	int cfd; /* the accepted connection, or -1 */
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
tsrv_listen_family(struct tsrv *t, int family)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa;
	socklen_t len;
	int one = 1;

	t->lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (t->lfd == -1)
		return -1;
	setsockopt(t->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	if (family == AF_INET6) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_addr = in6addr_loopback;
		sa = (struct sockaddr *)&sin6;
		len = sizeof sin6;
	} else {
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa = (struct sockaddr *)&sin;
		len = sizeof sin;
	}
	if (bind(t->lfd, sa, len) == -1 || listen(t->lfd, 4) == -1 ||
	    getsockname(t->lfd, sa, &len) == -1) {
		close(t->lfd);
		return -1;
	}
	t->port = ntohs(family == AF_INET6 ? sin6.sin6_port : sin.sin_port);
	return 0;
}

static int
tsrv_listen(struct tsrv *t)
{
	return tsrv_listen_family(t, AF_INET);
}

static void *
tsrv_main(void *arg)
{
	struct tsrv *t = arg;
	int fd;

	fd = accept(t->lfd, NULL, NULL);
	if (fd == -1)
		return NULL;
	t->cfd = fd;
	if (t->say != NULL && write(fd, t->say, t->saylen) < 0)
		return NULL;
	if (t->close_after)
		shutdown(fd, SHUT_RDWR); /* the client sees end of file */
	else {
		char buf[4096];

		while (read(fd, buf, sizeof buf) > 0)
			;
	}
	return NULL;
}

static void
tsrv_start(struct tsrv *t, const char *say, size_t saylen, int close_after,
    int do_accept)
{
	memset(t, 0, sizeof *t);
	t->cfd = -1;
	t->say = say;
	t->saylen = saylen;
	t->close_after = close_after;
	t->accept = do_accept;
	CHECK(tsrv_listen(t) == 0);
	if (do_accept && pthread_create(&t->th, NULL, tsrv_main, t) == 0)
		t->started = 1;
}

/* Like tsrv_start on ::1; 0, or -1 when this machine has no IPv6. */
static int
tsrv_start6(struct tsrv *t, const char *say, size_t saylen)
{
	memset(t, 0, sizeof *t);
	t->cfd = -1;
	t->say = say;
	t->saylen = saylen;
	t->accept = 1;
	if (tsrv_listen_family(t, AF_INET6) == -1)
		return -1;
	if (pthread_create(&t->th, NULL, tsrv_main, t) == 0)
		t->started = 1;
	return 0;
}

static void
tsrv_stop(struct tsrv *t)
{
	/* Wakes the thread in accept() or read(): no pthread_cancel. */
	shutdown(t->lfd, SHUT_RDWR);
	if (t->started)
		pthread_join(t->th, NULL);
	if (t->cfd != -1)
		close(t->cfd);
	close(t->lfd);
}

static void
params(struct net_params *p, int port, enum cfg_security sec, int ct_ms,
    int rt_ms)
{
	memset(p, 0, sizeof *p);
	p->host = "127.0.0.1";
	p->port = port;
	p->security = sec;
	p->proto = NET_PROTO_IMAP;
	p->connect_timeout_ms = ct_ms;
	p->read_timeout_ms = rt_ms;
}

static void
test_net_pin_check(void)
{
	struct pt_error err;
	char pin[80];

	pt_error_init(&err);
	memset(pin, 'a', sizeof pin);
	memcpy(pin, "sha256:", 7);
	pin[7 + 64] = '\0';
	CHECK_INT(net_pin_check(pin, &err), 0);
	pin[10] = 'A';
	CHECK_INT(net_pin_check(pin, &err), 0);
	CHECK_INT(net_pin_check("SHA256:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:"
				"66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:"
				"44:55:66:77:88:99",
		      NULL),
	    0);
	CHECK_INT(net_pin_check("sha256::aabb", NULL), -1);
	pin[10] = 'g';
	CHECK_INT(net_pin_check(pin, &err), -1);
	CHECK_INT(err.class, PT_E_CONFIG);
	CHECK_INT(net_pin_check(pin, NULL), -1);
	CHECK_INT(net_pin_check("sha256:abc", NULL), -1);
	CHECK_INT(net_pin_check("md5:", NULL), -1);
	CHECK_INT(net_pin_check(NULL, NULL), -1);
}

static void
test_pt_base64_vectors(void)
{
	static const char *const v[][2] = {
	    {"", ""},
	    {"f", "Zg=="},
	    {"fo", "Zm8="},
	    {"foo", "Zm9v"},
	    {"foob", "Zm9vYg=="},
	    {"fooba", "Zm9vYmE="},
	    {"foobar", "Zm9vYmFy"},
	};
	size_t i;
	char *b;

	for (i = 0; i < PT_NELEM(v); i++) {
		b = pt_base64(v[i][0], strlen(v[i][0]));
		CHECK_STR(b, v[i][1]);
		free(b);
	}
	/* AUTH PLAIN's blob: NUL user NUL password. */
	b = pt_base64("\0u\0p", 4);
	CHECK_STR(b, "AHUAcA==");
	free(b);
}

static void
test_net_host_is_loopback(void)
{
	CHECK(net_host_is_loopback("127.0.0.1"));
	CHECK(net_host_is_loopback("127.0.0.11"));
	CHECK(net_host_is_loopback("::1"));
	CHECK(!net_host_is_loopback("192.0.2.1"));
	CHECK(!net_host_is_loopback("2001:db8::1"));
	CHECK(!net_host_is_loopback(""));
}

static void
test_net_params_from_account_defaults(void)
{
	struct cfg_account a;
	struct net_params p;

	memset(&a, 0, sizeof a);
	a.imap.host = "imap.example.test";
	a.imap.port = 993;
	a.imap.security = CFG_SEC_TLS;
	a.smtp.host = "smtp.example.test";
	a.smtp.port = 587;
	a.smtp.security = CFG_SEC_STARTTLS;
	a.smtp_tls_pin = "sha256:x";
	net_params_from_account(&p, &a, NET_PROTO_SMTP);
	CHECK_STR(p.host, "smtp.example.test");
	CHECK_INT(p.port, 587);
	CHECK_INT(p.security, CFG_SEC_STARTTLS);
	CHECK_STR(p.pin, "sha256:x");
	CHECK_INT(p.connect_timeout_ms, NET_CONNECT_TIMEOUT_DEFAULT * 1000);
	CHECK_INT(p.read_timeout_ms, NET_READ_TIMEOUT_DEFAULT * 1000);
	a.connect_timeout = 3;
	net_params_from_account(&p, &a, NET_PROTO_IMAP);
	CHECK_STR(p.host, "imap.example.test");
	CHECK(p.pin == NULL);
	CHECK_INT(p.connect_timeout_ms, 3000);
}

static void
test_net_connect_refused(void)
{
	struct tsrv t;
	struct net_params p;
	struct net_conn *c;
	struct pt_error err, st;
	int port;

	/* A port that was just free: nothing listens there now. */
	CHECK(tsrv_listen(&t) == 0);
	port = t.port;
	close(t.lfd);
	params(&p, port, CFG_SEC_TLS, 2000, 2000);
	c = net_conn_new(&p, NULL, &st);
	pt_error_init(&err);
	CHECK_INT(net_conn_connect(c, &err), -1);
	CHECK_INT(err.class, PT_E_NET);
	CHECK_INT(err.code, NET_ERR_REFUSED);
	CHECK(strstr(err.msg, "refused") != NULL);
	net_conn_free(&c);
}

static void
test_net_dns_not_found(void)
{
	struct net_params p;
	struct net_conn *c;
	struct pt_error err, st;

	params(&p, 993, CFG_SEC_TLS, 2000, 2000);
	p.host = "no-such-host.invalid";
	c = net_conn_new(&p, NULL, &st);
	pt_error_init(&err);
	CHECK_INT(net_conn_resolve(c, &err), -1);
	CHECK(err.code == NET_ERR_DNS || err.code == NET_ERR_DNS_TEMP);
	net_conn_free(&c);
}

static void
test_net_none_refused_off_loopback(void)
{
	struct net_params p;
	struct net_conn *c;
	struct pt_error err, st;

	params(&p, 143, CFG_SEC_NONE, 500, 500);
	p.host = "192.0.2.1"; /* TEST-NET-1: never contacted */
	c = net_conn_new(&p, NULL, &st);
	pt_error_init(&err);
	CHECK_INT(net_conn_connect(c, &err), -1);
	CHECK_INT(err.code, NET_ERR_INSECURE);
	net_conn_free(&c);
}

/* TLS chosen, the server greets in plain text: "try starttls". */
static void
test_net_tls_on_plain_port(void)
{
	static const char greet[] = "* OK [CAPABILITY IMAP4rev1 STARTTLS] "
				    "ready\r\n";
	struct tsrv t;
	struct net_params p;
	struct imap_session *s;
	struct pt_error err;

	tsrv_start(&t, greet, sizeof greet - 1, 0, 1);
	params(&p, t.port, CFG_SEC_TLS, 3000, 3000);
	s = imap_session_new(&p, NULL);
	pt_error_init(&err);
	CHECK_INT(imap_session_connect(s, &err), 0);
	CHECK_INT(imap_session_tls(s, &err), -1);
	CHECK_INT(err.code, NET_ERR_WANTS_STARTTLS);
	CHECK(strstr(err.msg, "security = starttls") != NULL);
	imap_session_free(&s);
	tsrv_stop(&t);
}

/* Plain text chosen, the server answers with a TLS record. */
static void
test_net_plain_on_tls_port(void)
{
	static const char alert[] = "\x15\x03\x03\x00\x02\x02\x28";
	struct tsrv t;
	struct net_params p;
	struct imap_session *s;
	struct pt_error err;

	tsrv_start(&t, alert, sizeof alert - 1, 0, 1);
	params(&p, t.port, CFG_SEC_STARTTLS, 3000, 3000);
	s = imap_session_new(&p, NULL);
	pt_error_init(&err);
	CHECK_INT(imap_session_connect(s, &err), 0);
	CHECK_INT(imap_session_greeting(s, &err), -1);
	CHECK_INT(err.code, NET_ERR_WANTS_TLS);
	CHECK(strstr(err.msg, "security = tls") != NULL);
	imap_session_free(&s);
	tsrv_stop(&t);
}

/* A server that accepts and never speaks: the greeting times out. */
static void
test_net_silent_greeting_times_out(void)
{
	struct tsrv t;
	struct net_params p;
	struct imap_session *s;
	struct pt_error err;
	long long t0, dt;

	tsrv_start(&t, NULL, 0, 0, 1);
	params(&p, t.port, CFG_SEC_STARTTLS, 400, 5000);
	s = imap_session_new(&p, NULL);
	pt_error_init(&err);
	CHECK_INT(imap_session_connect(s, &err), 0);
	t0 = now_ms();
	CHECK_INT(imap_session_greeting(s, &err), -1);
	dt = now_ms() - t0;
	CHECK_INT(err.code, NET_ERR_SILENT);
	CHECK(dt >= 390 && dt < 1400);
	imap_session_free(&s);
	tsrv_stop(&t);
}

/* The TLS handshake against a silent server times out too. */
static void
test_net_silent_handshake_times_out(void)
{
	struct tsrv t;
	struct net_params p;
	struct imap_session *s;
	struct pt_error err;
	long long t0, dt;

	tsrv_start(&t, NULL, 0, 0, 0); /* never even accepted */
	params(&p, t.port, CFG_SEC_TLS, 400, 5000);
	s = imap_session_new(&p, NULL);
	pt_error_init(&err);
	CHECK_INT(imap_session_connect(s, &err), 0);
	t0 = now_ms();
	CHECK_INT(imap_session_tls(s, &err), -1);
	dt = now_ms() - t0;
	CHECK_INT(err.code, NET_ERR_TLS_TIMEOUT);
	CHECK(dt >= 390 && dt < 1400);
	imap_session_free(&s);
	tsrv_stop(&t);
}

struct fire {
	struct net_cancel *cancel;
	int after_ms;
	long long at;
};

static void *
fire_main(void *arg)
{
	struct fire *f = arg;
	struct timespec ts = {0, (long)f->after_ms * 1000000L};

	nanosleep(&ts, NULL);
	f->at = now_ms();
	net_cancel_fire(f->cancel);
	return NULL;
}

/* Another thread cancels a blocked greeting read: prompt CANCELLED. */
static void
test_net_cancel_from_thread(void)
{
	struct tsrv t;
	struct net_params p;
	struct imap_session *s;
	struct pt_error err;
	struct fire f;
	pthread_t th;
	long long done;

	tsrv_start(&t, NULL, 0, 0, 1);
	params(&p, t.port, CFG_SEC_STARTTLS, 10000, 10000);
	pt_error_init(&err);
	f.cancel = net_cancel_new(&err);
	CHECK(f.cancel != NULL);
	f.after_ms = 200;
	s = imap_session_new(&p, f.cancel);
	CHECK_INT(imap_session_connect(s, &err), 0);
	CHECK(pthread_create(&th, NULL, fire_main, &f) == 0);
	CHECK_INT(imap_session_greeting(s, &err), -1);
	done = now_ms();
	pthread_join(th, NULL);
	CHECK_INT(err.class, PT_E_CANCELLED);
	CHECK(done - f.at < 100);
	CHECK(net_cancel_fired(f.cancel));
	imap_session_free(&s);
	net_cancel_free(&f.cancel);
	tsrv_stop(&t);
}

/* The server closes after its greeting: the next read fails with EOF. */
static void
test_net_eof_is_an_error(void)
{
	static const char greet[] = "* OK [CAPABILITY IMAP4rev1] hi\r\n";
	struct tsrv t;
	struct net_params p;
	struct imap_session *s;
	struct pt_error err;

	tsrv_start(&t, greet, sizeof greet - 1, 1, 1);
	params(&p, t.port, CFG_SEC_NONE, 3000, 3000);
	s = imap_session_new(&p, NULL);
	pt_error_init(&err);
	CHECK_INT(imap_session_connect(s, &err), 0);
	CHECK_INT(imap_session_greeting(s, &err), 0);
	CHECK_INT(imap_session_capabilities(s, &err), -1);
	CHECK_INT(err.code, NET_ERR_EOF);
	imap_session_free(&s);
	tsrv_stop(&t);
}

/* With starttls, PREAUTH in plain text is refused. */
static void
test_imap_preauth_refused(void)
{
	static const char greet[] = "* PREAUTH [CAPABILITY IMAP4rev1 "
				    "STARTTLS] welcome\r\n";
	struct tsrv t;
	struct net_params p;
	struct imap_session *s;
	struct pt_error err;

	tsrv_start(&t, greet, sizeof greet - 1, 0, 1);
	params(&p, t.port, CFG_SEC_STARTTLS, 3000, 3000);
	s = imap_session_new(&p, NULL);
	pt_error_init(&err);
	CHECK_INT(imap_session_connect(s, &err), 0);
	CHECK_INT(imap_session_starttls(s, &err), -1);
	CHECK_INT(err.code, NET_ERR_PREAUTH);
	imap_session_free(&s);
	tsrv_stop(&t);
}

/* No password is sent before TLS, whatever the caller asks. */
static void
test_imap_login_refused_without_tls(void)
{
	static const char greet[] = "* OK [CAPABILITY IMAP4rev1 STARTTLS] "
				    "hi\r\n";
	struct tsrv t;
	struct net_params p;
	struct imap_session *s;
	struct pt_error err;
	struct pt_secret pw;

	tsrv_start(&t, greet, sizeof greet - 1, 0, 1);
	params(&p, t.port, CFG_SEC_STARTTLS, 3000, 3000);
	s = imap_session_new(&p, NULL);
	pt_error_init(&err);
	pt_secret_init(&pw);
	pt_secret_set(&pw, "secret", 6);
	CHECK_INT(imap_session_connect(s, &err), 0);
	CHECK_INT(imap_session_greeting(s, &err), 0);
	CHECK_INT(imap_session_login(s, "u", &pw, &err), -1);
	CHECK_INT(err.class, PT_E_TLS);
	pt_secret_release(&pw);
	imap_session_free(&s);
	tsrv_stop(&t);
}

static void
test_net_errcode_name(void)
{
	CHECK_STR(net_errcode_name(NET_ERR_DNS), "dns");
	CHECK_STR(net_errcode_name(NET_ERR_REFUSED), "refused");
	CHECK_STR(net_errcode_name(NET_ERR_TLS_TIMEOUT), "tls-timeout");
	CHECK_STR(net_errcode_name(NET_ERR_CERT), "cert");
	CHECK_STR(net_errcode_name(NET_ERR_PREAUTH), "preauth");
	CHECK_STR(net_errcode_name(NET_ERR_TOO_BIG), "too-big");
	CHECK(net_errcode_name(0) == NULL);
	CHECK(net_errcode_name(NET_ERR_TOO_BIG + 1) == NULL);
}

/* IPv6 works: a server on ::1 is reached by its literal. */
static void
test_net_ipv6_loopback(void)
{
	static const char greet[] = "* OK [CAPABILITY IMAP4rev1] hi\r\n";
	struct tsrv t;
	struct net_params p;
	struct imap_session *s;
	struct pt_error err;

	if (tsrv_start6(&t, greet, sizeof greet - 1) == -1) {
		printf("  (no IPv6 on this machine: skipped)\n");
		return;
	}
	params(&p, t.port, CFG_SEC_NONE, 3000, 3000);
	p.host = "::1";
	s = imap_session_new(&p, NULL);
	pt_error_init(&err);
	CHECK_INT(imap_session_connect(s, &err), 0);
	CHECK_STR(imap_session_peer(s), "::1");
	CHECK_INT(imap_session_greeting(s, &err), 0);
	imap_session_free(&s);
	tsrv_stop(&t);
}

/*
 * A name with several addresses: each is tried in turn ("localhost" is
 * ::1 and 127.0.0.1 where /etc/hosts says so; the server listens on the
 * IPv4 one only).
 */
static void
test_net_tries_each_address(void)
{
	static const char greet[] = "* OK [CAPABILITY IMAP4rev1] hi\r\n";
	struct tsrv t;
	struct net_params p;
	struct imap_session *s;
	struct pt_error err;

	tsrv_start(&t, greet, sizeof greet - 1, 0, 1);
	params(&p, t.port, CFG_SEC_NONE, 3000, 3000);
	p.host = "localhost";
	s = imap_session_new(&p, NULL);
	pt_error_init(&err);
	CHECK_INT(imap_session_connect(s, &err), 0);
	CHECK_STR(imap_session_peer(s), "127.0.0.1");
	CHECK_INT(imap_session_greeting(s, &err), 0);
	imap_session_free(&s);
	tsrv_stop(&t);
}

/*
 * A connect that is never answered: a listener whose accept queue is
 * full (backlog 0, never accepting) drops further SYNs, so the connect
 * itself times out, as behind a firewall.
 */
static void
test_net_connect_timeout(void)
{
	struct tsrv t;
	struct sockaddr_in sin;
	struct net_params p;
	struct net_conn *c;
	struct pt_error err, st;
	long long t0, dt;
	int fill[3], i;

	memset(&t, 0, sizeof t);
	CHECK(tsrv_listen(&t) == 0);
	CHECK(listen(t.lfd, 0) == 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)t.port);
	for (i = 0; i < 3; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		(void)connect(fill[i], (struct sockaddr *)&sin, sizeof sin);
	}
	params(&p, t.port, CFG_SEC_TLS, 500, 500);
	c = net_conn_new(&p, NULL, &st);
	pt_error_init(&err);
	t0 = now_ms();
	CHECK_INT(net_conn_connect(c, &err), -1);
	dt = now_ms() - t0;
	CHECK_INT(err.code, NET_ERR_CONNECT_TIMEOUT);
	CHECK(strstr(err.msg, "firewall") != NULL);
	CHECK(dt >= 490 && dt < 1000);
	net_conn_free(&c);
	for (i = 0; i < 3; i++)
		close(fill[i]);
	close(t.lfd);
}

static const struct pt_test tests[] = {
    PT_TEST(test_net_connect_timeout),
    PT_TEST(test_net_ipv6_loopback),
    PT_TEST(test_net_tries_each_address),
    PT_TEST(test_net_errcode_name),
    PT_TEST(test_net_pin_check),
    PT_TEST(test_pt_base64_vectors),
    PT_TEST(test_net_host_is_loopback),
    PT_TEST(test_net_params_from_account_defaults),
    PT_TEST(test_net_connect_refused),
    PT_TEST(test_net_dns_not_found),
    PT_TEST(test_net_none_refused_off_loopback),
    PT_TEST(test_net_tls_on_plain_port),
    PT_TEST(test_net_plain_on_tls_port),
    PT_TEST(test_net_silent_greeting_times_out),
    PT_TEST(test_net_silent_handshake_times_out),
    PT_TEST(test_net_cancel_from_thread),
    PT_TEST(test_net_eof_is_an_error),
    PT_TEST(test_imap_preauth_refused),
    PT_TEST(test_imap_login_refused_without_tls),
    {NULL, NULL},
};

int
main(void)
{
	return pt_test_run(tests);
}
