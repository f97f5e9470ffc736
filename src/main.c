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
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/setup.h"
#include "petrel/ui.h"

#define EXIT_USAGE 2

static void main_usage(FILE *);
static struct cfg *main_load_config(const char *, int);

static void
main_usage(FILE *f)
{
	fprintf(f, _("usage: petrel [-F FILE] [COMMAND]\n"
		     "       petrel [-F FILE] --dump-config\n"
		     "\n"
		     "Commands:\n"
		     "  (none)            open the mail interface\n"
		     "  doctor [ACCOUNT]  check the connection to an account's "
		     "servers\n"
		     "  setup [OPTIONS]   add an account (petrel setup --help)\n"
		     "\n"
		     "Options:\n"
		     "  -F, --config FILE  use FILE instead of "
		     "~/.config/petrel/config\n"
		     "      --dump-config  print every setting and exit\n"
		     "  -h, --help         print this help and exit\n"
		     "  -v, --version      print the version and exit\n"
		     "\n"
		     "See petrel(1) and petrelrc(5).\n"));
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
	int r;

	pt_error_init(&err);
	if ((cfg = cfg_load(path, &err)) != NULL)
		return cfg;
	if (wizard && err.class == PT_E_CONFIG && err.code == ENOENT &&
	    isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		if ((r = setup_wizard_run(path, &err)) == 1)
			exit(0);
		if (r == 0 && (cfg = cfg_load(path, &err)) != NULL)
			return cfg;
	}
	fprintf(stderr, "petrel: %s\n", err.msg);
	if (err.class == PT_E_CONFIG && err.code == ENOENT)
		fprintf(stderr, "%s\n",
		    _("petrel: write one as described in petrelrc(5)"));
	exit(EXIT_USAGE);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'F'},
	    {"dump-config", no_argument, NULL, 'D'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'v'},
	    {NULL, 0, NULL, 0},
	};
	const char *cfgpath = NULL;
	int c, dump = 0, status;
	struct pt_error err;
	struct cfg *cfg;

	signal(SIGPIPE, SIG_IGN);
	pt_i18n_init();

	while ((c = getopt_long(argc, argv, "+F:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			cfgpath = optarg;
			break;
		case 'D':
			dump = 1;
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		case 'v':
			printf("petrel %s\n", PACKAGE_VERSION);
			return 0;
		default:
			main_usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (!dump && argc > 0 && strcmp(argv[0], "setup") == 0)
		return setup_main(cfgpath, argc, argv);
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
	} else if (argc > 0) {
		fprintf(stderr, _("petrel: unknown command '%s'\n"), argv[0]);
		main_usage(stderr);
		status = EXIT_USAGE;
	} else {
		if (pt_log_open(NULL, &err) != 0)
			fprintf(stderr, "petrel: %s\n", err.msg);
		if (ui_run(cfg, &err) != 0) {
			fprintf(stderr, "petrel: %s\n", err.msg);
			status = 1;
		} else
			status = 0;
		pt_log_close();
	}
	cfg_free(&cfg);
	return status;
}
