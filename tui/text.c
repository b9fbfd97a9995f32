/* text.c - UTF-8 decoding, display widths, the sanitiser and fitting text to
 * a number of columns. */
#include "tui_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define FORM_MAX 9 /* the longest form of one character, "<U+202E>", and a NUL */

static bool ascii_only;

void tui_text_set_ascii(bool ascii)
{
	ascii_only = ascii;
}

bool tui_text_ascii(void)
{
	return ascii_only;
}

/* Characters the program draws itself, with what stands for them in ASCII. */
static const struct {
	wchar_t wc;
	const char *utf8, *ascii;
} glyphs[] = {
	[TUI_GLYPH_BULLET] = {0x2022, "\xe2\x80\xa2", "*"},
	[TUI_GLYPH_ELLIPSIS] = {0x2026, TUI_ELLIPSIS, "..."},
	[TUI_GLYPH_UP] = {0x2191, "\xe2\x86\x91", "^"},
	[TUI_GLYPH_DOWN] = {0x2193, "\xe2\x86\x93", "v"},
};

const char *tui_glyph(tui_glyph_id g)
{
	if (g < 0 || g >= TUI_GLYPH_COUNT)
		return "?";
	return ascii_only ? glyphs[g].ascii : glyphs[g].utf8;
}

/* What an ASCII terminal gets for a character outside ASCII of width w: the
 * glyph's fallback, a sparkline bar's, or one '?' per column. */
static size_t ascii_form(wchar_t wc, int w, char out[FORM_MAX], int *width)
{
	static const char bars[] = "_.,-=+*#"; /* U+2581..U+2588 */
	size_t n;

	for (size_t i = 0; i < TUI_GLYPH_COUNT; i++)
		if (glyphs[i].wc == wc) {
			n = strlen(glyphs[i].ascii);
			memcpy(out, glyphs[i].ascii, n);
			*width = (int)n;
			return n;
		}
	if (wc >= 0x2581 && wc <= 0x2588) {
		out[0] = bars[wc - 0x2581];
		*width = 1;
		return 1;
	}
	for (n = 0; n < (size_t)w && n < 2; n++)
		out[n] = '?';
	*width = (int)n;
	return n;
}

size_t tui_utf8_decode(const char *s, size_t len, wchar_t *wc)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long c;
	size_t n, i;

	*wc = TUI_REPLACEMENT;
	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*wc = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		n = 2, c = u[0] & 0x1f;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		n = 3, c = u[0] & 0x0f;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		n = 4, c = u[0] & 0x07;
	else
		return 1;
	if (len < n)
		return 1;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 1;
		c = (c << 6) | (u[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past Unicode are invalid */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff
			|| (c >= 0xd800 && c <= 0xdfff))
		return 1;
	*wc = (wchar_t)c;
	return n;
}

