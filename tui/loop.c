/* loop.c - the stack of screens, the event loop, timers and watched fds.
 *
 * One iteration: lay out if needed, draw what is dirty, flush once
 * (wnoutrefresh + doupdate), then poll() the terminal, the signal pipe, the
 * watched fds and the nearest timer. Handlers return a tui_ret; apply() is the
 * only place that changes the stack. */
#include "tui_priv.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STACK_MAX 32
#define WATCH_MAX 16
#define TIMER_MAX 32
#define HIT_MAX 64
#define WHEEL_LINES 3
#define MOUSE_BATCH 8 /* ncurses keeps no more reports than this */

struct hit {
	tui_rect r;
	tui_hit_kind kind;
	const void *owner;
	size_t index;
};

struct watch {
	int fd;
	tui_fd_fn cb;
	void *arg;
};

struct timer {
	int id;             /* 0 = free slot */
	int64_t due;
	int interval;
	bool repeat;
	tui_timer_fn cb;
	void *arg;
};

static struct {
	tui_screen *stack[STACK_MAX];
	int depth;
	struct watch watches[WATCH_MAX];
	int nwatch;
	struct timer timers[TIMER_MAX];
	int next_timer;
	char message[512];
	bool message_error, message_dirty;
	int message_lines;  /* rows the shown message takes (it grows upwards) */
	bool need_layout, need_full, need_draw, quit;
	bool too_small;
	int64_t tick_due;
	tui_screen *tick_owner;
	tui_paste paste;
	struct hit hits[HIT_MAX];
	int nhits;
	int hit_mark;     /* > 0: a pad is being drawn (tui_hit_mark) */
} loop;

int64_t tui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- messages, watches, timers ------------------------------------------- */

void tui_message(const char *text, bool error)
{
	snprintf(loop.message, sizeof(loop.message), "%s", text ? text : "");
	loop.message_error = error;
	loop.message_dirty = true;
	if (loop.message_lines > 1)
		loop.need_full = true; /* the screen must repaint the rows it covered */
}

int tui_watch_fd(int fd, tui_fd_fn cb, void *arg)
{
	for (int i = 0; i < loop.nwatch; i++)
		if (loop.watches[i].fd == fd) {
			loop.watches[i].cb = cb;
			loop.watches[i].arg = arg;
			return 0;
		}
	if (loop.nwatch >= WATCH_MAX || fd < 0 || !cb)
		return -1;
	loop.watches[loop.nwatch++] = (struct watch){fd, cb, arg};
	return 0;
}

void tui_unwatch_fd(int fd)
{
	for (int i = 0; i < loop.nwatch; i++)
		if (loop.watches[i].fd == fd) {
			loop.watches[i] = loop.watches[--loop.nwatch];
			return;
		}
}

int tui_timer_add(int ms, bool repeat, tui_timer_fn cb, void *arg)
{
	if (!cb || ms < 0)
		return -1;
	for (int i = 0; i < TIMER_MAX; i++) {
		struct timer *t = &loop.timers[i];

		if (t->id)
			continue;
		if (++loop.next_timer <= 0)
			loop.next_timer = 1;
		*t = (struct timer){loop.next_timer, tui_now_ms() + ms, ms > 0 ? ms : 1,
			repeat, cb, arg};
		return t->id;
	}
	return -1;
}

void tui_timer_cancel(int id)
{
	for (int i = 0; id > 0 && i < TIMER_MAX; i++)
		if (loop.timers[i].id == id)
			loop.timers[i].id = 0;
}

/* ---- where the widgets of the top screen are ----------------------------- */

bool tui_rect_has(tui_rect r, int y, int x)
{
	return y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w;
}

void tui_hit_clear(void)
{
	loop.nhits = 0;
}

static bool hit_same(const struct hit *a, const struct hit *b)
{
	return a->owner == b->owner && a->index == b->index && a->kind == b->kind;
}

void tui_hit_add(tui_rect r, tui_hit_kind kind, const void *owner, size_t index)
{
	/* between a mark and its shift, only this pad's entries are the same draw */
	for (int i = loop.hit_mark > 0 ? loop.hit_mark : 0; i < loop.nhits; i++)
		if (loop.hits[i].owner == owner && loop.hits[i].index == index &&
		    loop.hits[i].kind == kind) {
			loop.hits[i].r = r; /* drawn again: it may have moved */
			return;
		}
	if (loop.nhits < HIT_MAX && r.w > 0 && r.h > 0)
		loop.hits[loop.nhits++] = (struct hit){r, kind, owner, index};
}

