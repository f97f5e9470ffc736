/*
 * What the files of src/engine share.  Nothing outside src/engine (and
 * its tests) includes this.
 */
#ifndef PETREL_ENGINE_PRIVATE_H
#define PETREL_ENGINE_PRIVATE_H

#include <sys/queue.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "petrel/config.h"
#include "petrel/engine.h"
#include "petrel/imap.h"
#include "petrel/net.h"
#include "petrel/store.h"

/* An event on the queue: the public part first. */
struct eng_evnode {
	struct eng_event ev;
	TAILQ_ENTRY(eng_evnode) entry;
};

/* A job on a worker's queue. */
struct eng_task {
	uint64_t id;
	struct eng_job *job;
	int retried;         /* already put back once after a lost connection */
	uint32_t result_uid; /* for DONE: APPENDUID/COPYUID */
	long long progress_ms; /* when the last PROGRESS went out */
	uint64_t qid;          /* its record in the offline queue, or 0 */
	int attempted;         /* it may have reached the server: check first */
	int marked;            /* the record says so (for a later run) */
	int replayed;          /* loaded from the queue at start */
	TAILQ_ENTRY(eng_task) entry;
};

TAILQ_HEAD(eng_taskq, eng_task);
TAILQ_HEAD(eng_evq, eng_evnode);

/* The folder the UI has open on this account. */
struct eng_sel {
	int active;   /* a folder is open */
	char *name;   /* UTF-8 */
	char *raw;    /* modified UTF-7 */
	int selected; /* SELECTed on the current session */
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint64_t highestmodseq;
	uint32_t *uids; /* ascending: uids[seq - 1] */
	size_t n, cap;
	int need_sync; /* reconcile with the server before IDLE */
};

/* The background part of opening a folder: older headers in chunks. */
struct eng_bg {
	struct eng_task *task;
	uint32_t *todo; /* UIDs still to fetch, ascending; taken from the end */
	size_t ntodo;
	size_t done, total;
	struct store_batch *batch;
	uint32_t uidvalidity;
	uint64_t highestmodseq; /* to record when complete */
	uint32_t uidnext;
	uint32_t exists;
};

struct eng_worker {
	struct eng *eng;
	size_t account;
	const struct cfg_account *acct;
	pthread_t thread;
	int started;

	/* Shared with other threads: under lock. */
	pthread_mutex_t lock;
	int wake_fd; /* eventfd: a job, an answer or quit */
	struct eng_taskq queue;
	struct eng_task *running; /* being run (or the bg task) */
	uint64_t cancel_id;       /* cancel requested for this running id */
	uint64_t bg_id;           /* the OPEN job whose bg part runs */
	int graceful;             /* running between chunks: no token fire */
	int quit;
	int pw_answered; /* 1 given, -1 declined */
	struct pt_secret pw_answer;
	int trust_answered; /* 1 when trust_answer is set */
	enum eng_trust trust_answer;
	struct net_cancel *token; /* the current session's */
	int logging_in;           /* token is a connect or login under way */
	atomic_int exited;        /* the thread is about to return */
	uint64_t *forget;         /* queue records of cancelled jobs */
	size_t nforget;
	/* The IDLE connection (watch.c), also under lock. */
	int watch_wake_fd; /* eventfd of its thread */
	int watch_quit;
	char *watch_name, *watch_raw; /* the folder to watch, or NULL */
	uint32_t watch_uidvalidity;
	uint32_t watch_uidnext;    /* new mail starts there */
	uint64_t watch_gen;        /* bumped when the folder changes */
	struct pt_secret watch_pw; /* the command connection's */
	char *watch_pin;
	int watch_creds;                /* > 0 once those are set */
	int watch_live;                 /* it IDLEs on the open folder */
	int watch_fallback;             /* refused: IDLE between jobs */
	int watch_news;                 /* it saw changes: NOOP here */
	uint32_t watch_seen_uid;        /* newest UID it announced */
	struct net_cancel *watch_token; /* its session's */

	/* The worker thread's own. */
	struct imap_session *s;
	struct imap_updates upd;
	unsigned feat;
	struct store *store;
	struct pt_secret password;
	int have_password;
	struct pt_secret typed_pw; /* under lock: the user's, for senders */
	char *pin; /* accepted for this run (ENG_TRUST_ONCE/ALWAYS) */
	enum eng_conn state;
	int backoff_ms;
	long long retry_at; /* ms, when state is RECONNECTING */
	struct pt_error last_err;
	/* OAuth2 token refused: jobs up to this id fail without a retry. */
	uint64_t refused_upto;
	int ever_connected;
	struct imap_mbox *mboxes; /* the last LIST, for name lookups */
	size_t nmboxes;
	struct eng_sel sel;
	char *cur; /* UTF-8 name of the SELECTed folder, or NULL */
	uint32_t cur_uidvalidity;
	struct eng_bg *bg;
	long long idle_since;   /* ms, when the current IDLE began */
	long long last_noop;    /* ms */
	pthread_t watch_thread; /* the IDLE connection's thread */
	int watch_started;
	struct store_queue *changes; /* the offline queue, or NULL */
	size_t npending;             /* records in it */
	size_t posted_pending;       /* the count the UI was told */
};