size_t tui_utf8_encode(wchar_t wc, char out[4])
{
	unsigned long c = (unsigned long)wc;

	if (wc < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Invisible characters and those that turn text around (bidi marks,
 * overrides and isolates, zero-width characters, line and paragraph
 * separators): drawn as their code point, so "prod\u202egnp.exe" cannot pass
 * for "prodexe.png". */
static const wchar_t invisible[][2] = {
	{0x061C, 0x061C}, {0x180E, 0x180E}, {0x200B, 0x200F}, {0x2028, 0x202E},
	{0x2060, 0x2064}, {0x2066, 0x206F}, {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB},
};

static bool is_invisible(wchar_t wc)
{
	for (size_t i = 0; i < sizeof invisible / sizeof invisible[0]; i++)
		if (wc >= invisible[i][0] && wc <= invisible[i][1])
			return true;
	return false;
}

/* The neutralised form of one character: what the terminal will really get.
 * Writes up to FORM_MAX bytes to out, returns the byte count and sets *width. */
static size_t neutral_form(wchar_t wc, char out[FORM_MAX], int *width)
{
	int w;

	if (is_invisible(wc)) {
		snprintf(out, FORM_MAX, "<U+%04X>", (unsigned)wc);
		*width = 8;
		return 8;
	}
	if (wc == '\t') {
		out[0] = ' ';
		*width = 1;
		return 1;
	}
	if ((wc >= 0 && wc < 0x20) || wc == 0x7f) {
		out[0] = '^';
		out[1] = (char)(wc == 0x7f ? '?' : wc + '@');
		*width = 2;
		return 2;
	}
	w = (wc >= 0x80 && wc < 0xa0) ? -1 : wcwidth(wc);
	if (w < 0) {
		wc = TUI_REPLACEMENT;
		w = 1;
	}
	if (ascii_only && wc >= 0x80)
		return ascii_form(wc, w, out, width);
	*width = w;
	return tui_utf8_encode(wc, out);
}

int tui_wcwidth(wchar_t wc)
{
	char tmp[FORM_MAX];
	int w;

	neutral_form(wc, tmp, &w);
	return w;
}

int tui_width_n(const char *s, size_t len)
{
	size_t i = 0;
	int total = 0;

	while (i < len) {
		wchar_t wc;

		i += tui_utf8_decode(s + i, len - i, &wc);
		total += tui_wcwidth(wc);
	}
	return total;
}

int tui_width(const char *s)
{
	return s ? tui_width_n(s, strlen(s)) : 0;
}

size_t tui_sanitize(const char *in, size_t len, char *out, size_t outlen)
{
	size_t i = 0, need = 0;

	while (i < len) {
		wchar_t wc;
		char form[FORM_MAX];
		int w;
		size_t n;

		i += tui_utf8_decode(in + i, len - i, &wc);
		n = neutral_form(wc, form, &w);
		if (outlen > 0 && need + n < outlen)
			memcpy(out + need, form, n);
		else if (outlen > 0 && need < outlen)
			outlen = need + 1; /* stop writing: never leave half a char */
		need += n;
	}
	if (outlen > 0)
		out[need < outlen ? need : outlen - 1] = '\0';
	return need;
}

/* Appends n bytes to out if they fit (keeping room for the NUL). */
static void put_bytes(char *out, size_t outlen, size_t *pos, const char *b, size_t n)
{
	if (*pos + n < outlen) {
		memcpy(out + *pos, b, n);
		*pos += n;
	}
}

/* Copies characters of s while they fit in `limit` columns; returns the bytes
 * of s used and the columns in *cols. */
static size_t copy_cols(const char *s, size_t len, int limit, char *out, size_t outlen,
		size_t *pos, int *cols)
{
	size_t i = 0;

	*cols = 0;
	while (i < len) {
		wchar_t wc;
		char form[FORM_MAX];
		int w;
		size_t used = tui_utf8_decode(s + i, len - i, &wc);
		size_t n = neutral_form(wc, form, &w);

		if (*cols + w > limit)
			break;
		put_bytes(out, outlen, pos, form, n);
		*cols += w;
		i += used;
	}
	return i;
}

int tui_fit(const char *s, int width, bool pad, char *out, size_t outlen)
{
	size_t len = s ? strlen(s) : 0, pos = 0;
	int cols = 0;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (width <= 0)
		return 0;
	if (tui_width_n(s, len) <= width) {
		copy_cols(s, len, width, out, outlen, &pos, &cols);
	} else {
		const char *ell = tui_glyph(TUI_GLYPH_ELLIPSIS);
		int ew = tui_width(ell);

		if (ew > 1 && ew >= width) { /* "..." does not fit: one dot */
			ell = ".";
			ew = 1;
		}
		copy_cols(s, len, width - ew, out, outlen, &pos, &cols);
		put_bytes(out, outlen, &pos, ell, strlen(ell));
		cols += ew;
	}
	while (pad && cols < width && pos + 1 < outlen) {
		out[pos++] = ' ';
		cols++;
	}
	out[pos] = '\0';
	return cols;
}

/* True for characters that join the cell before them (combining marks). */
static bool joins_previous(wchar_t wc)
{
	return wc >= 0x300 && tui_wcwidth(wc) == 0;
}

size_t tui_cell_next(const char *s, size_t len, size_t at)
{
	wchar_t wc;

	if (at >= len)
		return len;
	at += tui_utf8_decode(s + at, len - at, &wc);
	while (at < len) {
		size_t n = tui_utf8_decode(s + at, len - at, &wc);

		if (!joins_previous(wc))
			break;
		at += n;
	}
	return at;
}

size_t tui_cell_prev(const char *s, size_t len, size_t at)
{
	size_t p = 0, prev = 0;

	if (at > len)
		at = len;
	while (p < at) {
		prev = p;
		p = tui_cell_next(s, len, p);
	}
	return prev;
}

/* Byte length of the longest prefix of s[0..len) that fits in width columns
 * (at least one cell, so wrapping always advances). */
static size_t fit_prefix(const char *s, size_t len, int width)
{
	size_t p = 0;
	int cols = 0;

	while (p < len) {
		size_t next = tui_cell_next(s, len, p);
		int w = tui_width_n(s + p, next - p);

		if (cols + w > width && p > 0)
			break;
		cols += w;
		p = next;
	}
	return p;
}

/* Wraps one paragraph (no newline inside); returns the lines it needs. */
static size_t wrap_paragraph(const char *s, size_t off, size_t len, int width,
		size_t *starts, size_t *lens, size_t max, size_t line)
{
	size_t p = off, end = off + len, first = line;

	do {
		size_t take = fit_prefix(s + p, end - p, width), cut = take;

		if (p + take < end) {
			/* break at the last space inside the fitted part, if any */
			while (cut > 0 && s[p + cut] != ' ')
				cut--;
			if (cut == 0)
				cut = take;
		}
		if (line < max) {
			starts[line] = p;
			lens[line] = cut;
		}
		line++;
		p += cut;
		while (p < end && s[p] == ' ')
			p++;
	} while (p < end);
	return line - first;
}

size_t tui_wrap(const char *s, int width, size_t *starts, size_t *lens, size_t max)
{
	size_t off = 0, line = 0, len = s ? strlen(s) : 0;

	if (width < 1)
		width = 1;
	while (s && off <= len) {
		const char *nl = memchr(s + off, '\n', len - off);
		size_t plen = nl ? (size_t)(nl - (s + off)) : len - off;

		line += wrap_paragraph(s, off, plen, width, starts, lens, max, line);
		if (!nl)
			break;
		off += plen + 1;
	}
	return line;
}

int tui_sparkline(const long *v, int n, char *out, size_t outlen)
{
	long max = 0;
	int cells = 0;
	size_t used = 0;

	for (int i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (int i = 0; i < n && used + 4 <= outlen; i++, cells++) {
		/* eight bars; any non-zero value gets at least the second, so a
		 * single delivery among hundreds still shows */
		int level = max ? (int)((v[i] * 7 + max - 1) / max) : 0;

		used += tui_utf8_encode((wchar_t)(0x2581 + level), out + used);
	}
	if (outlen)
		out[used < outlen ? used : outlen - 1] = '\0';
	return cells;
}
