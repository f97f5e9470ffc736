/*
 * petrel-engine-tool: drives the engine (include/petrel/engine.h) the
 * way the UI does, for shell tests and benchmarks.  Not installed.
 *
 *	petrel-engine-tool -F CONFIG [-C CACHE_DIR] [-n] [-I] [-P SECS]
 *	    [-b MS] [-a ACCOUNT] [-p PASSWORD] [-T once|always|reject]
 *	    COMMAND...
 *
 *	-n no cache, -I no IDLE (NOOP polling every -P seconds), -b the
 *	first reconnect delay; -p answers password questions; -T answers
 *	certificate questions (default: reject).
 *
 * Commands run one after the other; each submits a job and waits (at
 * most 60 s) for its final event, printing one line per event:
 *
 *	EV <kind> job=<id> [folder=<name>] <details> t=<ms since start>
 *
 * Commands:
 *	connect | folders | check | close
 *	status FOLDER
 *	open FOLDER [ROWS]           (also "open-bg": return at the first
 *	                              index batch, the rest keeps coming)
 *	fetch FOLDER UID [PART [PATH]] | structure FOLDER UID
 *	save FOLDER UID PART PATH ENCODING  (the part decoded into PATH)
 *	read FOLDER UID [WIDTH]      (as the pager reads a big message:
 *	                              structure, the parts the rendering
 *	                              needs, or the whole message when the
 *	                              structure fails; prints the text
 *	                              between TEXT-BEGIN and TEXT-END)
 *	read-whole FOLDER UID [WIDTH] (the same from the whole message)
 *	flags FOLDER +FLAGS|-FLAGS UID,UID,...   (FLAGS: S A F D, e.g. +SF)
 *	copy|move FOLDER TARGET UID,...   expunge FOLDER [UID,...]
 *	append FOLDER FILE [FLAGS]   search FOLDER TEXT [WHERE]
 *	send DRAFT | send-id OUTBOX_ID [partial|force] | postpone DRAFT
 *	summaries FOLDER UID,...     (one INDEX of any folder)
 *	recall FILE DIR              (eng_draft_from_message; prints
 *	                              "RECALL <draft path>")
 *	create|delete|subscribe|unsubscribe FOLDER   rename FOLDER NEW
 *	cancel-after MS              (cancels the next job after MS)
 *	cancel                       (cancels the last job, waits for its end)
 *	nowait                       (the next job is not waited for)
 *	wait EVENT SECS              (waits for an event of that kind)
 *	settle SECS                  (waits until no change waits for the
 *	                              server: a "pending" event with 0)
 *	drain MS                     (prints events for MS)
 *	sleep MS | model | dump      (model: the index the tool holds)
 *	sh COMMAND                   (runs COMMAND with /bin/sh, waits)
 *
 * Exit status: 0 when every job ended in DONE, 1 otherwise, 2 usage.
 */
#include "config.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/mime.h"

/* The index as the UI would hold it: UID -> flags, subject. */
struct tool_msg {
	uint32_t uid;
	uint32_t flags;
	char *subject;
	char *from;
	size_t seq; /* order of arrival, while sorting */
};

static struct eng *tool_eng;
static long long tool_t0;
static const char *tool_pw;
static enum eng_trust tool_trust = ENG_TRUST_REJECT;
static struct tool_msg *tool_model;
static size_t tool_nmodel, tool_capmodel;
static size_t tool_dups; /* a UID added twice without a reset */
static uint32_t tool_uidvalidity;
static int tool_failed;
static long long tool_cancel_after = -1;
static int tool_first_batch_only;
static size_t tool_account;
static uint64_t tool_last_id;
static int tool_nowait;
/* read: the structure or body the last job sent, moved out of its event. */
static int tool_capture;
static struct eng_structure *tool_st;
static struct eng_body *tool_body;

static long long
tool_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - tool_t0;
}

static int
tool_cmp(const void *a, const void *b)
{
	const struct tool_msg *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
tool_uid_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct tool_msg *)a)->uid;
	uint32_t y = ((const struct tool_msg *)b)->uid;

	return x < y ? -1 : x > y;
}

static struct tool_msg *
tool_find(uint32_t uid)
{
	struct tool_msg key;

	key.uid = uid;
	if (tool_nmodel == 0)
		return NULL;
	return bsearch(&key, tool_model, tool_nmodel, sizeof key, tool_uid_cmp);
}

static void
tool_model_reset(void)
{
	size_t i;

	for (i = 0; i < tool_nmodel; i++) {
		free(tool_model[i].subject);
		free(tool_model[i].from);
	}
	tool_nmodel = 0;
	tool_dups = 0;
}

