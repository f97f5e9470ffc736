/*
 * cli.c: `petrel setup` from the command line, for scripts and tests,
 * and `petrel setup --show ACCOUNT`.
 *
 *	petrel setup --email ADDR --name NAME [--password-command CMD]
 *	    [--username USER] [--imap HOST[:PORT[:tls|starttls]]]
 *	    [--smtp HOST[:PORT[:tls|starttls]]] [--ca-file F]
 *	    [--account ID] [--connect-timeout SECONDS] [--no-test]
 *
 * detects the servers (unless both --imap and --smtp are given), tests
 * them for real as `petrel doctor` does (one line per step), and adds
 * the account to the config file atomically with mode 0600, leaving the
 * other accounts alone.  A blocked port or the wrong security type is
 * answered by probing the usual alternative: detected settings then
 * move to the one that works (and say why); settings given on the
 * command line are kept, and the working alternative is suggested.
 * Exit status: 0 only when the account was written.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/net.h"
#include "petrel/setup.h"

#include "private.h"

#define SETUP_ARROW "\u2192" /* → */

#define EXIT_SETUP_USAGE 2

struct cli {
	const char *path; /* the config file */
	const char *name;
	const char *email;
	const char *username;
	const char *password_command;
	const char *oauth_token_command;
	const char *imap_opt;
	const char *smtp_opt;
	const char *ca_file;
	const char *account;
	int connect_timeout; /* seconds, 0: default */
	int no_test;
	struct setup_settings st;
	struct setup_providers ps;
	FILE *out;
};

static void cli_usage(FILE *);
static int cli_server_parse(const char *, struct setup_server *,
    struct pt_error *);
static void cli_line(void *, const struct setup_line *);
static void cli_say(void *, const char *);
static int cli_password(struct cli *, struct pt_secret *);
static int cli_test(struct cli *, const struct pt_secret *);
static int cli_test_one(struct cli *, struct setup_check_params *,
    enum net_proto, int);
static int cli_write(struct cli *, struct pt_error *);
static int cli_show(const char *, const char *, FILE *);
static void cli_print_settings(struct cli *);

static void
cli_usage(FILE *f)
{
	fprintf(f, "%s",
	    _("usage: petrel [-F FILE] setup\n"
	      "       petrel [-F FILE] setup --email ADDR --name NAME "
	      "[OPTIONS]\n"
	      "       petrel [-F FILE] setup --show ACCOUNT\n"
	      "\n"
	      "Without options on a terminal, the setup wizard starts.\n"
	      "\n"
	      "Options:\n"
	      "  --email ADDR              the email address\n"
	      "  --name NAME               your name, as others see it\n"
	      "  --password-command CMD    a command printing the password\n"
	      "                            (else it is asked on the "
	      "terminal)\n"
	      "  --oauth-token-command CMD a command printing an OAuth2 "
	      "access token:\n"
	      "                            log in with XOAUTH2 instead of a "
	      "password\n"
	      "  --username USER           the login name (default: the "
	      "address)\n"
	      "  --imap HOST[:PORT[:SEC]]  the IMAP server (SEC: tls or "
	      "starttls)\n"
	      "  --smtp HOST[:PORT[:SEC]]  the SMTP server\n"
	      "  --ca-file FILE            also trust this CA certificate\n"
	      "  --account ID              the account's name in the "
	      "config\n"
	      "  --connect-timeout SECS    how long to wait for a server\n"
	      "  --no-test                 write the settings without "
	      "testing\n"
	      "  --show ACCOUNT            print an account's settings for "
	      "another\n"
	      "                            mail program or a phone\n"));
}

/* HOST[:PORT[:tls|starttls]]; the port gives the usual security. */
static int
cli_server_parse(const char *spec, struct setup_server *srv,
    struct pt_error *err)
{
	char buf[SETUP_HOST_MAX + 32], *port, *sec;
	int s;

