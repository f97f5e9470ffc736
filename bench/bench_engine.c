/*
 * bench_engine: one measurement of opening a folder, for
 * bench/engine.sh, which runs each in a fresh process (so that peak RSS
 * is that of the measurement alone) and prints the table.
 *
 *	bench_engine lower HOST PORT CAFILE USER PASS FOLDER
 *	    The lower bound: a bare client (GnuTLS, no IMAP library) doing
 *	    LOGIN, SELECT and UID FETCH 1:* (UID FLAGS INTERNALDATE
 *	    RFC822.SIZE ENVELOPE), reading the raw bytes to the tagged OK.
 *	bench_engine open CONFIG CACHE_DIR FOLDER
 *	    petrel's engine opening FOLDER the way the UI does (50 rows),
 *	    keeping every index batch as the UI would.
 *
 * Output: key=value lines (times in ms since the start, rss in KB).
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"

static long long bench_t0;

static long long
bench_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - bench_t0;
}

/* A /proc/self/status field in KB ("VmHWM:"), or -1. */
static long
bench_status(const char *key)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	size_t kl = strlen(key);
	long kb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, kl) == 0)
			kb = strtol(line + kl, NULL, 10);
	fclose(f);
	return kb;
}

static long
bench_rss_peak(void)
{
	return bench_status("VmHWM:");
}

/* The lower bound. */

static gnutls_session_t bench_tls;
static char bench_buf[1 << 16];
static size_t bench_len, bench_off;
static unsigned long long bench_bytes;

static int
bench_send(const char *s)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		ssize_t n = gnutls_record_send(bench_tls, s + off, len - off);

		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n < 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* Reads until a line starting with tag (and a space); -1 on error. */
static int
bench_until(const char *tag)
{
	char line[64];
	size_t ll = 0, tl = strlen(tag);
	int match = 0;

	for (;;) {
		if (bench_off == bench_len) {
			ssize_t n = gnutls_record_recv(bench_tls, bench_buf,
			    sizeof bench_buf);

			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
				continue;
			if (n <= 0)
				return -1;
			bench_len = (size_t)n;
			bench_off = 0;
			bench_bytes += (unsigned long long)n;
		}
		while (bench_off < bench_len) {
			char c = bench_buf[bench_off++];

			if (c == '\n') {
				if (match)
					return 0;
				ll = 0;
				continue;
			}
			if (ll <= tl) {
				line[ll++] = c;
				if (ll == tl + 1)
					match = memcmp(line, tag, tl) == 0 &&
						line[tl] == ' ';
			}
		}
	}
}

static int
bench_lower(char **argv)
{
	const char *host = argv[0], *port = argv[1], *ca = argv[2];
	const char *user = argv[3], *pass = argv[4], *folder = argv[5];
	gnutls_certificate_credentials_t cred;
	struct addrinfo hints, *ai;
	char cmd[512];
	long long t_login, t_select, t_end;
	int fd, r;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return 1;
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd == -1 || connect(fd, ai->ai_addr, ai->ai_addrlen) == -1)
		return 1;
	freeaddrinfo(ai);
	gnutls_global_init();
	gnutls_certificate_allocate_credentials(&cred);
	gnutls_certificate_set_x509_trust_file(cred, ca, GNUTLS_X509_FMT_PEM);
	gnutls_init(&bench_tls, GNUTLS_CLIENT);
	gnutls_set_default_priority(bench_tls);
	gnutls_credentials_set(bench_tls, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_session_set_verify_cert(bench_tls, host, 0);
	gnutls_transport_set_int(bench_tls, fd);
	do
		r = gnutls_handshake(bench_tls);
	while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0) {
		fprintf(stderr, "handshake: %s\n", gnutls_strerror(r));
		return 1;
	}
	if (bench_until("*") == -1)
		return 1;
	snprintf(cmd, sizeof cmd, "a LOGIN \"%s\" \"%s\"\r\n", user, pass);
	if (bench_send(cmd) == -1 || bench_until("a") == -1)
		return 1;
	t_login = bench_ms();
	snprintf(cmd, sizeof cmd, "b SELECT \"%s\"\r\n", folder);
	if (bench_send(cmd) == -1 || bench_until("b") == -1)
		return 1;
	t_select = bench_ms();
	if (bench_send("c UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE "
		       "ENVELOPE)\r\n") == -1 ||
	    bench_until("c") == -1)
		return 1;
	t_end = bench_ms();
	printf("login_ms=%lld\nselect_ms=%lld\nlower_ms=%lld\nbytes=%llu\n"
	       "rss_kb=%ld\n",
	    t_login, t_select, t_end, bench_bytes, bench_rss_peak());
	gnutls_bye(bench_tls, GNUTLS_SHUT_WR);
	close(fd);
	gnutls_deinit(bench_tls);
	gnutls_certificate_free_credentials(cred);
	return 0;
}