int tui_hit_mark(void)
{
	loop.hit_mark = loop.nhits;
	return loop.hit_mark;
}

/* The part of r inside clip's rows (0 rows when none). */
static tui_rect clip_rows(tui_rect r, tui_rect clip)
{
	int top = r.y > clip.y ? r.y : clip.y;
	int end = r.y + r.h < clip.y + clip.h ? r.y + r.h : clip.y + clip.h;

	r.h = end > top ? end - top : 0;
	r.y = top;
	return r;
}

void tui_hit_shift(int mark, int dy, int dx, tui_rect clip)
{
	int n = mark, kept = 0;

	for (int i = mark; i < loop.nhits; i++) {
		struct hit h = loop.hits[i];

		h.r.y += dy, h.r.x += dx;
		h.r = clip_rows(h.r, clip);
		if (h.r.h > 0)
			loop.hits[n++] = h;
	}
	loop.nhits = n;
	/* what an earlier draw registered for the same widgets is stale now */
	for (int i = 0; i < loop.nhits; i++) {
		bool stale = false;

		for (int j = mark; i < mark && !stale && j < loop.nhits; j++)
			stale = hit_same(&loop.hits[i], &loop.hits[j]);
		if (!stale)
			loop.hits[kept++] = loop.hits[i];
	}
	loop.nhits = kept;
	loop.hit_mark = 0;
}

int tui_click_target(const tui_event *ev, const void *const *widgets, size_t n)
{
	if (ev->action != TUI_ACT_CLICK || !ev->hit_owner)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (widgets[i] && widgets[i] == ev->hit_owner)
			return (int)i;
	return -1;
}

/* ---- the stack ---------------------------------------------------------------- */

static tui_screen *top(void)
{
	return loop.depth ? loop.stack[loop.depth - 1] : NULL;
}

/* The area a screen draws in: between the title line and the message line,
 * or the whole terminal for an overlay. */
static void set_area(tui_screen *s)
{
	int cols, rows;

	tui_size(&cols, &rows);
	s->area = s->overlay ? (tui_rect){0, 0, rows - 1, cols}
		: (tui_rect){1, 0, rows - 3, cols};
}

static void layout_screen(tui_screen *s)
{
	set_area(s);
	if (s->ops->resize)
		s->ops->resize(s);
}

static void destroy_screen(tui_screen *s)
{
	if (s->ops->destroy)
		s->ops->destroy(s);
}

static void push_screen(tui_screen *s)
{
	if (loop.depth >= STACK_MAX) {
		destroy_screen(s);
		tui_message("Too many windows are open; close one first.", true);
		return;
	}
	loop.stack[loop.depth++] = s;
	layout_screen(s);
	loop.need_full = true;
}

void tui_reload_all(void)
{
	for (int i = 0; i < loop.depth; i++)
		loop.stack[i]->stale = true;
	loop.need_full = true;
}

/* The first screen drawn: the top one and the screens below its overlays. */
static int base_index(void)
{
	int base = loop.depth - 1;

	while (base > 0 && loop.stack[base]->overlay)
		base--;
	return base < 0 ? 0 : base;
}

/* Refreshes the stale screens in view (before they are drawn). */
static void refresh_visible(void)
{
	for (int i = base_index(); i < loop.depth; i++) {
		tui_screen *s = loop.stack[i];

		if (!s->stale)
			continue;
		s->stale = false;
		if (s->ops->reload) {
			s->ops->reload(s);
			loop.need_full = true;
		}
	}
}

static void apply(tui_ret r)
{
	for (unsigned i = 0; i < r.pop && loop.depth > 0; i++)
		destroy_screen(loop.stack[--loop.depth]);
	/* a screen back on top shows what is true now, not what was when it was left */
	for (int i = 0; r.pop && i < loop.depth; i++)
		loop.stack[i]->stale = true;
	if (r.push)
		push_screen(r.push);
	if (r.flags & TUI_R_QUIT || loop.depth == 0)
		loop.quit = true;
	if (r.flags & TUI_R_FULL || r.pop)
		loop.need_full = true;
	if (r.flags & TUI_R_REDRAW)
		loop.need_draw = true;
}

/* Whether the screen lets the user do action now (see ops->allowed). */
static bool screen_allows(void *arg, int action)
{
	tui_screen *s = arg;

	return action < TUI_ACT_APP || !s->ops->allowed || s->ops->allowed(s, action, NULL, 0);
}

