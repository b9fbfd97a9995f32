/* tui_clip.h - copy to the local clipboard with OSC 52.
 *
 * ESC ] 52 ; c ; <base64> BEL asks the terminal to put the text on the
 * clipboard; it works over SSH because the terminal, not the host, does it.
 * Inside tmux ($TMUX set) the plain sequence goes first (tmux stores it and
 * forwards it with set-clipboard on), then the passthrough form (for
 * allow-passthrough on); inside GNU screen ($STY set, or TERM=screen*) it goes
 * in screen's DCS passthrough. Terminals never confirm, so the message says
 * what was sent and that it may not work. */
#include "tui.h"
#ifndef TUI_CLIP_H
#define TUI_CLIP_H

typedef enum tui_osc52_mode {
	TUI_OSC52_PLAIN,  /* ESC ] 52 ; c ; <base64> BEL */
	TUI_OSC52_TMUX,   /* plain, then ESC P tmux; <with each ESC doubled> ESC \ */
	TUI_OSC52_SCREEN  /* ESC P <plain, cut every 76 base64 digits by ESC \ ESC P> ESC \ */
} tui_osc52_mode;

/* The mode for where the program runs: $TMUX, then $STY or TERM=screen*. */
tui_osc52_mode tui_osc52_detect(void);

/* The escape sequence(s) for text (len bytes) in mode, malloc'd and
 * NUL-terminated; NULL when out of memory. */
char *tui_osc52_encode(const char *text, size_t len, tui_osc52_mode mode);

/* Standard base64 (RFC 4648, padded) of in[0..len) into out, which has room
 * for 4 * ((len + 2) / 3) + 1 bytes; returns the digits written. */
size_t tui_base64(const char *in, size_t len, char *out);

/* Sends text to the terminal's clipboard (in the detected mode) and writes
 * the message for the app to show into msg, e.g. "Sent the <what> to your
 * terminal's clipboard (OSC 52); if nothing was copied, your terminal may not
 * allow it." (under tmux it names set-clipboard). Returns 0, or -1 (msg says
 * why). */
int tui_clipboard_copy(const char *what, const char *text, char *msg, size_t msglen);

#endif
