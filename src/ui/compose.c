/*
 * compose.c: writing mail.  The compose module (editor, MIME building,
 * the outbox and SMTP) plugs in here: ui_compose_start is called with
 * the function the user chose (mail, reply, group-reply, list-reply,
 * forward, recall-message) and the UIDs of the messages concerned (the
 * cursor's, or the tagged ones), in the open folder ui->folder.
 */
#include "config.h"

#include "petrel/core.h"

#include "private.h"

void
ui_compose_start(struct ui *ui, enum ui_op op, const uint32_t *uids, size_t n)
{
	(void)op;
	(void)uids;
	(void)n;
	ui_error(ui, "%s",
	    _("Writing mail is not available in this version yet."));
}