static void
tool_model_index(const struct eng_index *ix)
{
	size_t i, k;

	if (ix->reset) {
		tool_model_reset();
		tool_uidvalidity = ix->uidvalidity;
	}
	for (i = 0; i < ix->n; i++) {
		const struct eng_msg *m = &ix->msgs[i];
		struct tool_msg *t;

		if (tool_nmodel == tool_capmodel) {
			tool_capmodel =
			    tool_capmodel ? 2 * tool_capmodel : 1024;
			tool_model = pt_xreallocarray(tool_model, tool_capmodel,
			    sizeof *tool_model);
		}
		t = &tool_model[tool_nmodel++];
		t->uid = m->uid;
		t->flags = m->flags;
		t->subject = pt_xstrdup(eng_msg_str(ix, m, ENG_SUBJECT));
		t->from = pt_xstrdup(eng_msg_str(ix, m, ENG_FROM_ADDR));
	}
	/* Stable: of equal UIDs the one added last comes last. */
	for (i = 0; i < tool_nmodel; i++)
		tool_model[i].seq = i;
	if (tool_nmodel > 1)
		qsort(tool_model, tool_nmodel, sizeof *tool_model, tool_cmp);
	for (i = k = 0; i < tool_nmodel; i++) {
		if (k > 0 && tool_model[k - 1].uid == tool_model[i].uid) {
			if (!ix->from_cache)
				tool_dups++;
			free(tool_model[k - 1].subject);
			free(tool_model[k - 1].from);
			tool_model[k - 1] = tool_model[i];
			continue;
		}
		tool_model[k++] = tool_model[i];
	}
	tool_nmodel = k;
}

static void
tool_model_remove(const uint32_t *v, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < tool_nmodel; i++) {
		uint32_t uid = tool_model[i].uid;
		size_t j;
		int gone = 0;

		for (j = 0; j < n; j++)
			if (v[j] == uid)
				gone = 1;
		if (gone) {
			free(tool_model[i].subject);
			free(tool_model[i].from);
			continue;
		}
		tool_model[k++] = tool_model[i];
	}
	tool_nmodel = k;
}

static void
tool_flags_str(uint32_t f, char out[16])
{
	size_t k = 0;

	if (f & ENG_F_SEEN)
		out[k++] = 'S';
	if (f & ENG_F_ANSWERED)
		out[k++] = 'A';
	if (f & ENG_F_FLAGGED)
		out[k++] = 'F';
	if (f & ENG_F_DELETED)
		out[k++] = 'D';
	if (f & ENG_F_DRAFT)
		out[k++] = 'd';
	if (f & ENG_F_ATTACH)
		out[k++] = '@';
	if (k == 0)
		out[k++] = '-';
	out[k] = '\0';
}

static uint32_t
tool_parse_flags(const char *s)
{
	uint32_t f = 0;

	for (; *s != '\0'; s++)
		switch (*s) {
		case 'S':
			f |= ENG_F_SEEN;
			break;
		case 'A':
			f |= ENG_F_ANSWERED;
			break;
		case 'F':
			f |= ENG_F_FLAGGED;
			break;
		case 'D':
			f |= ENG_F_DELETED;
			break;
		case 'd':
			f |= ENG_F_DRAFT;
			break;
		default:
			break;
		}
	return f;
}

static size_t
tool_parse_uids(const char *s, uint32_t **vp)
{
	uint32_t *v = NULL;
	size_t n = 0;
	char *end;

	while (*s != '\0') {
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s)
			break;
		s = end;
		if (*s == ':') {
			b = strtoul(s + 1, &end, 10);
			s = end;
		}
		for (; a <= b; a++) {
			v = pt_xreallocarray(v, n + 1, sizeof *v);
			v[n++] = (uint32_t)a;
		}
		if (*s == ',')
			s++;
	}
	*vp = v;
	return n;
}