/* A running ENG_JOB_SEND: a thread of its own (send.c). */
struct eng_sender {
	struct eng *eng;
	struct eng_task *task;
	struct eng_worker *w; /* its account's worker: for events only */
	struct net_cancel *token;
	pthread_t thread;
	atomic_int done; /* its final event is posted */
	TAILQ_ENTRY(eng_sender) entry;
};

TAILQ_HEAD(eng_senderq, eng_sender);

struct eng {
	const struct cfg *cfg;
	struct eng_options opt;
	int wake_fd;
	pthread_mutex_t lock; /* the event queue and next_id */
	struct eng_evq events;
	uint64_t next_id;
	struct eng_worker **w;
	size_t nw;
	struct eng_senderq senders; /* under lock */
	struct eng_reader *reader;  /* addr.c; NULL: lookups on the workers */
};

/* engine.c */
long long eng_now_ms(void);
/* Makes an eventfd readable. */
void eng_fd_poke(int);
/* A new event for the worker's account (folder copied when not NULL). */
struct eng_event *eng_event_new(struct eng_worker *, enum eng_event_kind,
    const struct eng_task *, const char *);
/* Queues an event (taking it) and wakes the UI. */
void eng_event_post(struct eng_worker *, struct eng_event *);
void eng_post_done(struct eng_worker *, struct eng_task *, uint32_t);
void eng_post_failed(struct eng_worker *, struct eng_task *,
    const struct pt_error *);
void eng_post_conn(struct eng_worker *, enum eng_conn, int,
    const struct pt_error *);
/* A PROGRESS event unless one went out less than 100 ms ago. */
void eng_post_progress(struct eng_worker *, struct eng_task *, uint64_t,
    uint64_t, enum eng_unit, int);
void eng_task_free(struct eng_task **);
int eng_task_cancelled(struct eng_worker *, const struct eng_task *);

/* job.c: index batches */
struct eng_index *eng_index_new(uint32_t);
/* Adds a message; str[] are UTF-8 (NULL is empty). */
void eng_index_add(struct eng_index *, size_t *cap, size_t *acap, uint32_t uid,
    uint32_t flags, int64_t date, int64_t internaldate, uint32_t size,
    const char *const *str);
/*
 * Drops the messages whose UID is uid or lower (another connection
 * posted them already); returns how many are left.
 */
size_t eng_index_drop_upto(struct eng_index *, uint32_t uid);
int eng_job_is_write(enum eng_job_kind);
int eng_job_needs_folder(enum eng_job_kind);
uint32_t eng_flags_to_store(uint32_t);

/* worker.c */
void *eng_worker_main(void *);
/* Makes sure the session is up; -1 with err when offline. */
int eng_worker_connect(struct eng_worker *, struct eng_task *,
    struct pt_error *);
/* Throws the session away after a fatal error (reconnect with backoff). */
void eng_worker_drop(struct eng_worker *, const struct pt_error *, int);
/* 1 when err means the connection is gone (not a NO from the server). */
int eng_worker_lost(struct eng_worker *, const struct pt_error *);
/* The server's name of a UTF-8 folder name (new string). */
char *eng_worker_raw(struct eng_worker *, const char *);
/*
 * addr.c: ENG_JOB_ADDRESSES, from the cache only, on a reader thread
 * (eng_reader_start, with the workers' signal mask; eng_reader_take
 * queues a task there and returns 1, or 0 when it is not for it;
 * eng_reader_stop joins it), else on the worker (eng_addr_run, 0 or
 * -1).
 */
int eng_addr_run(struct eng_worker *, struct eng_task *, struct pt_error *);
int eng_reader_start(struct eng *);
int eng_reader_take(struct eng *, struct eng_task *);
void eng_reader_stop(struct eng *);
/*
 * A cache batch for a folder, or NULL without a cache; a batch of the
 * Sent folder records its recipients in the address book.
 */
struct store_batch *eng_batch_begin(struct eng_worker *, const char *,
    uint32_t uidvalidity);
/* SELECTs folder (UTF-8) unless already selected.  0 or -1. */
int eng_worker_select(struct eng_worker *, const char *, struct pt_error *);
/* Applies the collected updates to the open folder, as events. */
void eng_worker_apply(struct eng_worker *, struct eng_task *);

