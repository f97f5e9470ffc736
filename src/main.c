/*
 * main.c: petrel's entry point.  Reads the command line, sets up the
 * process (locale, signals, log), loads the configuration and hands over
 * to a subcommand or to the interface.  Exit statuses: 0 success, 1 a
 * command failed, 2 a usage or configuration error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/mime.h"
#include "petrel/setup.h"
#include "petrel/ui.h"

#include "src/cli/cli.h"

#define EXIT_USAGE 2

static void main_usage(FILE *);
static int main_render(const char *, const char *, const char *);
static struct cfg *main_load_config(const char *, int);

static void
main_usage(FILE *f)
{
	fprintf(f,
	    _("usage: petrel [-F FILE] [COMMAND]\n"
	      "       petrel [-F FILE] --dump-config\n"
	      "       petrel --render FILE [--width N]\n"
	      "       petrel [-F FILE] [-A ACCOUNT] -s SUBJECT [-c ADDRESS] "
	      "[-b ADDRESS]\n"
	      "              [-a FILE]... -- ADDRESS... < body\n"
	      "       petrel [-F FILE] [-A ACCOUNT] mailto:URI < body\n"
	      "       petrel [-F FILE] [-A ACCOUNT] -H DRAFT [ADDRESS...]\n"
	      "\n"
	      "Commands:\n"
	      "  (none)            open the mail interface\n"
	      "  doctor [ACCOUNT]  check the connection to an account's "
	      "servers\n"
	      "  setup [OPTIONS]   add an account (petrel setup --help)\n"
	      "  outbox [list | send [--force] [ID...] | discard ID...]\n"
	      "                    messages not sent yet\n"
	      "  query [-A ACCOUNT] STRING\n"
	      "                    addresses from the address book, as "
	      "mutt's query_command\n"
	      "\n"
	      "Options:\n"
	      "  -F, --config FILE  use FILE instead of "
	      "~/.config/petrel/config\n"
	      "  -A ACCOUNT         send from this account (default: the "
	      "first)\n"
	      "  -s, -c, -b, -a     subject, copy, blind copy, attachment "
	      "(as mutt)\n"
	      "  -H DRAFT           send a draft file: header fields, an empty "
	      "line, text\n"
	      "      --dump-config  print every setting and exit\n"
	      "      --render FILE  print the message in FILE as the "
	      "pager shows it\n"
	      "      --width N      wrap --render output at N columns "
	      "(default 80)\n"
	      "  -h, --help         print this help and exit\n"
	      "  -v, --version      print the version and exit\n"
	      "\n"
	      "See petrel(1) and petrelrc(5).\n"));
}

/*
 * petrel --render FILE [--width N]: the message as the pager shows it,
 * HTML through its mailcap entry as in the pager (ui_mailcap_html).
 * Needs no configuration: one that loads (-F, or the default file) is
 * read only for ui.html_mailcap, and one that does not is ignored.  A
 * message that cannot be parsed (one larger than MIME_MAX_SIZE) is
 * printed raw, sanitized and cut, with a warning, and still exits 0; a
 * file four times that size is not read at all.
 */
static int
main_render(const char *path, const char *width, const char *cfgpath)
{
	struct mime_render_opts opts;
	struct pt_error err, warn;
	size_t len, outlen;
	struct cfg *cfg;
	char *msg, *out;

	memset(&opts, 0, sizeof opts);
	pt_error_init(&err);
	opts.html_filter = ui_mailcap_html;
	if ((cfg = cfg_load(cfgpath, &err)) != NULL) {
		if (!cfg_get_bool(cfg, "ui", "html_mailcap"))
			opts.html_filter = NULL;
		cfg_free(&cfg);
	}
	if (width != NULL) {
		unsigned long w;
		char *end;

		errno = 0;
		w = strtoul(width, &end, 10);
		if (errno != 0 || end == width || *end != '\0' ||
		    *width == '-' || w < MIME_WIDTH_MIN || w > MIME_WIDTH_MAX) {
			fprintf(stderr,
			    _("petrel: --width wants a number from %d to %d\n"),
			    MIME_WIDTH_MIN, MIME_WIDTH_MAX);
			return EXIT_USAGE;
		}
		opts.width = (unsigned)w;
	}
	pt_error_init(&err);
	pt_error_init(&warn);
	if (strcmp(path, "-") == 0)
		path = "/dev/stdin";
	if ((msg = pt_file_read(path, 4 * MIME_MAX_SIZE, &len, &err)) == NULL) {
		fprintf(stderr, "petrel: %s\n", err.msg);
		return 1;
	}
	out = mime_render(msg, len, &opts, &outlen, &warn);
	free(msg);
	if (warn.class != PT_OK)
		fprintf(stderr, _("petrel: warning: %s\n"), warn.msg);
	if (fwrite(out, 1, outlen, stdout) != outlen || fflush(stdout) != 0) {
		free(out);
		return 1;
	}
	free(out);
	return 0;
}

/*
 * Loads the configuration.  With wizard set, a missing file on a
 * terminal starts the setup wizard, and the account it writes is used.
 */