/* Prints an event, updates the model; returns 1 for a final event. */
static int
tool_event(struct eng_event *ev, uint64_t want)
{
	char fl[16];
	size_t i;
	int final = 0;

	printf("EV %s job=%llu", eng_event_kind_name(ev->kind),
	    (unsigned long long)ev->job_id);
	if (ev->folder != NULL)
		printf(" folder=%s", ev->folder);
	if (ev->job_kind == ENG_JOB_SEND &&
	    (ev->kind == ENG_EV_DONE || ev->kind == ENG_EV_FAILED)) {
		printf(" outbox=%s accepted=%zu unsure=%d",
		    ev->u.send.outbox_id != NULL ? ev->u.send.outbox_id : "-",
		    ev->u.send.naccepted, ev->u.send.unsure);
		if (ev->u.send.refused != NULL) {
			char *r = pt_sanitize_line(ev->u.send.refused,
			    strlen(ev->u.send.refused));

			printf(" refused=[%s]", r);
			free(r);
		}
	}
	switch (ev->kind) {
	case ENG_EV_PROGRESS:
		printf(" done=%llu total=%llu",
		    (unsigned long long)ev->u.progress.done,
		    (unsigned long long)ev->u.progress.total);
		break;
	case ENG_EV_DONE:
		if (ev->job_kind == ENG_JOB_SEND)
			printf(" copied=%d", ev->u.send.copied);
		else
			printf(" uid=%u", ev->u.done.uid);
		final = ev->job_id == want;
		break;
	case ENG_EV_FAILED:
		printf(" class=%s msg=%s", pt_errclass_name(ev->err.class),
		    ev->err.msg);
		final = ev->job_id == want;
		if (final)
			tool_failed = 1;
		break;
	case ENG_EV_CONN:
		printf(" state=%d retry_in=%d", (int)ev->u.conn.state,
		    ev->u.conn.retry_in);
		if (ev->err.class != PT_OK)
			printf(" class=%s msg=%s",
			    pt_errclass_name(ev->err.class), ev->err.msg);
		break;
	case ENG_EV_NEED_PASSWORD:
		printf(" class=%s msg=%s", pt_errclass_name(ev->err.class),
		    ev->err.msg);
		eng_password(tool_eng, ev->account, tool_pw);
		break;
	case ENG_EV_CERT:
		printf(" sha256=%s problems=%#x reason=%s", ev->u.cert->sha256,
		    ev->u.cert->problems, ev->u.cert->reason);
		eng_trust_cert(tool_eng, ev->account, tool_trust);
		break;
	case ENG_EV_ALERT:
		printf(" text=%s", ev->u.text);
		break;
	case ENG_EV_FOLDERS:
		printf(" n=%zu", ev->u.folders->n);
		for (i = 0; i < ev->u.folders->n; i++)
			printf(" [%s role=%d attrs=%#x]",
			    ev->u.folders->v[i].name,
			    (int)ev->u.folders->v[i].role,
			    ev->u.folders->v[i].attrs);
		break;
	case ENG_EV_FOLDER_STATUS:
		printf(" messages=%lld unseen=%lld uidnext=%u",
		    (long long)ev->u.status.messages,
		    (long long)ev->u.status.unseen, ev->u.status.uidnext);
		break;
	case ENG_EV_INDEX:
		printf(" n=%zu reset=%d complete=%d cache=%d total=%zu uv=%u",
		    ev->u.index->n, ev->u.index->reset, ev->u.index->complete,
		    ev->u.index->from_cache, ev->u.index->total,
		    ev->u.index->uidvalidity);
		tool_model_index(ev->u.index);
		if (tool_first_batch_only && ev->job_id == want)
			final = 1;
		break;
	case ENG_EV_FLAGS:
		printf(" n=%zu", ev->u.flags.n);
		for (i = 0; i < ev->u.flags.n && i < 20; i++) {
			struct tool_msg *m = tool_find(ev->u.flags.v[i].uid);

			tool_flags_str(ev->u.flags.v[i].flags, fl);
			printf(" %u:%s", ev->u.flags.v[i].uid, fl);
			if (m != NULL)
				m->flags = ev->u.flags.v[i].flags;
		}
		for (; i < ev->u.flags.n; i++) {
			struct tool_msg *m = tool_find(ev->u.flags.v[i].uid);

			if (m != NULL)
				m->flags = ev->u.flags.v[i].flags;
		}
		break;
	case ENG_EV_EXPUNGED:
	case ENG_EV_SEARCH:
		printf(" n=%zu", ev->u.uids.n);
		for (i = 0; i < ev->u.uids.n && i < 20; i++)
			printf(" %u", ev->u.uids.v[i]);
		if (ev->kind == ENG_EV_EXPUNGED)
			tool_model_remove(ev->u.uids.v, ev->u.uids.n);
		break;
	case ENG_EV_NEW_MAIL:
	case ENG_EV_PENDING:
		printf(" count=%zu", ev->u.count);
		break;
	case ENG_EV_BODY:
		printf(" uid=%u part=%s len=%zu cache=%d%s%s", ev->u.body->uid,
		    ev->u.body->part, ev->u.body->len, ev->u.body->from_cache,
		    ev->u.body->path ? " path=" : "",
		    ev->u.body->path ? ev->u.body->path : "");
		if (ev->u.body->data != NULL) {
			const char *p = strstr(ev->u.body->data, "Subject:");

			if (p != NULL) {
				size_t l = strcspn(p, "\r\n");

				printf(" subject=%.*s", (int)l - 9, p + 9);
			}
		}
		break;
	case ENG_EV_STRUCTURE:
		printf(" n=%zu cache=%d", ev->u.structure->n,
		    ev->u.structure->from_cache);
		for (i = 0; i < ev->u.structure->n; i++)
			printf(" [%s %s%s%s]", ev->u.structure->v[i].section,
			    ev->u.structure->v[i].type,
			    ev->u.structure->v[i].filename ? " " : "",
			    ev->u.structure->v[i].filename
				? ev->u.structure->v[i].filename
				: "");
		break;
	default:
		break;
	}
	printf(" t=%lld\n", tool_ms());
	fflush(stdout);
	return final;
}

