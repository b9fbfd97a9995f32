/* delivery_queue.h - the receiver's single writer: deliveries checked in the
 * request threads are queued here, written in batches (one transaction, one
 * commit for all the deliveries waiting), and each is handed back once its
 * batch is committed, so the answer is sent only after the delivery is
 * durable. */
#ifndef BB_DELIVERY_QUEUE_H
#define BB_DELIVERY_QUEUE_H

#include "delivery.h"

typedef struct delivery_queue delivery_queue;

/* Opens its own connection to the database at path (synchronous=FULL: a
 * commit is on disk before anyone is answered) and starts the writer.
 * busy_ms is how long a batch waits for a busy database before its
 * deliveries are answered 503. */
bb_code delivery_queue_new(const char *path, long busy_ms, delivery_queue **out,
			   bb_err *err);

/* Queues a checked job (job->record set). job->done(job, job->done_arg) is
 * called from the writer thread once the job's status is final; after that
 * call the queue no longer touches the job. */
void delivery_queue_submit(delivery_queue *q, bb_delivery_job *job);

/* Writes everything already submitted, stops the writer, closes. */
void delivery_queue_stop(delivery_queue *q);

#endif