	if (pt_strlcpy(buf, spec, sizeof buf) >= sizeof buf)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("'%s' is too long for a server"), spec);
	if ((port = strchr(buf, ':')) != NULL)
		*port++ = '\0';
	if (port != NULL && (sec = strchr(port, ':')) != NULL)
		*sec++ = '\0';
	else
		sec = NULL;
	setup_lower(buf);
	if (!setup_host_valid(buf))
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("'%s' is not a host name (want HOST:PORT:tls or "
		      "HOST:PORT:starttls)"),
		    spec);
	srv->port = srv->port > 0 ? srv->port : 993;
	if (port != NULL) {
		char *end;
		long n;

		errno = 0;
		n = strtol(port, &end, 10);
		if (errno != 0 || *end != '\0' || n < 1 || n > 65535)
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("'%s': the port must be a number from 1 to "
			      "65535"),
			    spec);
		srv->port = (int)n;
		if ((s = setup_port_security(srv->port)) >= 0)
			srv->security = (enum cfg_security)s;
	}
	if (sec != NULL) {
		if ((s = setup_security_parse(sec)) < 0)
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("'%s': the security must be tls or starttls"),
			    spec);
		srv->security = (enum cfg_security)s;
	}
	pt_strlcpy(srv->host, buf, sizeof srv->host);
	return 0;
}

static void
cli_line(void *arg, const struct setup_line *l)
{
	struct cli *c = arg;

	setup_line_print(c->out, l);
}

static void
cli_say(void *arg, const char *text)
{
	struct cli *c = arg;

	fprintf(c->out, "  %s %s\n", SETUP_ARROW, text);
	fflush(c->out);
}

/* The password for the test: 0, or -1 with a message printed. */
static int
cli_password(struct cli *c, struct pt_secret *pw)
{
	struct cfg_account acct;
	struct pt_error err;
	char prompt[256];

	if (c->password_command != NULL || c->oauth_token_command != NULL) {
		memset(&acct, 0, sizeof acct);
		acct.id = "setup";
		acct.email = c->email;
		acct.password_command = c->password_command;
		acct.oauth_token_command = c->oauth_token_command;
		acct.read_timeout = NET_READ_TIMEOUT_DEFAULT;
		pt_error_init(&err);
		if (cfg_account_password(&acct, pw, &err) != 0) {
			fprintf(stderr, "petrel setup: %s\n", err.msg);
			return -1;
		}
		return 0;
	}
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "%s\n",
		    _("petrel setup: no password to test with: give "
		      "--password-command, run it in a terminal, or use "
		      "--no-test"));
		return -1;
	}
	snprintf(prompt, sizeof prompt, _("Password for %s: "), c->st.username);
	if (setup_ask_password(prompt, pw) != 0) {
		fprintf(stderr, "%s\n", _("petrel setup: no password given"));
		return -1;
	}
	return 0;
}

/*
 * Tests one server, with one fallback.  explicit: the user chose these
 * settings (then an alternative is only suggested).  0 or -1.
 */
static int
cli_test_one(struct cli *c, struct setup_check_params *cp, enum net_proto proto,
    int explicit)
{
	struct setup_server *srv =
	    proto == NET_PROTO_SMTP ? &c->st.smtp : &c->st.imap;
	struct setup_check_result r;
	struct setup_server alt;
	char why[512];

	if (setup_check_server(cp, proto, srv, &r) == 0)
		return 0;
	if (!r.login_failed && setup_check_fallback(cp, proto, srv, &r.err,
				   &alt, why, sizeof why) == 0) {
		cli_say(c, why);
		if (explicit) {
			fprintf(c->out, "  %s ", SETUP_ARROW);
			fprintf(c->out, _("To use it: --%s %s:%d:%s"),
			    proto == NET_PROTO_SMTP ? "smtp" : "imap", alt.host,
			    alt.port, cfg_security_name(alt.security));
			fputc('\n', c->out);
			return -1;
		}
		cli_say(c, _("Using it instead."));
		fputc('\n', c->out);
		*srv = alt;
		if (setup_check_server(cp, proto, srv, &r) == 0)
			return 0;
	}
	if (r.err.code == NET_ERR_CERT)
		setup_cert_print(c->out, &r.cert);
	setup_check_advice(proto, &c->st, &r, cli_say, c);
	return -1;
}

