/*
 * setup-detect: runs the setup wizard's detection for one address and
 * prints what it found, for the shell tests.
 *
 *	setup-detect [-n] [-c CA_FILE] [-p PROVIDERS_FILE] EMAIL
 *
 * -n: no network (presets and a plain guess).  Output lines:
 * "progress: ...", then "source: NAME", "detail: ...", "imap: HOST PORT
 * SECURITY", "smtp: ...", "username: ...".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"

#include "src/setup/private.h"

static void
progress(void *arg, const char *line)
{
	(void)arg;
	printf("progress: %s\n", line);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static const char *const names[] = {"none", "preset", "manual", "srv",
	    "autoconfig", "mx", "guess", "options"};
	struct setup_detect_opts o;
	struct setup_providers ps;
	struct setup_settings st;
	struct pt_error err;
	const char *file = NULL;
	int c;

	memset(&o, 0, sizeof o);
	o.progress = progress;
	while ((c = getopt(argc, argv, "nc:p:")) != -1) {
		switch (c) {
		case 'n':
			o.no_network = 1;
			break;
		case 'c':
			o.ca_file = optarg;
			break;
		case 'p':
			file = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: setup-detect [-n] [-c CA] [-p FILE] "
				"EMAIL\n");
		return 2;
	}
	pt_error_init(&err);
	setup_providers_init(&ps);
	if ((file != NULL ? setup_providers_read(&ps, file, &err)
			  : setup_providers_load(&ps, &err)) != 0) {
		fprintf(stderr, "setup-detect: %s\n", err.msg);
		return 1;
	}
	if (setup_detect(argv[optind], &ps, &o, &st, &err) != 0) {
		fprintf(stderr, "setup-detect: %s\n", err.msg);
		setup_providers_release(&ps);
		return 1;
	}
	printf("source: %s\n", names[st.source]);
	printf("detail: %s\n", st.source_detail);
	printf("imap: %s %d %s\n", st.imap.host, st.imap.port,
	    cfg_security_name(st.imap.security));
	printf("smtp: %s %d %s\n", st.smtp.host, st.smtp.port,
	    cfg_security_name(st.smtp.security));
	printf("username: %s\n", st.username);
	setup_providers_release(&ps);
	return 0;
}
