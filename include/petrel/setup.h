/*
 * setup: getting an account working: the first-run wizard with its
 * provider presets and server detection, and the connection doctor.
 *
 *	src/setup/check.c	the connection check, step by step, shared
 *				by the doctor, `petrel setup` and the wizard
 *	src/setup/doctor.c	`petrel doctor [ACCOUNT]`: the check for a
 *				configured account, with config-key fixes
 *	src/setup/cli.c		`petrel setup` on the command line
 *	src/setup/wizard.c	the interactive wizard
 *	src/setup/providers.c	provider presets; with detect.c, dns.c and
 *				autoconfig.c, finding the servers
 *
 * The rest of the folder is declared in src/setup/private.h.  The check
 * is synchronous: it calls imap/, smtp/ and net/ directly instead of
 * going through engine jobs (a recorded deviation from STYLE.md's layer
 * table, since the doctor and `petrel setup` run before and without any
 * UI, and the wizard runs it in a worker thread of its own).
 *
 * Threads: setup_doctor_run and setup_main block on the network; call
 * them from main, never from the UI thread of a running TUI.
 */
#ifndef PETREL_SETUP_H
#define PETREL_SETUP_H

#include <stdio.h>

#include "petrel/config.h"

/*
 * `petrel doctor`: checks the account (account_id NULL: the first one)
 * step by step and prints one line per step to out, "✓ what: detail" or
 * "✗ what" followed by an indented diagnosis and a suggested fix; a
 * server's checks stop at its first failure (the rest are shown as
 * skipped).  IMAP: resolve, TCP connect, STARTTLS (starttls only), TLS
 * handshake and certificate, capabilities, login, open INBOX.  SMTP:
 * resolve, TCP connect, EHLO, STARTTLS and TLS (or TLS then EHLO), AUTH;
 * no mail is sent.  The password comes from the config or its
 * password_command, else it is asked on the terminal without echo when
 * standard input is one.  A password is never printed.
 *
 * Returns the process exit status: 0 when every check passed, 1 when
 * any failed, 2 for a configuration or usage problem (no such account,
 * no password available).
 */
int setup_doctor_run(const struct cfg *, const char *, FILE *);

/* setup wizard (begin): src/setup/cli.c, src/setup/wizard.c */

/*
 * `petrel setup [OPTIONS]` (argv[0] is "setup"): with --email and
 * --name, detects, tests and writes an account without questions; with
 * --show ACCOUNT, prints an account's settings for another mail program;
 * with neither, on a terminal, runs the interactive wizard.  path is the
 * config file (NULL: $XDG_CONFIG_HOME/petrel/config).  Prints its own
 * messages; returns the exit status (0 only when an account was written
 * or shown, 1 when a test failed, 2 for a usage problem).  Blocks on the
 * network: call it from main before any UI runs.
 */
int setup_main(const char *, int, char **);

/*
 * The interactive first-run wizard (ncurses, 80x24, keyboard only):
 * asks name, address and password, detects and shows the settings,
 * tests them, and adds the account to the config file at path (NULL:
 * the default).  Returns 0 when an account was written, 1 when the user
 * left without writing one, -1 with err set when the terminal could not
 * be used.  The terminal is restored on every return.  Main thread only.
 * When pw is not NULL and an account was written, it gets the password
 * the user typed, so that the mail screen need not ask for it again
 * (the caller releases it).
 */
int setup_wizard_run(const char *, struct pt_secret *, struct pt_error *);

/* setup wizard (end) */

#endif
