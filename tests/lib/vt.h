/* vt.h - screen-test harness: run a program on a pseudo-terminal, read its
 * output with libvterm, send keys, wait for text, compare with golden files.
 *
 * Waits poll the pty with a deadline; they never sleep a fixed time. */
#ifndef BB_TEST_VT_H
#define BB_TEST_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vt vt;

/* Starts argv[0] (a path) on a new pty of cols x rows with TERM=xterm-256color,
 * LANG/LC_ALL=C.UTF-8, the current environment plus `env` ("NAME=value"
 * strings, NULL-terminated; "NAME=" with nothing after unsets NAME) in
 * directory cwd (NULL = current). Returns NULL on failure (printed). */
vt *vt_spawn(const char *const argv[], const char *const env[], const char *cwd,
		int cols, int rows);
/* Kills the child if it still runs (SIGKILL), reaps it, frees everything. */
void vt_free(vt *v);

/* Sends raw bytes / UTF-8 text as typed. Returns 0 or -1. */
int vt_send(vt *v, const char *bytes);
/* Sends one named key, as the terminal would in its current modes: "Enter",
 * "Esc", "Tab", "BackTab", "Up", "Down", "Left", "Right", "Home", "End",
 * "PgUp", "PgDn", "Backspace", "Delete", "Insert", "F1".."F12", "Space",
 * "Ctrl-A".."Ctrl-Z", or a single character. Returns 0, or -1 for an unknown
 * name. */
int vt_key(vt *v, const char *name);
/* Sends text wrapped in bracketed-paste markers. */
int vt_paste(vt *v, const char *text);

/* Reads pending output for up to timeout_ms (0 = only what is ready now).
 * Returns true if any output arrived. */
bool vt_pump(vt *v, int timeout_ms);
/* Waits until text appears on the screen; false on timeout (and prints the
 * screen to stderr, to help debugging). */
bool vt_wait_text(vt *v, const char *text, int timeout_ms);
/* Waits until text is no longer on the screen. */
bool vt_wait_gone(vt *v, const char *text, int timeout_ms);
/* Waits until row `row` contains text. */
bool vt_wait_row(vt *v, int row, const char *text, int timeout_ms);
/* Waits until no output arrived for quiet_ms (at most timeout_ms in all). */
bool vt_wait_quiet(vt *v, int quiet_ms, int timeout_ms);

/* Any condition on the screen, with a deadline: pumps output until expr holds
 * or timeout_ms passes, and is expr's last value. A frame reaches the pty in
 * pieces, so a check made once right after a wait may see half of it: wrap
 * every check of what a key changes in VT_UNTIL (or WAIT/GONE). On a timeout
 * the screen is printed with the condition's text. */
#define VT_UNTIL(v, timeout_ms, expr)                                          \
	__extension__({                                                        \
		int64_t vt_end_ = vt_clock_ms() + (timeout_ms);               \
		bool vt_ok_;                                                   \
		while (!(vt_ok_ = (expr)) && vt_pump_before((v), vt_end_, #expr)) \
			;                                                      \
		vt_ok_;                                                        \
	})
/* CLOCK_MONOTONIC in milliseconds. */
int64_t vt_clock_ms(void);
/* VT_UNTIL's step: pumps output for up to 100 ms and returns true while the
 * deadline end_ms has not passed and the child's output is open; otherwise
 * prints the screen with `what` and returns false. */
bool vt_pump_before(vt *v, int64_t end_ms, const char *what);

/* The screen as UTF-8, one line per row joined by '\n' (trailing spaces cut,
 * wide characters once). malloc'd. */
char *vt_screen_text(vt *v);
/* One row (trailing spaces cut), malloc'd. */
char *vt_row(vt *v, int row);
/* True if the screen contains text now. */
bool vt_has_text(vt *v, const char *text);

/* Cell attributes for assertions about selection and colour. */
typedef struct vt_cell {
	bool reverse, bold, underline;
	bool fg_default, bg_default; /* no colour set */
} vt_cell;
vt_cell vt_cell_at(vt *v, int row, int col);
/* True if a selected row (reverse from its first column) shows text now. */
bool vt_selected_has(vt *v, const char *text);
/* True if any cell on the screen has a non-default colour. */
bool vt_any_color(vt *v);
void vt_cursor(vt *v, int *row, int *col);
bool vt_cursor_visible(vt *v);
bool vt_altscreen(vt *v);   /* the program is on the alternate screen */
int vt_cols(vt *v);
int vt_rows(vt *v);

/* Resizes the pty (TIOCSWINSZ: the child gets SIGWINCH) and the emulator. */
int vt_resize(vt *v, int cols, int rows);
/* Bytes received from the child so far. */
uint64_t vt_bytes_received(vt *v);
/* Raw bytes received so far (NUL-terminated copy of the last up-to-1 MiB). */
const char *vt_raw(vt *v, size_t *len);
int vt_send_signal(vt *v, int sig);
/* The child's process id (for /proc reads in benchmarks). */
int vt_pid(const vt *v);
/* Waits for the child to exit, reading its output meanwhile; stores the wait
 * status in *status (may be NULL). False on timeout. */
bool vt_wait_exit(vt *v, int *status, int timeout_ms);

/* Compares the screen with $BBCONSOLE_SRC/tests/screen/golden/<name>.<cols>x<rows>.txt.
 * With BB_UPDATE_GOLDEN=1 writes the file instead and returns true. On a
 * mismatch prints the differing rows (expected/actual) and returns false. */
bool vt_golden(vt *v, const char *name);
/* The same, after replacing in the screen text every occurrence of each
 * pairs[2i] by pairs[2i+1] (pairs is NULL-terminated: {from, to, ..., NULL}),
 * both before comparing and before writing. For values that change with every
 * run, such as an account id: give a replacement of the same length so the
 * columns stay as the program drew them. */
bool vt_golden_masked(vt *v, const char *name, const char *const *pairs);

#endif
