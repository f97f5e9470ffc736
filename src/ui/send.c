/*
 * send.c: what becomes of a draft after the compose screen: sending,
 * postponing, and recalling a postponed message.
 *
 * Sending runs "petrel -F CONFIG -A ACCOUNT -H DRAFT" in a detached
 * child process (src/cli/send.c), so the interface never waits on the
 * network: it writes the message to the outbox (fsync) before talking
 * to the server, copies it to Sent, and whatever fails leaves it in the
 * outbox ("petrel outbox", and the notice when petrel starts).  The
 * draft is removed once the message is in the outbox, and kept when it
 * could not even be queued (a bad address), with the reason beside it
 * in DRAFT.log.
 *
 * Postponing keeps the draft file in $XDG_DATA_HOME/petrel/<account>/
 * drafts/; recalling opens the newest one there again (compose.c's
 * ui_compose_resume).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"

#include "private.h"

const char *
ui_acct_id(struct ui *ui, size_t account)
{
	const struct cfg_account *a = cfg_account_at(ui->cfg, account);

	return a != NULL ? a->id : "";
}

char *
ui_drafts_dir(struct ui *ui, size_t account)
{
	char *rest, *dir;

	rest = pt_xasprintf("%s/drafts", ui_acct_id(ui, account));
	dir = pt_xdg_path(PT_XDG_DATA, rest);
	free(rest);
	return dir;
}

/*
 * Sends in a detached grandchild: petrel -H DRAFT; the draft goes once
 * the message is in the outbox (any status but 2).
 */
void
ui_send_draft(struct ui *ui, size_t account, const char *draft)
{
	static const char script[] =
	    "\"$0\" ${1:+-F \"$1\"} -A \"$2\" -H \"$3\" </dev/null "
	    ">\"$3.log\" 2>&1; rc=$?; "
	    "if [ $rc -ne 2 ]; then rm -f \"$3\"; fi; "
	    "if [ $rc -eq 0 ]; then rm -f \"$3.log\"; fi";
	const char *cfgp = cfg_path(ui->cfg);
	char self[4096];
	ssize_t n;
	pid_t pid;

	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		ui_error(ui, "%s",
		    _("Cannot find the petrel program to send."));
		return;
	}
	self[n] = '\0';
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* The grandchild is adopted by init: no zombie here. */
		if (fork() == 0) {
			int fd = open("/dev/null", O_RDWR);

			(void)setsid();
			if (fd >= 0) {
				dup2(fd, 0);
				dup2(fd, 1);
				dup2(fd, 2);
			}
			execl("/bin/sh", "sh", "-c", script, self,
			    cfgp != NULL ? cfgp : "", ui_acct_id(ui, account),
			    draft, (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	if (pid < 0) {
		ui_error(ui, _("Cannot start sending: %s"), strerror(errno));
		return;
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	ui_msg(ui, "%s",
	    _("Sending in the background; if it fails, the message waits in "
	      "the outbox (petrel outbox)."));
}

void
ui_postpone_draft(struct ui *ui, size_t account, const char *draft)
{
	(void)account;
	ui_msg(ui, _("Postponed: the draft is kept in %s (R recalls it)."),
	    draft);
}

/* Resumes the newest draft left on disk. */
void
ui_recall(struct ui *ui, size_t account)
{
	char *dir = ui_drafts_dir(ui, account), *best = NULL;
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d != NULL && (de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0 &&
		    (best == NULL || strcmp(de->d_name, best) > 0)) {
			free(best);
			best = pt_xstrdup(de->d_name);
		}
	}
	if (d != NULL)
		closedir(d);
	if (best == NULL)
		ui_msg(ui, "%s", _("No postponed messages."));
	else {
		char *path = pt_xasprintf("%s/%s", dir, best);

		ui_compose_resume(ui, account, path);
		free(path);
	}
	free(best);
	free(dir);
}
