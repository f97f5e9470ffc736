/*
 * petrel-test-tool: lets shell tests call net/, imap/ and smtp/ directly
 * (git's test-tool).  Not installed.
 *
 *	petrel-test-tool imap|smtp [options]
 *		-h HOST -p PORT -s tls|starttls|none [-c CA_FILE] [-P PIN]
 *		[-t CONNECT_MS] [-r READ_MS] [-u USER] [-e PASSWORD_ENV_VAR]
 *		[-k CANCEL_AFTER_MS] [-m EMAIL]
 *	  Opens a session (through login/AUTH when -u is given; IMAP also
 *	  examines INBOX) and prints one line:
 *		OK <details>
 *		ERROR <class> <code> <message>
 *	  (code is net_errcode_name's name when it has one)
 *	  then "elapsed_ms=N" (and "cancel_ms=N", the time from the cancel
 *	  to the return, with -k).  Exit 0 on OK, 1 on ERROR, 2 on usage.
 *	petrel-test-tool base64 STRING
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/net.h"
#include "petrel/smtp.h"

struct canceller {
	struct net_cancel *cancel;
	int after_ms;
	long long fired_at;
};

static long long
tool_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *
tool_canceller(void *arg)
{
	struct canceller *k = arg;
	struct timespec ts;

	ts.tv_sec = k->after_ms / 1000;
	ts.tv_nsec = (long)(k->after_ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	k->fired_at = tool_now_ms();
	net_cancel_fire(k->cancel);
	return NULL;
}

static int
tool_usage(void)
{
	fprintf(stderr, "usage: petrel-test-tool imap|smtp -h HOST -p PORT "
			"-s tls|starttls|none [-c CA] [-P PIN] [-t MS] "
			"[-r MS] [-u USER] [-e VAR] [-k MS] [-m EMAIL]\n");
	return 2;
}

static int
tool_session(int smtp, int argc, char **argv)
{
	struct net_params p;
	struct pt_error err;
	struct pt_secret pw;
	struct canceller k;
	pthread_t th;
	const char *user = NULL, *pwvar = NULL, *email = NULL;
	long long t0, t1;
	int c, r, cancel_ms = -1;
	uint32_t exists = 0;

	memset(&p, 0, sizeof p);
	p.security = CFG_SEC_TLS;
	p.connect_timeout_ms = 15000;
	p.read_timeout_ms = 60000;
	p.proto = smtp ? NET_PROTO_SMTP : NET_PROTO_IMAP;
	while ((c = getopt(argc, argv, "h:p:s:c:P:t:r:u:e:k:m:")) != -1) {
		switch (c) {
		case 'h':
			p.host = optarg;
			break;
		case 'p':
			p.port = (int)strtol(optarg, NULL, 10);
			break;
		case 's':
			if (strcmp(optarg, "tls") == 0)
				p.security = CFG_SEC_TLS;
			else if (strcmp(optarg, "starttls") == 0)
				p.security = CFG_SEC_STARTTLS;
			else if (strcmp(optarg, "none") == 0)
				p.security = CFG_SEC_NONE;
			else
				return tool_usage();
			break;
		case 'c':
			p.ca_file = optarg;
			break;
		case 'P':
			p.pin = optarg;
			break;
		case 't':
			p.connect_timeout_ms = (int)strtol(optarg, NULL, 10);
			break;
		case 'r':
			p.read_timeout_ms = (int)strtol(optarg, NULL, 10);
			break;
		case 'u':
			user = optarg;
			break;
		case 'e':
			pwvar = optarg;
			break;
		case 'k':
			cancel_ms = (int)strtol(optarg, NULL, 10);
			break;
		case 'm':
			email = optarg;
			break;
		default:
			return tool_usage();
		}
	}
	if (p.host == NULL || p.port <= 0)
		return tool_usage();

	pt_error_init(&err);
	pt_secret_init(&pw);
	if (pwvar != NULL && getenv(pwvar) != NULL)
		pt_secret_set(&pw, getenv(pwvar), strlen(getenv(pwvar)));
	memset(&k, 0, sizeof k);
	k.cancel = net_cancel_new(&err);
	if (k.cancel == NULL) {
		printf("ERROR %s %d %s\n", pt_errclass_name(err.class),
		    err.code, err.msg);
		return 1;
	}
	k.after_ms = cancel_ms;
	if (cancel_ms >= 0 &&
	    pthread_create(&th, NULL, tool_canceller, &k) != 0) {
		fprintf(stderr, "pthread_create failed\n");
		return 1;
	}

	t0 = tool_now_ms();
	if (smtp) {
		struct smtp_session *s = smtp_session_new(&p, k.cancel, email);

		if (user != NULL)
			r = smtp_session_open(s, user, &pw, &err);
		else {
			r = smtp_session_connect(s, &err);
			if (r == 0 && p.security == CFG_SEC_TLS)
				r = smtp_session_tls(s, &err);
			if (r == 0)
				r = smtp_session_ehlo(s, &err);
			if (r == 0 && p.security == CFG_SEC_STARTTLS)
				r = smtp_session_starttls(s, &err);
			if (r == 0 && p.security == CFG_SEC_STARTTLS)
				r = smtp_session_tls(s, &err);
			if (r == 0 && p.security == CFG_SEC_STARTTLS)
				r = smtp_session_ehlo(s, &err);
		}
		t1 = tool_now_ms();
		if (r == 0)
			printf("OK ehlo=%s exts=%s auth=%s cert=%s pinned=%d\n",
			    smtp_session_ehlo_name(s), smtp_session_exts(s),
			    smtp_session_auth_mech(s),
			    smtp_session_cert(s)->sha256,
			    smtp_session_cert(s)->pinned);
		else
			printf("CERT %s|%s|%s|%s|%u\n",
			    smtp_session_cert(s)->subject,
			    smtp_session_cert(s)->issuer,
			    smtp_session_cert(s)->not_after,
			    smtp_session_cert(s)->sha256,
			    smtp_session_cert(s)->problems);
		smtp_session_free(&s);
	} else {
		struct imap_session *s = imap_session_new(&p, k.cancel);

		if (user != NULL) {
			r = imap_session_open(s, user, &pw, &err);
			if (r == 0)
				r = imap_session_examine(s, "INBOX", &exists,
				    &err);
		} else {
			r = imap_session_connect(s, &err);
			if (r == 0 && p.security == CFG_SEC_TLS)
				r = imap_session_tls(s, &err);
			if (r == 0)
				r = imap_session_greeting(s, &err);
			if (r == 0 && p.security == CFG_SEC_STARTTLS)
				r = imap_session_starttls(s, &err);
			if (r == 0 && p.security == CFG_SEC_STARTTLS)
				r = imap_session_tls(s, &err);
			if (r == 0)
				r = imap_session_capabilities(s, &err);
		}
		t1 = tool_now_ms();
		if (r == 0)
			printf("OK exists=%u caps=%s cert=%s pinned=%d\n",
			    (unsigned)exists, imap_session_caps(s),
			    imap_session_cert(s)->sha256,
			    imap_session_cert(s)->pinned);
		else
			printf("CERT %s|%s|%s|%s|%u\n",
			    imap_session_cert(s)->subject,
			    imap_session_cert(s)->issuer,
			    imap_session_cert(s)->not_after,
			    imap_session_cert(s)->sha256,
			    imap_session_cert(s)->problems);
		imap_session_free(&s);
	}
	if (r != 0) {
		const char *name = net_errcode_name(err.code);

		if (name != NULL)
			printf("ERROR %s %s %s\n", pt_errclass_name(err.class),
			    name, err.msg);
		else
			printf("ERROR %s %d %s\n", pt_errclass_name(err.class),
			    err.code, err.msg);
	}
	printf("elapsed_ms=%lld\n", t1 - t0);
	if (cancel_ms >= 0) {
		pthread_join(th, NULL);
		printf("cancel_ms=%lld\n", t1 - k.fired_at);
	}
	net_cancel_free(&k.cancel);
	pt_secret_release(&pw);
	return r == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "imap") == 0)
		return tool_session(0, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "smtp") == 0)
		return tool_session(1, argc - 1, argv + 1);
	if (argc == 3 && strcmp(argv[1], "base64") == 0) {
		char *b = pt_base64(argv[2], strlen(argv[2]));

		printf("%s\n", b);
		free(b);
		return 0;
	}
	return tool_usage();
}
