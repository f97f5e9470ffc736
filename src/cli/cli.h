/*
 * cli.h: petrel's command-line front ends that print, beside main.c:
 * mutt-style batch sending and the outbox command.  Like main.c, this
 * layer may use every module (tools/check-layers.sh).
 *
 *	src/cli/send.c	petrel -s SUBJECT ... -- ADDRESS... < body,
 *			petrel -H DRAFT (mutt's draft file: To, Cc, Bcc,
 *			Subject, Reply-To, In-Reply-To, References and
 *			Attach fields, an empty line, the text),
 *			petrel mailto:..., petrel outbox [list|send|
 *			discard], the "waiting in the outbox" notice
 *	src/cli/query.c	petrel query [-A ACCOUNT] STRING (the address
 *			book in mutt's query format)
 *
 * Exit statuses: 0 sent (or done), 1 not sent (refused or failed), 2
 * usage or configuration, 75 (EX_TEMPFAIL) not sent for a reason that
 * may pass (network, server busy: try "petrel outbox send" later).  A
 * message that was not sent always stays in the outbox.
 */
#ifndef PETREL_CLI_H
#define PETREL_CLI_H

#include <stdio.h>

#include "petrel/config.h"

#define CLI_EXIT_TEMPFAIL 75

struct cli_send_args {
	const char *account; /* -A, or NULL: the first */
	const char *subject; /* -s */
	char **to, **cc, **bcc, **attach;
	size_t nto, ncc, nbcc, nattach;
	const char *mailto; /* a mailto: URI, or NULL */
	const char *draft;  /* -H: a file of header fields and text */
};

/* Batch mode: builds, queues and sends one message read from stdin. */
int cli_send_main(const struct cfg *, const struct cli_send_args *);
/*
 * petrel mailto:... on a terminal: the link opens in the editor as a
 * draft, then "Send it?" is asked on the terminal.
 */
int cli_mailto_interactive(const struct cfg *, const struct cli_send_args *);
/* petrel outbox [list | send [--force] [ID...] | discard ID...]. */
int cli_outbox_main(const struct cfg *, const char *, int, char **);
/*
 * petrel query [-A ACCOUNT] STRING (argv[0] is "query"): 0 when
 * something matched, 1 when nothing did, 2 on error.
 */
int cli_query_main(const struct cfg *, const char *, int, char **);
/* Prints "N messages waiting in the outbox" when there are some. */
void cli_outbox_notice(const struct cfg *, FILE *);

#endif
