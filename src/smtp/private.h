/*
 * Declarations shared by the files of src/smtp only.
 */
#ifndef PETREL_SMTP_PRIVATE_H
#define PETREL_SMTP_PRIVATE_H

#include <libetpan/libetpan.h>

#include "petrel/net.h"
#include "petrel/smtp.h"

/*
 * Exported by Debian's libetpan 1.9.4 but not declared in its headers
 * (LIBETPAN.md section 4).  _private keeps the line out of libetpan's
 * protocol log.  mailsmtp_read_response returns the reply code, 0 on a
 * stream error; the text is then in smtp->response.
 */
int mailsmtp_send_command(mailsmtp *, char *);
int mailsmtp_send_command_private(mailsmtp *, char *);
int mailsmtp_read_response(mailsmtp *);
int mailesmtp_parse_ehlo(mailsmtp *);

struct smtp_session {
	mailsmtp *smtp;
	struct net_link link;
	char ehlo_name[300];
	int greeted;
	int ehlo_done; /* EHLO on the current transport */
	int starttls_done;
	int broken;
	char exts[256];
	char mech[16];
	int xoauth2;      /* EHLO offered AUTH XOAUTH2 (libetpan has no bit) */
	const char *user; /* during an XOAUTH2 login */
};

/* The server's last reply text, one sanitized line (the caller frees). */
char *smtp_reply_text(struct smtp_session *);
/* Maps a failed SMTP reply code for the step `what`; returns -1. */
int smtp_reply_error(struct smtp_session *, int, const char *,
    struct pt_error *);

#endif