static int
cli_test(struct cli *c, const struct pt_secret *pw)
{
	struct setup_check_params cp;

	memset(&cp, 0, sizeof cp);
	cp.email = c->st.email;
	cp.username = c->st.username;
	cp.pw = pw;
	cp.oauth_token_command = c->oauth_token_command;
	cp.ca_file = c->ca_file;
	cp.connect_timeout_ms = c->connect_timeout * 1000;
	cp.line = cli_line;
	cp.arg = c;
	if (cli_test_one(c, &cp, NET_PROTO_IMAP, c->imap_opt != NULL) != 0)
		return -1;
	fputc('\n', c->out);
	if (cli_test_one(c, &cp, NET_PROTO_SMTP, c->smtp_opt != NULL) != 0)
		return -1;
	fputc('\n', c->out);
	return 0;
}

static int
cli_write(struct cli *c, struct pt_error *err)
{
	struct setup_account a;
	char *id;

	memset(&a, 0, sizeof a);
	a.id = c->account;
	a.name = c->name;
	a.st = &c->st;
	a.password_command = c->password_command;
	a.oauth_token_command = c->oauth_token_command;
	a.ca_file = c->ca_file;
	a.connect_timeout = c->connect_timeout;
	if ((id = setup_account_write(c->path, &a, err)) == NULL)
		return -1;
	fprintf(c->out, _("Wrote account '%s' to %s.\n"), id, c->path);
	free(id);
	return 0;
}

static void
cli_print_settings(struct cli *c)
{
	const struct setup_provider *p = c->st.provider;

	if (c->st.source_detail[0] != '\0')
		fprintf(c->out, _("Settings from %s: %s\n"),
		    setup_source_name(c->st.source), c->st.source_detail);
	else
		fprintf(c->out, _("Settings from %s\n"),
		    setup_source_name(c->st.source));
	fprintf(c->out, _("  incoming (IMAP): %s port %d, %s\n"),
	    c->st.imap.host, c->st.imap.port,
	    setup_security_label(c->st.imap.security));
	fprintf(c->out, _("  outgoing (SMTP): %s port %d, %s\n"),
	    c->st.smtp.host, c->st.smtp.port,
	    setup_security_label(c->st.smtp.security));
	fprintf(c->out, _("  user name:       %s\n"), c->st.username);
	if (p != NULL)
		setup_provider_notes(p, cli_say, c);
	fputc('\n', c->out);
}