/* Waits for events until the final one of job id (or a timeout). */
static int
tool_wait(uint64_t id, int secs, int kind)
{
	long long end = tool_ms() + secs * 1000LL;
	long long cancel_at = -1;

	if (tool_cancel_after >= 0 && id != 0) {
		cancel_at = tool_ms() + tool_cancel_after;
		tool_cancel_after = -1;
	}
	for (;;) {
		struct pollfd p;
		struct eng_event *ev;
		long long left = end - tool_ms();

		while ((ev = eng_event_next(tool_eng)) != NULL) {
			int k = (int)ev->kind;
			int settled = k == ENG_EV_PENDING && ev->u.count == 0;
			int fin = tool_event(ev, id);

			if (tool_capture && ev->job_id == id &&
			    ev->kind == ENG_EV_STRUCTURE && tool_st == NULL) {
				tool_st = ev->u.structure;
				ev->u.structure = NULL;
			}
			if (tool_capture && ev->job_id == id &&
			    ev->kind == ENG_EV_BODY && tool_body == NULL) {
				tool_body = ev->u.body;
				ev->u.body = NULL;
			}

			eng_event_free(&ev);
			if (fin || (kind >= 0 && k == kind) ||
			    (kind == -3 && settled))
				return 0;
		}
		if (left <= 0)
			break;
		if (cancel_at >= 0 && tool_ms() >= cancel_at) {
			printf("cancel job=%llu rc=%d t=%lld\n",
			    (unsigned long long)id, eng_cancel(tool_eng, id),
			    tool_ms());
			cancel_at = -1;
		}
		p.fd = eng_wakeup_fd(tool_eng);
		p.events = POLLIN;
		(void)poll(&p, 1,
		    cancel_at >= 0 ? 5 : (int)(left > 100 ? 100 : left));
	}
	if (kind == -2)
		return 0; /* drain */
	printf("TIMEOUT job=%llu t=%lld\n", (unsigned long long)id, tool_ms());
	tool_failed = 1;
	return -1;
}

static int
tool_kind(const char *name)
{
	int k;

	for (k = 0; k < ENG_EV_NKINDS; k++)
		if (strcmp(name, eng_event_kind_name(k)) == 0)
			return k;
	return -1;
}

static int
tool_usage(void)
{
	fprintf(stderr,
	    "usage: petrel-engine-tool -F CONFIG [-C DIR] [-n] [-I] "
	    "[-P SECS] [-b MS] [-a N] [-p PW] [-T TRUST] COMMAND...\n");
	return 2;
}

/* Submits a job and waits for its end, keeping its structure or body. */
static int
tool_run_capture(struct eng_job *j)
{
	struct pt_error err;
	uint64_t id;
	int failed = tool_failed;

	pt_error_init(&err);
	tool_capture = 1;
	id = eng_submit(tool_eng, j, &err);
	if (id == 0) {
		printf("REFUSED class=%s msg=%s\n", pt_errclass_name(err.class),
		    err.msg);
		tool_capture = 0;
		return -1;
	}
	tool_failed = 0;
	(void)tool_wait(id, 120, -1);
	tool_capture = 0;
	if (tool_failed) {
		tool_failed = failed;
		return -1;
	}
	tool_failed = failed;
	return 0;
}

static void
tool_read_print(const char *via, unsigned rounds, const char *text, size_t n)
{
	printf("READ via=%s rounds=%u t=%lld\nTEXT-BEGIN\n", via, rounds,
	    tool_ms());
	fwrite(text, 1, n, stdout);
	printf("TEXT-END\n");
	fflush(stdout);
}