/* What the loop does with a key the screen left alone. */
static void default_action(tui_screen *s, int action)
{
	switch (action) {
	case TUI_ACT_HELP:
		apply(tui_push(tui_help_screen_if(s->title, s->keys, screen_allows, s)));
		break;
	case TUI_ACT_BACK:
		apply(tui_pop());
		break;
	case TUI_ACT_QUIT:
		apply(tui_quit());
		break;
	case TUI_ACT_RELOAD:
		tui_reload_all();
		clearok(curscr, TRUE); /* and repaint every cell, as Ctrl-L does elsewhere */
		break;
	default:
		break;
	}
}

/* ---- drawing ------------------------------------------------------------------------ */

static void draw_frame_title(int cols)
{
	const char *title = "";

	for (int i = loop.depth - 1; i >= 0; i--)
		if (!loop.stack[i]->overlay) {
			title = loop.stack[i]->title ? loop.stack[i]->title : "";
			break;
		}
	tui_put(stdscr, 0, 0, cols, title, tui_attr(TUI_TITLE), true);
}

/* A message too long for one row grows upwards over the bottom of the screen
 * (at most MESSAGE_MAX_LINES rows): a sentence cut short says nothing. */
#define MESSAGE_MAX_LINES 6

static void draw_message(int cols, int rows)
{
	char clean[sizeof(loop.message) * 3], line[sizeof(clean)];
	size_t starts[MESSAGE_MAX_LINES], lens[MESSAGE_MAX_LINES], need;
	attr_t attr = tui_attr(loop.message_error ? TUI_ERROR : TUI_NORMAL);
	int n;

	tui_sanitize(loop.message, strlen(loop.message), clean, sizeof(clean));
	need = tui_wrap(clean, cols, starts, lens, MESSAGE_MAX_LINES);
	n = need < 1 ? 1 : need > MESSAGE_MAX_LINES ? MESSAGE_MAX_LINES : (int)need;
	if (n > rows - 3)
		n = rows - 3 > 1 ? rows - 3 : 1;
	if (n == 1 || need <= 1) {
		tui_put(stdscr, rows - 2, 0, cols, clean, attr, true);
		n = 1;
	}
	for (int i = 0; n > 1 && i < n; i++) {
		/* the last row keeps the rest of the text, so an overflow ends in "…" */
		size_t len = i == n - 1 ? strlen(clean + starts[i]) : lens[i];

		snprintf(line, sizeof(line), "%.*s", (int)len, clean + starts[i]);
		tui_put(stdscr, rows - 1 - n + i, 0, cols, line, attr, true);
	}
	loop.message_lines = n;
	loop.message_dirty = false;
}

static void draw_hints(int cols, int rows)
{
	char bar[1024];

	if (top())
		tui_keytable_hintbar_if(top()->keys, screen_allows, top(), cols, bar, sizeof(bar));
	else
		bar[0] = '\0';
	tui_put(stdscr, rows - 1, 0, cols, bar, tui_attr(TUI_HINT), true);
}

static void draw_too_small(int cols, int rows)
{
	char text[256], *q;

	tui_too_small_text(tui_term_app(), cols, rows, tui_term_min_cols(),
			tui_term_min_rows(), text, sizeof(text));
	/* q would lose typed input: it is off, and the sentence says so */
	q = tui_term_has_hangup() ? strstr(text, " or press q to quit.") : NULL;
	if (q)
		snprintf(q, sizeof(text) - (size_t)(q - text), "; what you typed is kept meanwhile.");
	size_t starts[64], lens[64], n = tui_wrap(text, cols, starts, lens, 64);

	werase(stdscr);
	for (size_t y = 0; y < n && y < 64 && (int)y < rows; y++)
		mvwaddnstr(stdscr, (int)y, 0, text + starts[y], (int)lens[y]);
}

static void draw_all(int cols, int rows)
{
	int base = base_index();

	werase(stdscr);
	draw_frame_title(cols);
	if (loop.depth && loop.stack[base]->overlay)
		base = 0;
	for (int i = base; i < loop.depth; i++) {
		if (i == loop.depth - 1)
			tui_hit_clear(); /* only the top screen's widgets take clicks */
		loop.stack[i]->ops->draw(loop.stack[i], stdscr, true);
	}
	draw_message(cols, rows);
	draw_hints(cols, rows);
}

static void place_cursor(void)
{
	tui_screen *s = top();
	int y, x;

	if (!loop.too_small && s && s->ops->cursor && s->ops->cursor(s, &y, &x)) {
		leaveok(stdscr, FALSE);
		wmove(stdscr, y, x);
		curs_set(1);
	} else {
		/* a hidden cursor may stay where the last write left it: moving it
		 * back costs bytes on every frame and shows nothing */
		leaveok(stdscr, TRUE);
		curs_set(0);
	}
}