static int
cli_show(const char *path, const char *id, FILE *out)
{
	const struct cfg_account *a;
	struct pt_error err;
	struct cfg *cfg;
	const char *user;

	pt_error_init(&err);
	if ((cfg = cfg_load(path, &err)) == NULL) {
		fprintf(stderr, "petrel setup: %s\n", err.msg);
		return EXIT_SETUP_USAGE;
	}
	if ((a = cfg_account_find(cfg, id)) == NULL) {
		fprintf(stderr, _("petrel setup: no account '%s' in %s\n"), id,
		    cfg_path(cfg));
		cfg_free(&cfg);
		return EXIT_SETUP_USAGE;
	}
	user = a->username != NULL ? a->username : a->email;
	fprintf(out, _("Account '%s': %s <%s>\n"), a->id,
	    a->name != NULL ? a->name : "", a->email);
	fprintf(out, "%s\n",
	    _("To read this mail in another program or on a phone, choose "
	      "IMAP and enter:"));
	fprintf(out, "\n%s\n", _("Incoming mail (IMAP)"));
	fprintf(out, _("  server:    %s\n"), a->imap.host);
	fprintf(out, _("  port:      %d\n"), a->imap.port);
	fprintf(out, _("  security:  %s\n"),
	    setup_security_label(a->imap.security));
	fprintf(out, _("  user name: %s\n"), user);
	fprintf(out, "\n%s\n", _("Outgoing mail (SMTP)"));
	fprintf(out, _("  server:    %s\n"), a->smtp.host);
	fprintf(out, _("  port:      %d\n"), a->smtp.port);
	fprintf(out, _("  security:  %s\n"),
	    setup_security_label(a->smtp.security));
	if (a->oauth_token_command != NULL)
		fprintf(out, "%s\n",
		    _("  authentication: yes (OAuth2, XOAUTH2), the same user "
		      "name"));
	else
		fprintf(out, "%s\n",
		    _("  authentication: yes (password), the same user name"));
	fprintf(out, _("  user name: %s\n"), user);
	if (a->oauth_token_command != NULL)
		fprintf(out,
		    _("\nLogin: OAuth2 (XOAUTH2) for IMAP and SMTP; petrel "
		      "gets each access token from oauth_token_command "
		      "(%s). Another program needs its own OAuth2 sign-in "
		      "(or an app password).\n"),
		    a->oauth_token_command);
	else
		fprintf(out, "\n%s\n",
		    _("Password: your email password (petrel does not show "
		      "it)."));
	cfg_free(&cfg);
	return 0;
}