/*
 * What the pager does for a message too big to fetch whole: the
 * structure, then the parts the rendering asks for, at most 4 rounds;
 * the whole message when the structure cannot be used.
 */
static void
tool_read(const char *folder, uint32_t uid, unsigned width, int structure)
{
	struct mime_render_opts o;
	struct mime_missing ms = {NULL, 0};
	struct pt_error err;
	struct eng_job *j;
	struct mime_msg *m = NULL;
	unsigned rounds = 0;
	size_t len, i;
	char *text;

	eng_structure_free(&tool_st);
	eng_body_free(&tool_body);
	pt_error_init(&err);
	memset(&o, 0, sizeof o);
	o.width = width;
	o.missing = &ms;
	j = eng_job_new(ENG_JOB_STRUCTURE, tool_account);
	eng_job_set_folder(j, folder);
	j->uid = uid;
	j->or_body = 1;
	if (!structure)
		eng_job_free(&j);
	else if (tool_run_capture(j) == 0 && tool_st != NULL) {
		for (rounds = 1; rounds <= 4; rounds++) {
			mime_msg_free(&m);
			mime_missing_release(&ms);
			if ((m = eng_structure_parse(tool_st, &err)) == NULL)
				break;
			text = mime_render_msg(m, &o, &len);
			if (ms.n == 0 || rounds == 4) {
				tool_read_print("structure", rounds, text, len);
				free(text);
				mime_msg_free(&m);
				mime_missing_release(&ms);
				eng_structure_free(&tool_st);
				return;
			}
			free(text);
			for (i = 0; i < ms.n; i++) {
				j = eng_job_new(ENG_JOB_FETCH, tool_account);
				eng_job_set_folder(j, folder);
				j->uid = uid;
				j->part = pt_xstrdup(ms.v[i]);
				if (tool_run_capture(j) == 0 &&
				    tool_body != NULL) {
					(void)eng_structure_set_body(tool_st,
					    ms.v[i], tool_body->data,
					    tool_body->len);
					tool_body->data = NULL;
				}
				eng_body_free(&tool_body);
			}
		}
		printf("READ fallback: %s\n", err.msg);
	}
	mime_missing_release(&ms);
	eng_structure_free(&tool_st);
	if (tool_body == NULL) {
		j = eng_job_new(ENG_JOB_FETCH, tool_account);
		eng_job_set_folder(j, folder);
		j->uid = uid;
		if (tool_run_capture(j) != 0 || tool_body == NULL) {
			printf("READ failed\n");
			tool_failed = 1;
			eng_body_free(&tool_body);
			return;
		}
	}
	text = mime_render(tool_body->data, tool_body->len, &o, &len, NULL);
	tool_read_print("whole", rounds, text, len);
	free(text);
	eng_body_free(&tool_body);
}

