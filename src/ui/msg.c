/*
 * msg.c: the message line and the log behind it.  Every message and
 * error shown at the bottom is also kept (the last UI_LOG_MAX) for the
 * log screen (show-log-messages), and errors go to the log file.  Text
 * is sanitized here: callers may pass server words as they came.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"

#include "private.h"

static void ui_msg_set(struct ui *, int, const char *, va_list) PT_PRINTF(3, 0);

static void
ui_msg_set(struct ui *ui, int error, const char *fmt, va_list ap)
{
	char *raw = pt_xvasprintf(fmt, ap);

	free(ui->msg);
	ui->msg = pt_sanitize_line(raw, strlen(raw));
	ui->msg_error = error;
	ui_log_add(ui, error, ui->msg);
	if (error)
		pt_log(PT_LOG_WARN, "%s", ui->msg);
	free(raw);
	ui->redraw = 1;
}

void
ui_msg(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ui_msg_set(ui, 0, fmt, ap);
	va_end(ap);
}

void
ui_error(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ui_msg_set(ui, 1, fmt, ap);
	va_end(ap);
}

void
ui_msg_clear(struct ui *ui)
{
	if (ui->msg == NULL)
		return;
	free(ui->msg);
	ui->msg = NULL;
	ui->msg_error = 0;
	ui->redraw = 1;
}

void
ui_log_add(struct ui *ui, int error, const char *text)
{
	struct ui_log_entry *e;

	if (ui->nlog == UI_LOG_MAX) {
		e = &ui->log[ui->logstart];
		free(e->text);
		ui->logstart = (ui->logstart + 1) % UI_LOG_MAX;
		ui->nlog--;
	}
	e = &ui->log[(ui->logstart + ui->nlog) % UI_LOG_MAX];
	e->when = time(NULL);
	e->error = error;
	e->text = pt_sanitize_line(text, strlen(text));
	ui->nlog++;
}

void
ui_log_release(struct ui *ui)
{
	size_t i;

	for (i = 0; i < ui->nlog; i++)
		free(ui->log[(ui->logstart + i) % UI_LOG_MAX].text);
	ui->nlog = ui->logstart = 0;
	free(ui->msg);
	ui->msg = NULL;
}