static struct cfg *
main_load_config(const char *path, int wizard)
{
	struct pt_error err;
	struct cfg *cfg;

	pt_error_init(&err);
	if ((cfg = cfg_load(path, &err)) != NULL)
		return cfg;
	if (wizard && err.class == PT_E_CONFIG && err.code == ENOENT &&
	    isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		struct pt_secret pw;
		int r;

		pt_secret_init(&pw);
		r = setup_wizard_run(path, &pw, &err);
		if (r == 1)
			exit(0);
		if (r == 0 && (cfg = cfg_load(path, &err)) != NULL) {
			/* The new account is the only one: index 0. */
			if (pw.value != NULL)
				ui_preset_password(0, pw.value);
			pt_secret_release(&pw);
			return cfg;
		}
		pt_secret_release(&pw);
	}
	fprintf(stderr, "petrel: %s\n", err.msg);
	if (err.class == PT_E_CONFIG && err.code == ENOENT)
		fprintf(stderr, "%s\n",
		    _("petrel: run 'petrel setup' in a terminal, or write one "
		      "as described in petrelrc(5)"));
	exit(EXIT_USAGE);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'F'},
	    {"dump-config", no_argument, NULL, 'D'},
	    {"help", no_argument, NULL, 'h'},
	    {"render", required_argument, NULL, 'R'},
	    {"version", no_argument, NULL, 'v'},
	    {"width", required_argument, NULL, 'W'},
	    {NULL, 0, NULL, 0},
	};
	const char *cfgpath = NULL, *render = NULL, *width = NULL;
	int c, dump = 0, status, batch = 0;
	struct cli_send_args send;
	struct pt_error err;
	struct cfg *cfg;

	signal(SIGPIPE, SIG_IGN);
	pt_i18n_init();

	memset(&send, 0, sizeof send);
	send.to = pt_xcalloc((size_t)argc, sizeof *send.to);
	send.cc = pt_xcalloc((size_t)argc, sizeof *send.cc);
	send.bcc = pt_xcalloc((size_t)argc, sizeof *send.bcc);
	send.attach = pt_xcalloc((size_t)argc, sizeof *send.attach);
	while ((c = getopt_long(argc, argv, "+F:hvA:s:c:b:a:H:", longopts,
		    NULL)) != -1) {
		switch (c) {
		case 'A':
			send.account = optarg;
			break;
		case 's':
			send.subject = optarg;
			batch = 1;
			break;
		case 'c':
			send.cc[send.ncc++] = optarg;
			batch = 1;
			break;
		case 'b':
			send.bcc[send.nbcc++] = optarg;
			batch = 1;
			break;
		case 'a':
			send.attach[send.nattach++] = optarg;
			batch = 1;
			break;
		case 'H':
			send.draft = optarg;
			batch = 1;
			break;
		case 'F':
			cfgpath = optarg;
			break;
		case 'D':
			dump = 1;
			break;
		case 'R':
			render = optarg;
			break;
		case 'W':
			width = optarg;
			break;
		case 'h':
			main_usage(stdout);
			status = 0;
			goto done;
		case 'v':
			printf("petrel %s\n", PACKAGE_VERSION);
			status = 0;
			goto done;
		default:
			main_usage(stderr);
			status = EXIT_USAGE;
			goto done;
		}
	}
	argc -= optind;
	argv += optind;
	if (render != NULL) {
		status = main_render(render, width, cfgpath);
		goto done;
	}

	/* Batch sending: mutt's "-a FILE... -- ADDRESS..." too. */
	if (send.nattach > 0) {
		int i;

		for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
			;
		if (i < argc) {
			for (c = 0; c < i; c++)
				send.attach[send.nattach++] = argv[c];
			argc -= i + 1;
			argv += i + 1;
		}
	}
	if (argc > 0 && !dump &&
	    (strchr(argv[0], '@') != NULL ||
		strncasecmp(argv[0], "mailto:", 7) == 0))
		batch = 1;
	if (batch) {
		for (c = 0; c < argc; c++) {
			if (strncasecmp(argv[c], "mailto:", 7) == 0 &&
			    send.mailto == NULL)
				send.mailto = argv[c];
			else
				send.to[send.nto++] = argv[c];
		}
		cfg = main_load_config(cfgpath, 0);
		if (send.mailto != NULL && send.draft == NULL &&
		    isatty(STDIN_FILENO))
			status = cli_mailto_interactive(cfg, &send);
		else
			status = cli_send_main(cfg, &send);
		cfg_free(&cfg);
		goto done;
	}

	if (!dump && argc > 0 && strcmp(argv[0], "setup") == 0) {
		status = setup_main(cfgpath, argc, argv);
		goto done;
	}
	cfg = main_load_config(cfgpath, !dump && argc == 0);
	pt_error_init(&err);
	if (dump) {
		cfg_dump(cfg, stdout);
		status = 0;
	} else if (argc > 0 && strcmp(argv[0], "doctor") == 0) {
		if (argc > 2) {
			main_usage(stderr);
			status = EXIT_USAGE;
		} else
			status = setup_doctor_run(cfg,
			    argc > 1 ? argv[1] : NULL, stdout);
	} else if (argc > 0 && strcmp(argv[0], "outbox") == 0) {
		status = cli_outbox_main(cfg, send.account, argc, argv);
	} else if (argc > 0 && strcmp(argv[0], "query") == 0) {
		status = cli_query_main(cfg, send.account, argc, argv);
	} else if (argc > 0) {
		fprintf(stderr, _("petrel: unknown command '%s'\n"), argv[0]);
		main_usage(stderr);
		status = EXIT_USAGE;
	} else {
		if (pt_log_open(NULL, &err) != 0)
			fprintf(stderr, "petrel: %s\n", err.msg);
		cli_outbox_notice(cfg, stderr);
		if (ui_run(cfg, &err) != 0) {
			fprintf(stderr, "petrel: %s\n", err.msg);
			status = 1;
		} else
			status = 0;
		/* Curses hid the first notice; this one stays. */
		cli_outbox_notice(cfg, stderr);
		pt_log_close();
	}
	cfg_free(&cfg);
done:
	free(send.to);
	free(send.cc);
	free(send.bcc);
	free(send.attach);
	return status;
}