/* Runs one command at argv; returns the number of words used or -1. */
static int
tool_command(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum eng_job_kind kind;
		int nargs;
	} simple[] = {{"connect", ENG_JOB_CONNECT, 0},
	    {"folders", ENG_JOB_FOLDERS, 0}, {"check", ENG_JOB_CHECK, 0},
	    {"close", ENG_JOB_CLOSE, 0}, {"status", ENG_JOB_STATUS, 1},
	    {"create", ENG_JOB_CREATE, 1}, {"delete", ENG_JOB_DELETE, 1},
	    {"subscribe", ENG_JOB_SUBSCRIBE, 1},
	    {"unsubscribe", ENG_JOB_UNSUBSCRIBE, 1}};
	const char *cmd = argv[0];
	struct pt_error err;
	struct eng_job *j = NULL;
	uint64_t id;
	size_t i;
	int used = 1;

	pt_error_init(&err);
	for (i = 0; i < PT_NELEM(simple); i++)
		if (strcmp(cmd, simple[i].name) == 0) {
			if (argc < 1 + simple[i].nargs)
				return -1;
			j = eng_job_new(simple[i].kind, tool_account);
			if (simple[i].nargs > 0)
				eng_job_set_folder(j, argv[1]);
			used = 1 + simple[i].nargs;
		}
	if (j != NULL)
		;
	else if (strcmp(cmd, "open") == 0 || strcmp(cmd, "open-bg") == 0) {
		if (argc < 2)
			return -1;
		j = eng_job_new(ENG_JOB_OPEN, tool_account);
		eng_job_set_folder(j, argv[1]);
		used = 2;
		if (argc > 2 && argv[2][0] >= '0' && argv[2][0] <= '9') {
			j->rows = (size_t)strtoul(argv[2], NULL, 10);
			used = 3;
		}
		tool_first_batch_only = strcmp(cmd, "open-bg") == 0;
	} else if (strcmp(cmd, "fetch") == 0 || strcmp(cmd, "structure") == 0) {
		if (argc < 3)
			return -1;
		j = eng_job_new(strcmp(cmd, "fetch") == 0 ? ENG_JOB_FETCH
							  : ENG_JOB_STRUCTURE,
		    tool_account);
		eng_job_set_folder(j, argv[1]);
		j->uid = (uint32_t)strtoul(argv[2], NULL, 10);
		used = 3;
		if (j->kind == ENG_JOB_FETCH && argc > 3 &&
		    strcmp(argv[3], "-") == 0)
			used = 4;
		else if (j->kind == ENG_JOB_FETCH && argc > 3 &&
			 argv[3][0] != '\0' &&
			 strspn(argv[3], "0123456789.") == strlen(argv[3])) {
			j->part = pt_xstrdup(argv[3]);
			used = 4;
		}
		if (j->kind == ENG_JOB_FETCH && argc > used &&
		    argv[used][0] == '/') {
			j->path = pt_xstrdup(argv[used]);
			used++;
		}
	} else if (strcmp(cmd, "save") == 0) {
		if (argc < 6)
			return -1;
		j = eng_job_new(ENG_JOB_FETCH, tool_account);
		eng_job_set_folder(j, argv[1]);
		j->uid = (uint32_t)strtoul(argv[2], NULL, 10);
		j->part = pt_xstrdup(argv[3]);
		j->path = pt_xstrdup(argv[4]);
		j->decode = pt_xstrdup(argv[5]);
		used = 6;
	} else if (strcmp(cmd, "read") == 0 || strcmp(cmd, "read-whole") == 0) {
		if (argc < 3)
			return -1;
		used = 3;
		if (argc > 3 && argv[3][0] >= '0' && argv[3][0] <= '9')
			used = 4;
		tool_read(argv[1], (uint32_t)strtoul(argv[2], NULL, 10),
		    used == 4 ? (unsigned)strtoul(argv[3], NULL, 10) : 80,
		    strcmp(cmd, "read") == 0);
		return used;
	} else if (strcmp(cmd, "flags") == 0) {
		if (argc < 4)
			return -1;
		j = eng_job_new(ENG_JOB_FLAGS, tool_account);
		eng_job_set_folder(j, argv[1]);
		if (argv[2][0] == '+')
			j->flags_add = tool_parse_flags(argv[2] + 1);
		else
			j->flags_remove = tool_parse_flags(argv[2] + 1);
		j->nuids = tool_parse_uids(argv[3], &j->uids);
		used = 4;
	} else if (strcmp(cmd, "copy") == 0 || strcmp(cmd, "move") == 0) {
		if (argc < 4)
			return -1;
		j = eng_job_new(strcmp(cmd, "copy") == 0 ? ENG_JOB_COPY
							 : ENG_JOB_MOVE,
		    tool_account);
		eng_job_set_folder(j, argv[1]);
		eng_job_set_target(j, argv[2]);
		j->nuids = tool_parse_uids(argv[3], &j->uids);
		used = 4;
	} else if (strcmp(cmd, "expunge") == 0) {
		if (argc < 2)
			return -1;
		j = eng_job_new(ENG_JOB_EXPUNGE, tool_account);
		eng_job_set_folder(j, argv[1]);
		used = 2;
		if (argc > 2 && argv[2][0] >= '0' && argv[2][0] <= '9') {
			j->nuids = tool_parse_uids(argv[2], &j->uids);
			used = 3;
		}
	} else if (strcmp(cmd, "append") == 0) {
		char *data;
		size_t len;

		if (argc < 3)
			return -1;
		data = pt_file_read(argv[2], 64 * 1024 * 1024, &len, &err);
		if (data == NULL) {
			fprintf(stderr, "%s\n", err.msg);
			return -1;
		}
		j = eng_job_new(ENG_JOB_APPEND, tool_account);
		eng_job_set_folder(j, argv[1]);
		j->data = data;
		j->len = len;
		used = 3;
		if (argc > 3 && argv[3][0] == '+') {
			j->flags_add = tool_parse_flags(argv[3] + 1);
			used = 4;
		}
	} else if (strcmp(cmd, "send") == 0 || strcmp(cmd, "postpone") == 0) {
		if (argc < 2)
			return -1;
		j = eng_job_new(strcmp(cmd, "send") == 0 ? ENG_JOB_SEND
							 : ENG_JOB_POSTPONE,
		    tool_account);
		j->path = pt_xstrdup(argv[1]);
		used = 2;
	} else if (strcmp(cmd, "summaries") == 0) {
		if (argc < 3)
			return -1;
		j = eng_job_new(ENG_JOB_SUMMARIES, tool_account);
		eng_job_set_folder(j, argv[1]);
		j->nuids = tool_parse_uids(argv[2], &j->uids);
		used = 3;
	} else if (strcmp(cmd, "send-id") == 0) {
		if (argc < 2)
			return -1;
		j = eng_job_new(ENG_JOB_SEND, tool_account);
		eng_job_set_target(j, argv[1]);
		used = 2;
		if (argc > 2 && strcmp(argv[2], "partial") == 0) {
			j->send_flags = ENG_SEND_PARTIAL;
			used = 3;
		} else if (argc > 2 && strcmp(argv[2], "force") == 0) {
			j->send_flags = ENG_SEND_FORCE;
			used = 3;
		}
	} else if (strcmp(cmd, "recall") == 0) {
		/* recall FILE DIR: a fetched message back into a draft. */
		char *data, *path;
		size_t len;

		if (argc < 3)
			return -1;
		data = pt_file_read(argv[1], 64 * 1024 * 1024, &len, &err);
		if (data == NULL || eng_draft_from_message(argv[2], data, len,
					&path, &err) != 0) {
			printf("RECALL failed msg=%s\n", err.msg);
			free(data);
			tool_failed = 1;
			return 3;
		}
		printf("RECALL %s\n", path);
		free(path);
		free(data);
		return 3;
	} else if (strcmp(cmd, "search") == 0) {
		if (argc < 3)
			return -1;
		j = eng_job_new(ENG_JOB_SEARCH, tool_account);
		eng_job_set_folder(j, argv[1]);
		j->search.text = pt_xstrdup(argv[2]);
		used = 3;
		if (argc > 3 && strncmp(argv[3], "where=", 6) == 0) {
			const char *p = argv[3] + 6;

			for (; *p != '\0'; p++)
				j->search.where |=
				    *p == 'f'   ? ENG_SEARCH_FROM
				    : *p == 't' ? ENG_SEARCH_TO
				    : *p == 's' ? ENG_SEARCH_SUBJECT
				    : *p == 'b' ? ENG_SEARCH_BODY
						: ENG_SEARCH_TEXT;
			used = 4;
		}
	} else if (strcmp(cmd, "rename") == 0) {
		if (argc < 3)
			return -1;
		j = eng_job_new(ENG_JOB_RENAME, tool_account);
		eng_job_set_folder(j, argv[1]);
		eng_job_set_target(j, argv[2]);
		used = 3;
	} else if (strcmp(cmd, "cancel-after") == 0) {
		if (argc < 2)
			return -1;
		tool_cancel_after = strtol(argv[1], NULL, 10);
		return 2;
	} else if (strcmp(cmd, "wait") == 0) {
		if (argc < 3 || tool_kind(argv[1]) < 0)
			return -1;
		if (tool_wait(0, (int)strtol(argv[2], NULL, 10),
			tool_kind(argv[1])) == -1)
			printf("NOEVENT %s\n", argv[1]);
		return 3;
	} else if (strcmp(cmd, "settle") == 0) {
		if (argc < 2)
			return -1;
		if (tool_wait(0, (int)strtol(argv[1], NULL, 10), -3) == -1)
			printf("UNSETTLED\n");
		return 2;
	} else if (strcmp(cmd, "drain") == 0) {
		long long ms;

		if (argc < 2)
			return -1;
		ms = strtol(argv[1], NULL, 10);
		(void)tool_wait(0, (int)((ms + 999) / 1000), -2);
		return 2;
	} else if (strcmp(cmd, "nowait") == 0) {
		tool_nowait = 1;
		return 1;
	} else if (strcmp(cmd, "cancel") == 0) {
		printf("cancel job=%llu rc=%d t=%lld\n",
		    (unsigned long long)tool_last_id,
		    eng_cancel(tool_eng, tool_last_id), tool_ms());
		(void)tool_wait(tool_last_id, 60, -1);
		return 1;
	} else if (strcmp(cmd, "sh") == 0) {
		int rc;

		if (argc < 2)
			return -1;
		fflush(stdout);
		rc = system(argv[1]);
		printf("SH rc=%d t=%lld\n", rc, tool_ms());
		return 2;
	} else if (strcmp(cmd, "sleep") == 0) {
		struct timespec ts;
		long ms;

		if (argc < 2)
			return -1;
		ms = strtol(argv[1], NULL, 10);
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		return 2;
	} else if (strcmp(cmd, "model") == 0 || strcmp(cmd, "dump") == 0) {
		size_t unseen = 0;

		for (i = 0; i < tool_nmodel; i++)
			if (!(tool_model[i].flags & ENG_F_SEEN))
				unseen++;
		printf("MODEL n=%zu unseen=%zu dups=%zu uv=%u first=%u "
		       "last=%u\n",
		    tool_nmodel, unseen, tool_dups, tool_uidvalidity,
		    tool_nmodel ? tool_model[0].uid : 0,
		    tool_nmodel ? tool_model[tool_nmodel - 1].uid : 0);
		if (strcmp(cmd, "dump") == 0)
			for (i = 0; i < tool_nmodel; i++) {
				char fl[16];

				tool_flags_str(tool_model[i].flags, fl);
				printf("MSG %u %s from=%s subject=%s\n",
				    tool_model[i].uid, fl, tool_model[i].from,
				    tool_model[i].subject);
			}
		fflush(stdout);
		return 1;
	} else
		return -1;
	id = eng_submit(tool_eng, j, &err);
	if (id == 0) {
		printf("REFUSED %s class=%s msg=%s\n", cmd,
		    pt_errclass_name(err.class), err.msg);
		tool_failed = 1;
		return used;
	}
	printf("JOB %s id=%llu t=%lld\n", cmd, (unsigned long long)id,
	    tool_ms());
	tool_last_id = id;
	if (tool_nowait)
		tool_nowait = 0;
	else
		(void)tool_wait(id, 120, -1);
	tool_first_batch_only = 0;
	return used;
}

