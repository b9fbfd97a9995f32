/* The console inside a real tmux (its own server on a socket in the test's
 * directory): copying the webhook endpoint with OSC 52 lands in tmux's paste
 * buffer when set-clipboard is on, which the passthrough form alone never
 * did, and the message names set-clipboard. Every wait has a deadline. */
#include "test_console_lib.h"

#include <time.h>

typedef struct tmux {
	char sock[PATH_MAX + 32];
} tmux;

/* Runs `tmux -S sock ARGS` (a shell fragment); returns its stdout, malloc'd. */
static char *tmux_run(const tmux *t, const char *args)
{
	char cmd[2 * PATH_MAX + 1024];
	char *out = calloc(1, 65536);
	size_t n = 0, got;
	FILE *p;

	assert_non_null(out);
	snprintf(cmd, sizeof cmd, "tmux -S '%s' %s 2>&1", t->sock, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (n + 1 < 65536 && (got = fread(out + n, 1, 65535 - n, p)) > 0)
		n += got;
	pclose(p);
	return out;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until the pane shows text (polls capture-pane up to WAIT_MS). */
static void pane_wait(const tmux *t, const char *text)
{
	int64_t end = now_ms() + WAIT_MS;
	char *screen = NULL;

	for (;;) {
		struct timespec pause = {0, 50 * 1000 * 1000};

		free(screen);
		screen = tmux_run(t, "capture-pane -p -J -t bb");
		if (strstr(screen, text) || now_ms() > end)
			break;
		nanosleep(&pause, NULL);
	}
	if (!strstr(screen, text))
		fail_msg("tmux never showed \"%s\"; the pane:\n%s", text, screen);
	free(screen);
}

static void copy_reaches_the_tmux_buffer(void **state)
{
	cliexec_home *h = *state;
	char args[3 * PATH_MAX + 512], *buf;
	const char *bin = getenv("BBCONSOLE_BIN");
	tmux t;
	cJSON *j;

	assert_non_null(bin);
	cliexec_init(h, NULL);
	con_integration(h, "Prod BB", NULL, "prod", NULL);
	j = con_show(h, "prod-bb");
	snprintf(t.sock, sizeof t.sock, "%s/tmux.sock", h->dir);
	snprintf(args, sizeof args,
		 "-f /dev/null new-session -d -s bb -x 80 -y 24 "
		 "\"env BBCONSOLE_DB='%s' BBCONSOLE_USER=alice BBCONSOLE_NOW= "
		 "BBCONSOLE_BITBUCKET_API=http://127.0.0.1:1/2.0 '%s'\" \\; "
		 "set -g set-clipboard on", h->db, bin);
	free(tmux_run(&t, args));
	pane_wait(&t, "Bitbucket Cloud integrations");
	free(tmux_run(&t, "send-keys -t bb Enter"));
	pane_wait(&t, "Integration: Prod BB");
	free(tmux_run(&t, "send-keys -t bb w"));
	pane_wait(&t, "Webhook setup: Prod BB");
	free(tmux_run(&t, "send-keys -t bb c"));
	pane_wait(&t, "set-clipboard on");
	buf = tmux_run(&t, "show-buffer");
	assert_string_equal(buf, con_jstr(j, "webhook_endpoint"));
	free(buf);
	cJSON_Delete(j);
}

/* The tmux server goes too, even when a check failed half way. */
static int teardown(void **state)
{
	cliexec_home *h = *state;
	tmux t;

	snprintf(t.sock, sizeof t.sock, "%s/tmux.sock", h->dir);
	free(tmux_run(&t, "kill-server"));
	return con_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(copy_reaches_the_tmux_buffer, con_setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