/* folder.c */
int eng_folders_run(struct eng_worker *, struct eng_task *, struct pt_error *);
int eng_status_run(struct eng_worker *, struct eng_task *, struct pt_error *);
int eng_mailbox_run(struct eng_worker *, struct eng_task *, struct pt_error *);

/* sync.c */
/* Runs OPEN; returns 1 when the background part continues. */
int eng_open_run(struct eng_worker *, struct eng_task *, struct pt_error *);
/* Runs one chunk of the background part. */
void eng_bg_step(struct eng_worker *);
/* Ends the background part (failed with err, or done when NULL). */
void eng_bg_end(struct eng_worker *, const struct pt_error *);
/* Reconciles the open folder after a reconnect or a SELECT elsewhere. */
int eng_sel_resync(struct eng_worker *, struct eng_task *, struct pt_error *);
void eng_sel_clear(struct eng_sel *);
/* qsort and bsearch order of uint32_t (UIDs). */
int eng_u32_cmp(const void *, const void *);
/* ENG_JOB_SUMMARIES: summaries of some messages of any folder. */
int eng_summaries_run(struct eng_worker *, struct eng_task *,
    struct pt_error *);
/* Fetches new messages (UID > the last known) into the open folder. */
int eng_sel_fetch_new(struct eng_worker *, struct eng_task *, int,
    struct pt_error *);

/* folder.c: the role of a folder from LIST (SPECIAL-USE, else its name). */
enum eng_role eng_mbox_role(const struct imap_mbox *);

/* send.c */
/*
 * Builds a draft's message; keep_bcc for Drafts.  From is the draft's,
 * which must be one of the account's addresses (email, identities:
 * PT_E_CONFIG otherwise), else the account's own.
 */
int eng_draft_build(const struct cfg_account *, const struct mime_draft *, int,
    struct pt_buf *, struct mime_envelope *, struct pt_error *);
/* Starts ENG_JOB_SEND's thread; it owns the task then.  0 or -1. */
int eng_sender_start(struct eng *, struct eng_task *, struct pt_error *);
void eng_senders_reap(struct eng *);
/* Cancels a running send; 0, or -1 when no sender runs that id. */
int eng_senders_cancel(struct eng *, uint64_t);
int eng_senders_stop(struct eng *);
/* ENG_JOB_POSTPONE on the account's worker. */
int eng_postpone_run(struct eng_worker *, struct eng_task *, struct pt_error *);

/* ops.c */
int eng_ops_run(struct eng_worker *, struct eng_task *, struct pt_error *);
/* Connects and selects the job's folder, checking its UIDVALIDITY. */
int eng_ops_prepare(struct eng_worker *, struct eng_task *, struct pt_error *);
/* The UIDVALIDITY a folder's UIDs refer to (0: unknown). */
uint32_t eng_folder_uidvalidity(struct eng_worker *, const char *);

/* watch.c: the IDLE connection (a second thread per account) */
/*
 * The folder the IDLE connection should watch (name NULL: none), with
 * the UIDVALIDITY and UIDNEXT the worker knows; starts the thread the
 * first time.  Worker thread only.
 */
void eng_watch_set(struct eng_worker *, const char *, const char *, uint32_t,
    uint32_t);
/* After a login: the password and pin for the IDLE connection. */
void eng_watch_creds(struct eng_worker *);
void eng_watch_start(struct eng_worker *);
/* Stops and joins the thread (worker thread, before it returns). */
void eng_watch_stop(struct eng_worker *);

/* replay.c: the offline queue (store_queue) of write jobs */
/* At start: opens the queue and puts its changes first in the queue. */
void eng_replay_load(struct eng_worker *);
/* Between jobs: records queued changes, forgets cancelled ones. */
void eng_replay_sync(struct eng_worker *);
/* Before a write job runs: records it (marked as maybe applied). */
void eng_replay_begin(struct eng_worker *, struct eng_task *);
/*
 * For a change that may have reached the server already: 1 when it is
 * applied (nothing left to do), 0 to run it (its UIDs narrowed to what
 * is left), -1 with err.
 */
int eng_replay_check(struct eng_worker *, struct eng_task *, struct pt_error *);
/* The job ended for good (done, or failed for a reason that stays). */
void eng_replay_end(struct eng_worker *, struct eng_task *);
/* Closes the queue (the records stay for the next run). */
void eng_replay_close(struct eng_worker *);
/* A job as a record (b is initialised here; release it), and back. */
void eng_change_encode(const struct eng_job *, int attempted, struct pt_buf *);
/* NULL when the record is damaged; *attempted gets its mark. */
struct eng_job *eng_change_decode(const char *, size_t, size_t account,
    int *attempted);

/*
 * engine.c: blocks the asynchronous signals in the calling thread, so
 * that the threads it starts next inherit none (old: the mask to put
 * back with pthread_sigmask(SIG_SETMASK, old, NULL)).
 */
void eng_block_signals(sigset_t *);

#endif