static void render(void)
{
	int cols, rows;

	tui_size(&cols, &rows);
	if (loop.need_layout) {
		for (int i = 0; i < loop.depth; i++)
			layout_screen(loop.stack[i]);
		loop.need_layout = false;
		loop.need_full = true;
	}
	loop.too_small = cols < tui_term_min_cols() || rows < tui_term_min_rows();
	if (!loop.too_small)
		refresh_visible();
	if (loop.too_small) {
		if (loop.need_full || loop.need_draw)
			draw_too_small(cols, rows);
	} else if (loop.need_full) {
		draw_all(cols, rows);
	} else {
		if (loop.need_draw && top())
			top()->ops->draw(top(), stdscr, false);
		/* a tall message lies over the screen's last rows: draw it again */
		if (loop.message_dirty || (loop.need_draw && loop.message_lines > 1))
			draw_message(cols, rows);
	}
	loop.need_full = loop.need_draw = false;
	/* raw sequences (OSC 52) first: the frame may say they were sent */
	tui_term_flush_raw();
	place_cursor();
	wnoutrefresh(stdscr);
	doupdate();
}

/* ---- input ---------------------------------------------------------------------------- */

static void dispatch(tui_screen *s, tui_event ev)
{
	tui_ret r;

	/* A message answers the key before it; the next key clears it, so it is
	 * never left standing on a screen it does not belong to. */
	if (loop.message[0])
		tui_message(NULL, false);
	if (ev.action >= TUI_ACT_APP && s->ops->allowed) {
		char why[512] = "";

		if (!s->ops->allowed(s, ev.action, why, sizeof why)) {
			/* said at once: no question is asked for what will be refused */
			tui_message(why[0] ? why : "You may not do that here.", true);
			return;
		}
	}
	r = s->ops->key(s, &ev);
	if (r.flags & TUI_R_UNHANDLED)
		default_action(s, ev.action);
	else
		apply(r);
}

static void dispatch_key(tui_key key, const char *text)
{
	tui_screen *s = top();
	tui_event ev = {key, 0, text};

	if (!s)
		return;
	if (loop.too_small) {
		if ((key == 'q' || key == 'Q') && !tui_term_has_hangup())
			loop.quit = true;
		return;
	}
	ev.action = key == TUI_K_PASTE ? 0 : tui_keytable_action(s->keys, key);
	dispatch(s, ev);
}

/* A click goes to the top screen with the widget under it; the wheel moves
 * like Up and Down would, where the screen has those actions. Releases and
 * the other buttons are reported (see tui_term) but do nothing. */
static void dispatch_mouse_event(const MEVENT *me)
{
	tui_screen *s = top();
	tui_event ev = {TUI_K_MOUSE, TUI_ACT_CLICK, NULL};

	if (!s || loop.too_small)
		return;
	ev.y = me->y, ev.x = me->x;
	if (me->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		ev.action = me->bstate & BUTTON4_PRESSED ? TUI_ACT_UP : TUI_ACT_DOWN;
		if (!tui_keytable_has(s->keys, ev.action))
			return;
		for (int i = 0; i < WHEEL_LINES && top() == s && !loop.quit; i++)
			dispatch(s, ev);
		return;
	}
	if (!(me->bstate & BUTTON1_PRESSED))
		return;
	for (int i = loop.nhits - 1; i >= 0; i--)
		if (tui_rect_has(loop.hits[i].r, me->y, me->x)) {
			ev.hit = loop.hits[i].kind;
			ev.hit_owner = loop.hits[i].owner;
			ev.hit_index = loop.hits[i].index;
			break;
		}
	dispatch(s, ev);
}

/* One KEY_MOUSE may stand for several reports that came together (a press
 * and its release); getmouse gives them newest first, so they are taken
 * all, then handled oldest first. */
static void dispatch_mouse(void)
{
	MEVENT me[MOUSE_BATCH];
	int n = 0;

	while (n < MOUSE_BATCH && getmouse(&me[n]) == OK)
		n++;
	while (n-- > 0 && !loop.quit)
		dispatch_mouse_event(&me[n]);
}