int
setup_main(const char *path, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"email", required_argument, NULL, 'e'},
	    {"name", required_argument, NULL, 'n'},
	    {"username", required_argument, NULL, 'u'},
	    {"password-command", required_argument, NULL, 'p'},
	    {"oauth-token-command", required_argument, NULL, 'o'},
	    {"imap", required_argument, NULL, 'i'},
	    {"smtp", required_argument, NULL, 's'},
	    {"ca-file", required_argument, NULL, 'c'},
	    {"account", required_argument, NULL, 'a'},
	    {"connect-timeout", required_argument, NULL, 't'},
	    {"no-test", no_argument, NULL, 'N'},
	    {"show", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct setup_detect_opts o;
	struct pt_secret pw;
	struct pt_error err;
	struct setup_server imap, smtp;
	struct cli c;
	const char *show = NULL;
	char *defpath = NULL, *end;
	int ch, status = 1;
	long n;

	memset(&c, 0, sizeof c);
	c.out = stdout;
	memset(&imap, 0, sizeof imap);
	memset(&smtp, 0, sizeof smtp);
	imap.security = CFG_SEC_TLS;
	smtp.port = 587;
	smtp.security = CFG_SEC_STARTTLS;
	pt_error_init(&err);
	optind = 0; /* glibc: start over, argv[0] is "setup" */
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			c.email = optarg;
			break;
		case 'n':
			c.name = optarg;
			break;
		case 'u':
			c.username = optarg;
			break;
		case 'p':
			c.password_command = optarg;
			break;
		case 'o':
			c.oauth_token_command = optarg;
			break;
		case 'i':
			c.imap_opt = optarg;
			break;
		case 's':
			c.smtp_opt = optarg;
			break;
		case 'c':
			c.ca_file = optarg;
			break;
		case 'a':
			c.account = optarg;
			break;
		case 't':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || n < 1 || n > 600) {
				fprintf(stderr, "%s\n",
				    _("petrel setup: --connect-timeout takes "
				      "seconds, from 1 to 600"));
				return EXIT_SETUP_USAGE;
			}
			c.connect_timeout = (int)n;
			break;
		case 'N':
			c.no_test = 1;
			break;
		case 'S':
			show = optarg;
			break;
		case 'h':
			cli_usage(stdout);
			return 0;
		default:
			cli_usage(stderr);
			return EXIT_SETUP_USAGE;
		}
	}
	if (optind != argc) {
		cli_usage(stderr);
		return EXIT_SETUP_USAGE;
	}
	if (path == NULL)
		path = defpath = pt_xdg_path(PT_XDG_CONFIG, "config");
	c.path = path;
	if (show != NULL) {
		status = cli_show(path, show, stdout);
		free(defpath);
		return status;
	}
	if (c.email == NULL && c.name == NULL && isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO)) {
		status = setup_wizard_run(path, NULL, &err);
		if (status < 0) {
			fprintf(stderr, "petrel setup: %s\n", err.msg);
			status = 1;
		}
		free(defpath);
		return status;
	}
	if (c.email == NULL || c.name == NULL || *c.name == '\0') {
		fprintf(stderr, "%s\n",
		    _("petrel setup: --email and --name are needed (or run "
		      "petrel setup in a terminal for the wizard)"));
		free(defpath);
		return EXIT_SETUP_USAGE;
	}
	if (c.password_command != NULL && c.oauth_token_command != NULL) {
		fprintf(stderr, "%s\n",
		    _("petrel setup: give --password-command or "
		      "--oauth-token-command, not both"));
		free(defpath);
		return EXIT_SETUP_USAGE;
	}
	if (!setup_email_valid(c.email)) {
		fprintf(stderr,
		    _("petrel setup: '%s' is not an email address (it should "
		      "look like name@example.com)\n"),
		    c.email);
		free(defpath);
		return EXIT_SETUP_USAGE;
	}
	if ((c.imap_opt != NULL &&
		cli_server_parse(c.imap_opt, &imap, &err) != 0) ||
	    (c.smtp_opt != NULL &&
		cli_server_parse(c.smtp_opt, &smtp, &err) != 0)) {
		fprintf(stderr, "petrel setup: %s\n", err.msg);
		free(defpath);
		return EXIT_SETUP_USAGE;
	}

	setup_providers_init(&c.ps);
	if (setup_providers_load(&c.ps, &err) != 0)
		fprintf(stderr, _("petrel setup: warning: %s\n"), err.msg);
	fprintf(c.out, _("Setting up %s\n"), c.email);
	if (c.imap_opt != NULL && c.smtp_opt != NULL) {
		setup_settings_init(&c.st, c.email);
		c.st.source = SETUP_SOURCE_OPTIONS;
	} else {
		memset(&o, 0, sizeof o);
		o.ca_file = c.ca_file;
		(void)setup_detect(c.email, &c.ps, &o, &c.st, &err);
		if (c.st.source == SETUP_SOURCE_MANUAL &&
		    (c.imap_opt == NULL || c.smtp_opt == NULL)) {
			cli_print_settings(&c);
			fprintf(stderr,
			    _("petrel setup: petrel knows no settings to use "
			      "for %s: give both --imap and --smtp\n"),
			    setup_email_domain(c.email));
			goto done;
		}
	}
	if (c.imap_opt != NULL)
		c.st.imap = imap;
	if (c.smtp_opt != NULL)
		c.st.smtp = smtp;
	if (c.username != NULL)
		pt_strlcpy(c.st.username, c.username, sizeof c.st.username);
	cli_print_settings(&c);

	if (!c.no_test) {
		pt_secret_init(&pw);
		if (cli_password(&c, &pw) != 0) {
			pt_secret_release(&pw);
			status = EXIT_SETUP_USAGE;
			goto done;
		}
		if (cli_test(&c, &pw) != 0) {
			pt_secret_release(&pw);
			fprintf(c.out, "%s\n",
			    _("The account was not written: fix the problem "
			      "above and run petrel setup again."));
			goto done;
		}
		pt_secret_release(&pw);
	}
	if (cli_write(&c, &err) != 0) {
		fprintf(stderr, "petrel setup: %s\n", err.msg);
		goto done;
	}
	status = 0;
done:
	setup_providers_release(&c.ps);
	free(defpath);
	return status;
}
