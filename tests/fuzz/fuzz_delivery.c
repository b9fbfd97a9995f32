/* fuzz_delivery - libFuzzer target for the webhook payload parser and the
 * trigger mapping.
 *
 * Input: byte 0 picks the X-Event-Key, the rest is the body (not
 * NUL-terminated, on purpose). Parsing must never crash, leak or read past
 * the body; every trigger it yields must name a branch and a commit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "delivery.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const events[] = {
	"repo:push", "pullrequest:created", "pullrequest:updated", "pullrequest:fulfilled",
	"pullrequest:comment_created", "repo:fork", "",
};

static void check_trigger(const bb_trigger *t, void *arg)
{
	(void)arg;
	if (!t->type || !t->branch || !t->commit)
		abort();
	if (strcmp(t->type, "tracked") != 0 && strcmp(t->type, "proposed") != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *event;
	bb_payload p;
	bb_err err;

	if (size < 1)
		return 0;
	event = events[data[0] % (sizeof events / sizeof events[0])];
	if (delivery_parse(event, (const char *)data + 1, size - 1, &p, &err) != BB_OK)
		return 0;
	delivery_triggers(event, &p, "main", check_trigger, NULL);
	if (p.nchanges && p.changes[0].name)
		delivery_triggers(event, &p, p.changes[0].name, check_trigger, NULL);
	if (p.dest_branch)
		delivery_triggers(event, &p, p.dest_branch, check_trigger, NULL);
	delivery_payload_free(&p);
	return 0;
}