static void handle_key(tui_key key)
{
	enum tui_paste_res pr = tui_paste_feed(&loop.paste, key);
	char *text;

	if (pr == TUI_PASTE_HELD)
		return;
	if (pr == TUI_PASTE_DONE) {
		text = tui_paste_take(&loop.paste);
		if (text) {
			dispatch_key(TUI_K_PASTE, text);
			explicit_bzero(text, strlen(text));
			free(text);
		}
		return;
	}
	if (key == TUI_K_RESIZE) {
		loop.need_layout = true;
		return;
	}
	if (key == TUI_K_MOUSE) {
		dispatch_mouse();
		return;
	}
	dispatch_key(key, NULL);
}

/* Reads every key curses has; returns -1 when the terminal is gone. */
static int read_keys(void)
{
	wint_t wc;
	int rc;

	while ((rc = get_wch(&wc)) != ERR && !loop.quit)
		handle_key(tui_term_key(rc, wc));
	if (rc == ERR && (errno == EIO || errno == EBADF || errno == EPIPE))
		return -1;
	return 0;
}

/* ---- timers ---------------------------------------------------------------------- */

static void run_timers(void)
{
	int64_t now = tui_now_ms();

	for (int i = 0; i < TIMER_MAX && !loop.quit; i++) {
		struct timer *t = &loop.timers[i];
		tui_timer_fn cb = t->cb;
		void *arg = t->arg;

		if (!t->id || t->due > now)
			continue;
		if (t->repeat)
			t->due = now + t->interval;
		else
			t->id = 0;
		apply(cb(arg));
	}
	if (top() && top() != loop.tick_owner) {
		loop.tick_owner = top();
		loop.tick_due = now + top()->tick_ms;
	}
	if (top() && top()->tick_ms > 0 && top()->ops->tick && loop.tick_due <= now) {
		loop.tick_due = now + top()->tick_ms;
		apply(top()->ops->tick(top()));
	}
}

static int poll_timeout(void)
{
	int64_t now = tui_now_ms(), next = -1;

	for (int i = 0; i < TIMER_MAX; i++)
		if (loop.timers[i].id && (next < 0 || loop.timers[i].due < next))
			next = loop.timers[i].due;
	if (top() && top()->tick_ms > 0 && top()->ops->tick && (next < 0 || loop.tick_due < next))
		next = loop.tick_due;
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

/* ---- the loop ------------------------------------------------------------------- */

/* Waits for input, signals, fds or timers and handles them. Returns the
 * signal that ends the session (SIGHUP when the terminal is gone), or 0. */
static int wait_and_handle(void)
{
	struct pollfd pfd[WATCH_MAX + 2];
	int n = 0, sig;
	bool winch = false;

	pfd[n++] = (struct pollfd){STDIN_FILENO, POLLIN, 0};
	pfd[n++] = (struct pollfd){tui_term_signal_fd(), POLLIN, 0};
	for (int i = 0; i < loop.nwatch; i++)
		pfd[n++] = (struct pollfd){loop.watches[i].fd, POLLIN, 0};
	if (poll(pfd, (nfds_t)n, poll_timeout()) < 0 && errno != EINTR)
		return SIGHUP;
	sig = tui_term_take_signals(&winch);
	if (sig)
		return sig;
	if (winch) {
		tui_term_resize();
		loop.need_layout = true;
	}
	if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
		if (read_keys() < 0 || (pfd[0].revents & (POLLHUP | POLLERR) && !(pfd[0].revents & POLLIN)))
			return SIGHUP;
	}
	for (int i = 2; i < n && !loop.quit; i++)
		if (pfd[i].revents) {
			/* the callback may unwatch: look it up again */
			for (int j = 0; j < loop.nwatch; j++)
				if (loop.watches[j].fd == pfd[i].fd) {
					apply(loop.watches[j].cb(pfd[i].fd, loop.watches[j].arg));
					break;
				}
		}
	run_timers();
	return 0;
}

static void destroy_all(void)
{
	while (loop.depth > 0)
		destroy_screen(loop.stack[--loop.depth]);
	tui_paste_free(&loop.paste);
	loop.tick_owner = NULL;
}

int tui_run(tui_screen *first)
{
	int sig = 0;

	if (!tui_term_started() || !first)
		return -1;
	loop.quit = false;
	loop.need_layout = true;
	push_screen(first);
	while (!loop.quit && !sig) {
		render();
		sig = wait_and_handle();
	}
	if (sig == SIGHUP || sig == SIGTERM || sig == SIGINT) /* typed input kept as a draft */
		tui_term_run_hangup();
	destroy_all();
	if (sig) {
		tui_end();
		return 128 + sig;
	}
	return 0;
}