int
main(int argc, char **argv)
{
	struct eng_options opt;
	struct pt_error err;
	struct cfg *cfg;
	const char *cfgpath = NULL;
	int c, i;

	memset(&opt, 0, sizeof opt);
	while ((c = getopt(argc, argv, "+F:C:nIP:b:a:p:T:")) != -1)
		switch (c) {
		case 'F':
			cfgpath = optarg;
			break;
		case 'C':
			opt.cache_dir = optarg;
			break;
		case 'n':
			opt.no_cache = 1;
			break;
		case 'I':
			opt.no_idle = 1;
			break;
		case 'P':
			opt.poll_seconds = (int)strtol(optarg, NULL, 10);
			break;
		case 'b':
			opt.backoff_min_ms = (int)strtol(optarg, NULL, 10);
			opt.backoff_max_ms = 4 * opt.backoff_min_ms;
			break;
		case 'a':
			tool_account = (size_t)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			tool_pw = optarg;
			break;
		case 'T':
			tool_trust =
			    strcmp(optarg, "once") == 0     ? ENG_TRUST_ONCE
			    : strcmp(optarg, "always") == 0 ? ENG_TRUST_ALWAYS
							    : ENG_TRUST_REJECT;
			break;
		default:
			return tool_usage();
		}
	if (cfgpath == NULL || optind >= argc)
		return tool_usage();
	signal(SIGPIPE, SIG_IGN);
	pt_error_init(&err);
	if (getenv("PT_ENGINE_LOG") != NULL) {
		pt_log_set_level(PT_LOG_DEBUG);
		(void)pt_log_open(getenv("PT_ENGINE_LOG"), &err);
	}
	cfg = cfg_load(cfgpath, &err);
	if (cfg == NULL) {
		fprintf(stderr, "petrel-engine-tool: %s\n", err.msg);
		return 2;
	}
	tool_t0 = 0;
	tool_t0 = tool_ms();
	tool_eng = eng_new(cfg, &opt, &err);
	if (tool_eng == NULL) {
		fprintf(stderr, "petrel-engine-tool: %s\n", err.msg);
		cfg_free(&cfg);
		return 2;
	}
	for (i = optind; i < argc;) {
		int used = tool_command(argc - i, argv + i);

		if (used < 0) {
			fprintf(stderr,
			    "petrel-engine-tool: bad command at '%s'\n",
			    argv[i]);
			tool_failed = 2;
			break;
		}
		i += used;
	}
	{
		long long t = tool_ms();

		eng_free(&tool_eng);
		printf("STOPPED free_ms=%lld\n", tool_ms() - t);
	}
	tool_model_reset();
	free(tool_model);
	cfg_free(&cfg);
	return tool_failed;
}
