/* clip.c - OSC 52 clipboard copy. */
#include "tui_priv.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define OSC52_MAX_INPUT (100 * 1000) /* terminals cap the sequence; stay well below */

char *tui_osc52_encode(const char *text, size_t len, bool tmux)
{
	/* tmux passthrough: ESC P tmux; <sequence with each ESC doubled> ESC \ */
	static const char plain_head[] = "\033]52;c;", tmux_head[] = "\033Ptmux;\033\033]52;c;";
	static const char plain_tail[] = "\a", tmux_tail[] = "\a\033\\";
	const char *head = tmux ? tmux_head : plain_head, *tail = tmux ? tmux_tail : plain_tail;
	size_t b64 = 4 * ((len + 2) / 3), hl = strlen(head), tl = strlen(tail);
	char *out = malloc(hl + b64 + tl + 1);

	if (!out)
		return NULL;
	memcpy(out, head, hl);
	if (EVP_EncodeBlock((unsigned char *)out + hl, (const unsigned char *)text, (int)len) < 0) {
		free(out);
		return NULL;
	}
	memcpy(out + hl + b64, tail, tl + 1);
	return out;
}

int tui_clipboard_copy(const char *what, const char *text, char *msg, size_t msglen)
{
	size_t len = text ? strlen(text) : 0;
	const char *tmux = getenv("TMUX");
	char *seq;
	int rc;

	if (len > OSC52_MAX_INPUT) {
		snprintf(msg, msglen, "The %s is too long to send to the clipboard; select it "
				"on the screen instead.", what);
		return -1;
	}
	seq = tui_osc52_encode(text ? text : "", len, tmux && *tmux);
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
	snprintf(msg, msglen, "Sent the %s to your terminal's clipboard (OSC 52); if nothing "
			"was copied, your terminal may not allow it.", what);
	return 0;
}
