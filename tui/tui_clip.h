/* tui_clip.h - copy to the local clipboard with OSC 52.
 *
 * ESC ] 52 ; c ; <base64> BEL asks the terminal to put the text on the
 * clipboard; it works over SSH because the terminal, not the host, does it.
 * Inside tmux ($TMUX set) the sequence is wrapped for passthrough. Terminals
 * never confirm, so the message says what was sent and that it may not work. */
#include "tui.h"
#ifndef TUI_CLIP_H
#define TUI_CLIP_H

/* The escape sequence for text (len bytes), malloc'd and NUL-terminated;
 * tmux wraps it as ESC P tmux; ESC <seq> ESC \ . NULL when out of memory. */
char *tui_osc52_encode(const char *text, size_t len, bool tmux);

/* Sends text to the terminal's clipboard (wrapped when $TMUX is set) and
 * writes the message for the app to show into msg:
 * "Sent the <what> to your terminal's clipboard (OSC 52); if nothing was
 * copied, your terminal may not allow it." Returns 0, or -1 (msg says why). */
int tui_clipboard_copy(const char *what, const char *text, char *msg, size_t msglen);

#endif
