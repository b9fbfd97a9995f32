/* delivery_queue.c - the single writer thread (delivery_queue.h).
 *
 * Threads: request threads only append to the list under `lock`; the writer
 * owns its connection and every job it has taken off the list until it calls
 * the job's done(). SQLite allows one writer at a time anyway: one thread
 * that batches turns N commits (each an fsync) into one. The checkpointer
 * thread, with its own connection, copies the WAL into the database in the
 * background, so no batch waits behind a checkpoint. */
#include "delivery_queue.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MAX 256
#define RETAIN_EVERY 100        /* deliveries between retention passes: small ones */
#define RETAIN_EVERY_MS 60000.0
#define CHECKPOINT_EVERY_MS 250
#define WRITER_CACHE "PRAGMA cache_size = -4096" /* a batch's pages stay in memory */

struct delivery_queue {
	bb_db *db;
	bb_db *ckpt_db;
	pthread_t thread, ckpt_thread;
	pthread_mutex_t lock;
	pthread_cond_t ready, ckpt_wake;
	bb_delivery_job *head, *tail;
	int stopping;
	long since_retain;
	double retained_at;
};

static void retain(delivery_queue *q)
{
	bb_err err;

	if (db_begin(q->db, &err) == BB_OK)
		db_finish(q->db, delivery_retain(q->db, NULL, &err), &err);
	q->since_retain = 0;
	q->retained_at = util_mono_ms();
}

static int due_for_retention(const delivery_queue *q)
{
	return q->since_retain >= RETAIN_EVERY ||
	       util_mono_ms() - q->retained_at >= RETAIN_EVERY_MS;
}

static void *checkpointer(void *arg)
{
	delivery_queue *q = arg;
	struct timespec at;

	pthread_setname_np(pthread_self(), "bb-checkpoint");
	pthread_mutex_lock(&q->lock);
	while (!q->stopping) {
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_nsec += CHECKPOINT_EVERY_MS * 1000000L;
		at.tv_sec += at.tv_nsec / 1000000000L;
		at.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&q->ckpt_wake, &q->lock, &at);
		pthread_mutex_unlock(&q->lock);
		sqlite3_wal_checkpoint_v2(db_handle(q->ckpt_db), NULL, SQLITE_CHECKPOINT_PASSIVE,
					  NULL, NULL);
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* Up to BATCH_MAX jobs off the list; 0 when stopping with nothing left. */
static size_t take(delivery_queue *q, bb_delivery_job **jobs)
{
	size_t n = 0;

	pthread_mutex_lock(&q->lock);
	while (!q->head && !q->stopping)
		pthread_cond_wait(&q->ready, &q->lock);
	while (q->head && n < BATCH_MAX) {
		jobs[n++] = q->head;
		q->head = q->head->next;
	}
	if (!q->head)
		q->tail = NULL;
	pthread_mutex_unlock(&q->lock);
	return n;
}

static void write_batch(delivery_queue *q, bb_delivery_job **jobs, size_t n)
{
	bb_err err;
	bb_code rc = db_begin(q->db, &err);

	if (rc == BB_OK) {
		rc = delivery_record(q->db, jobs, n, &err);
		if (rc == BB_OK && due_for_retention(q)) {
			bb_err ignored; /* in the batch's transaction: no commit of its own */

			delivery_retain(q->db, NULL, &ignored);
			q->since_retain = 0;
			q->retained_at = util_mono_ms();
		}
		rc = db_finish(q->db, rc, &err);
	}
	for (size_t i = 0; i < n; i++) {
		if (rc != BB_OK) {
			/* nothing of the batch is on disk: Bitbucket retries a 5xx */
			jobs[i]->status = 503;
			snprintf(jobs[i]->outcome, sizeof jobs[i]->outcome, "rejected: %s",
				 rc == BB_TEMP ? "database busy" : "database error");
		}
		jobs[i]->ms = (long)(util_mono_ms() - jobs[i]->started);
	}
	q->since_retain += (long)n;
}

static void *writer(void *arg)
{
	delivery_queue *q = arg;
	bb_delivery_job *jobs[BATCH_MAX];
	size_t n;

	pthread_setname_np(pthread_self(), "bb-writer");
	retain(q);
	while ((n = take(q, jobs)) > 0) {
		write_batch(q, jobs, n);
		for (size_t i = 0; i < n; i++)
			jobs[i]->done(jobs[i], jobs[i]->done_arg);
	}
	return NULL;
}

bb_code delivery_queue_new(const char *path, long busy_ms, delivery_queue **out,
			   bb_err *err)
{
	delivery_queue *q = calloc(1, sizeof *q);

	*out = NULL;
	if (!q)
		return bb_oom(err);
	if (db_open(path, &q->db, err) != BB_OK) {
		free(q);
		return err->code;
	}
	if (db_open(path, &q->ckpt_db, err) != BB_OK) {
		db_close(q->db);
		free(q);
		return err->code;
	}
	sqlite3_busy_timeout(db_handle(q->db), (int)busy_ms);
	sqlite3_exec(db_handle(q->db), "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	sqlite3_exec(db_handle(q->db), "PRAGMA wal_autocheckpoint = 0", NULL, NULL, NULL);
	sqlite3_exec(db_handle(q->db), WRITER_CACHE, NULL, NULL, NULL);
	/* Debian's SQLite zeroes every freed page: retention would write each
	 * deleted 15 KB body a second time. FAST still clears freed space that
	 * costs no extra write; bodies hold no secret. */
	sqlite3_exec(db_handle(q->db), "PRAGMA secure_delete = FAST", NULL, NULL, NULL);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->ready, NULL);
	pthread_cond_init(&q->ckpt_wake, NULL);
	if (pthread_create(&q->thread, NULL, writer, q) != 0 ||
	    pthread_create(&q->ckpt_thread, NULL, checkpointer, q) != 0) {
		/* the writer, if it started, is told to stop (and joined) */
		delivery_queue_stop(q);
		return bb_fail(err, BB_TEMP, "Cannot start the database writer thread; try again.");
	}
	*out = q;
	return BB_OK;
}

void delivery_queue_submit(delivery_queue *q, bb_delivery_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	pthread_cond_signal(&q->ready);
	pthread_mutex_unlock(&q->lock);
}

void delivery_queue_stop(delivery_queue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = 1;
	pthread_cond_signal(&q->ready);
	pthread_cond_signal(&q->ckpt_wake);
	pthread_mutex_unlock(&q->lock);
	if (q->thread)
		pthread_join(q->thread, NULL);
	if (q->ckpt_thread)
		pthread_join(q->ckpt_thread, NULL);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->ready);
	pthread_cond_destroy(&q->ckpt_wake);
	db_close(q->ckpt_db);
	db_close(q->db);
	free(q);
}
