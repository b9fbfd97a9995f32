/* clip.c - OSC 52 clipboard copy, and the base64 it carries. */
#include "tui_priv.h"

#include <stdlib.h>
#include <string.h>

#define OSC52_MAX_INPUT (100 * 1000) /* terminals cap the sequence; stay well below */
#define SCREEN_CHUNK 76              /* screen cuts a DCS string longer than 768 bytes */

size_t tui_base64(const char *in, size_t len, char *out)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *u = (const unsigned char *)in;
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		unsigned long v = (unsigned long)u[i] << 16;

		if (i + 1 < len)
			v |= (unsigned long)u[i + 1] << 8;
		if (i + 2 < len)
			v |= u[i + 2];
		out[o++] = digits[(v >> 18) & 63];
		out[o++] = digits[(v >> 12) & 63];
		out[o++] = i + 1 < len ? digits[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? digits[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

tui_osc52_mode tui_osc52_detect(void)
{
	const char *tmux = getenv("TMUX"), *sty = getenv("STY"), *term = getenv("TERM");

	if (tmux && *tmux)
		return TUI_OSC52_TMUX;
	if ((sty && *sty) || (term && strncmp(term, "screen", 6) == 0))
		return TUI_OSC52_SCREEN;
	return TUI_OSC52_PLAIN;
}

/* Appends n bytes (the buffer was sized for everything). */
static void add(char *out, size_t *pos, const char *b, size_t n)
{
	memcpy(out + *pos, b, n);
	*pos += n;
}

char *tui_osc52_encode(const char *text, size_t len, tui_osc52_mode mode)
{
	static const char head[] = "\033]52;c;", tail[] = "\a";
	/* tmux passthrough: ESC P tmux; <sequence with each ESC doubled> ESC \ */
	static const char tmux_head[] = "\033Ptmux;\033\033]52;c;", tmux_tail[] = "\a\033\\";
	/* screen passes a DCS string through; long ones go in pieces */
	static const char dcs[] = "\033P", st[] = "\033\\";
	size_t b64 = 4 * ((len + 2) / 3), pos = 0;
	size_t room = 2 * (b64 + 64) + (b64 / SCREEN_CHUNK + 1) * 4;
	char *enc = malloc(b64 + 1), *out = enc ? malloc(room) : NULL;

	if (!out) {
		free(enc);
		return NULL;
	}
	tui_base64(text, len, enc);
	if (mode == TUI_OSC52_SCREEN) {
		add(out, &pos, dcs, 2);
		add(out, &pos, head, strlen(head));
		for (size_t i = 0; i < b64; i += SCREEN_CHUNK) {
			if (i)
				add(out, &pos, "\033\\\033P", 4);
			add(out, &pos, enc + i, b64 - i < SCREEN_CHUNK ? b64 - i : SCREEN_CHUNK);
		}
		add(out, &pos, tail, 1);
		add(out, &pos, st, 2);
	} else {
		/* tmux stores the plain sequence and forwards it (set-clipboard on);
		 * the passthrough form reaches the terminal when allow-passthrough is on */
		add(out, &pos, head, strlen(head));
		add(out, &pos, enc, b64);
		add(out, &pos, tail, 1);
		if (mode == TUI_OSC52_TMUX) {
			add(out, &pos, tmux_head, strlen(tmux_head));
			add(out, &pos, enc, b64);
			add(out, &pos, tmux_tail, strlen(tmux_tail));
		}
	}
	out[pos] = '\0';
	explicit_bzero(enc, b64);
	free(enc);
	return out;
}

/* What was sent where, said without claiming it worked: no terminal answers. */
static void sent_message(tui_osc52_mode mode, const char *what, char *msg, size_t msglen)
{
	if (mode == TUI_OSC52_TMUX)
		snprintf(msg, msglen, "Sent the %s to tmux's clipboard (OSC 52); tmux keeps it only "
			 "with set-clipboard on, and your terminal may not allow it.", what);
	else if (mode == TUI_OSC52_SCREEN)
		snprintf(msg, msglen, "Sent the %s through screen to your terminal's clipboard "
			 "(OSC 52); if nothing was copied, your terminal may not allow it.", what);
	else
		snprintf(msg, msglen, "Sent the %s to your terminal's clipboard (OSC 52); if nothing "
			 "was copied, your terminal may not allow it.", what);
}

int tui_clipboard_copy(const char *what, const char *text, char *msg, size_t msglen)
{
	size_t len = text ? strlen(text) : 0;
	tui_osc52_mode mode = tui_osc52_detect();
	char *seq;
	int rc;

	if (len > OSC52_MAX_INPUT) {
		snprintf(msg, msglen, "The %s is too long to send to the clipboard; select it "
				"on the screen instead.", what);
		return -1;
	}
	seq = tui_osc52_encode(text ? text : "", len, mode);
	if (!seq) {
		snprintf(msg, msglen, "Out of memory while copying the %s.", what);
		return -1;
	}
	rc = tui_write_raw(seq, strlen(seq));
	explicit_bzero(seq, strlen(seq));
	free(seq);
	if (rc < 0) {
		snprintf(msg, msglen, "Could not send the %s to the terminal.", what);
		return -1;
	}
	sent_message(mode, what, msg, msglen);
	return 0;
}