/* petrel's open. */

static int
bench_open(char **argv)
{
	struct eng_options opt;
	struct pt_error err;
	struct eng_index **kept = NULL;
	size_t nkept = 0, msgs = 0, idxbytes = 0, i;
	struct cfg *cfg;
	struct eng *e;
	struct eng_job *j;
	uint64_t id;
	long long t_first = -1, t_complete = -1, t_done = -1;
	int failed = 0, nflags = 0, nexp = 0;

	pt_error_init(&err);
	cfg = cfg_load(argv[0], &err);
	if (cfg == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	memset(&opt, 0, sizeof opt);
	opt.cache_dir = argv[1];
	bench_t0 = 0;
	bench_t0 = bench_ms();
	e = eng_new(cfg, &opt, &err);
	if (e == NULL)
		return 1;
	j = eng_job_new(ENG_JOB_OPEN, 0);
	eng_job_set_folder(j, argv[2]);
	j->rows = 50;
	id = eng_submit(e, j, &err);
	while (t_done < 0 && bench_ms() < 600000) {
		struct eng_event *ev;
		struct pollfd p;

		while ((ev = eng_event_next(e)) != NULL) {
			if (ev->kind == ENG_EV_INDEX && ev->job_id == id) {
				struct eng_index *ix = ev->u.index;

				if (t_first < 0)
					t_first = bench_ms();
				if (ix->complete && t_complete < 0)
					t_complete = bench_ms();
				if (ix->reset) {
					for (i = 0; i < nkept; i++)
						eng_index_free(&kept[i]);
					nkept = 0;
					msgs = idxbytes = 0;
				}
				msgs += ix->n;
				idxbytes +=
				    ix->n * sizeof *ix->msgs + ix->arena_len;
				kept = pt_xreallocarray(kept, nkept + 1,
				    sizeof *kept);
				kept[nkept++] = ix;
				ev->u.index = NULL;
			} else if (ev->kind == ENG_EV_FLAGS)
				nflags += (int)ev->u.flags.n;
			else if (ev->kind == ENG_EV_EXPUNGED)
				nexp += (int)ev->u.uids.n;
			else if (ev->job_id == id &&
				 (ev->kind == ENG_EV_DONE ||
				     ev->kind == ENG_EV_FAILED)) {
				t_done = bench_ms();
				failed = ev->kind == ENG_EV_FAILED;
				if (failed)
					fprintf(stderr, "failed: %s\n",
					    ev->err.msg);
			}
			eng_event_free(&ev);
		}
		p.fd = eng_wakeup_fd(e);
		p.events = POLLIN;
		(void)poll(&p, 1, 100);
	}
	printf("first_ms=%lld\ncomplete_ms=%lld\ndone_ms=%lld\nmsgs=%zu\n"
	       "index_bytes=%zu\nflags=%d\nexpunged=%d\nrss_kb=%ld\n"
	       "anon_kb=%ld\nfile_kb=%ld\n",
	    t_first, t_complete, t_done, msgs, idxbytes, nflags, nexp,
	    bench_rss_peak(), bench_status("RssAnon:"),
	    bench_status("RssFile:"));
	eng_free(&e);
	for (i = 0; i < nkept; i++)
		eng_index_free(&kept[i]);
	free(kept);
	cfg_free(&cfg);
	return failed;
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	bench_t0 = bench_ms();
	if (argc == 8 && strcmp(argv[1], "lower") == 0)
		return bench_lower(argv + 2);
	if (argc == 5 && strcmp(argv[1], "open") == 0)
		return bench_open(argv + 2);
	fprintf(stderr, "usage: bench_engine lower HOST PORT CA USER PASS "
			"FOLDER | open CONFIG CACHE FOLDER\n");
	return 2;
}
