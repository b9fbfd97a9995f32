/* tui_text.h - UTF-8 text measured in display columns, and the sanitiser.
 *
 * Every string that reaches the terminal goes through tui_sanitize (directly or
 * through tui_fit / tui_put): text from a database or a server may hold escape
 * sequences or invalid UTF-8, and must never be written raw. Widths are display
 * columns (wcwidth), so CJK text aligns and truncation never splits a wide char.
 * Pure functions: no curses, usable from unit tests (call setlocale first). */
#ifndef TUI_TEXT_H
#define TUI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#define TUI_REPLACEMENT 0xFFFD /* shown for invalid UTF-8 and C1 controls */
#define TUI_ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */

/* Text is always UTF-8 inside the program; what reaches the terminal is
 * ASCII when the terminal's codeset is not UTF-8 (LANG=C over SSH): then
 * every character outside ASCII is drawn as its fallback below or as one '?'
 * per column, so columns stay aligned and nothing is garbled. Off by default;
 * tui_init sets it from the locale. */
void tui_text_set_ascii(bool ascii);
bool tui_text_ascii(void);

/* Glyphs the toolkit and screens draw, in the terminal's character set. */
typedef enum tui_glyph_id {
	TUI_GLYPH_BULLET,   /* a masked character: U+2022, or '*' */
	TUI_GLYPH_ELLIPSIS, /* text cut: U+2026, or "..." */
	TUI_GLYPH_UP,       /* more above: U+2191, or '^' */
	TUI_GLYPH_DOWN,     /* more below: U+2193, or 'v' */
	TUI_GLYPH_COUNT
} tui_glyph_id;
const char *tui_glyph(tui_glyph_id g);

/* Decodes one UTF-8 sequence from s (at most len bytes) into *wc and returns the
 * number of bytes used (>= 1). Invalid, overlong, surrogate or truncated input
 * yields *wc = TUI_REPLACEMENT and consumes one byte, so callers always advance. */
size_t tui_utf8_decode(const char *s, size_t len, wchar_t *wc);

/* Encodes wc as UTF-8 into out (4 bytes room); returns the byte count (0 if wc
 * is not a valid code point). */
size_t tui_utf8_encode(wchar_t wc, char out[4]);

/* Display width of one character: 0 for combining marks, 2 for wide (CJK),
 * 1 otherwise. Controls count as the width of their neutralised form. */
int tui_wcwidth(wchar_t wc);

/* Display width of UTF-8 text after sanitising (what tui_fit would draw). */
int tui_width(const char *s);
int tui_width_n(const char *s, size_t len);

/* Writes a neutralised copy of in[0..len) to out (always NUL-terminated when
 * outlen > 0): C0 controls and DEL become caret notation ("^[" for ESC, "^J" for
 * a newline, "^?" for DEL), tab becomes one space, C1 controls and invalid UTF-8
 * become U+FFFD. Returns the length the full result needs (like snprintf). */
size_t tui_sanitize(const char *in, size_t len, char *out, size_t outlen);

/* Sanitises s and fits it to exactly `width` display columns in out: text that
 * is too wide is cut at a column boundary and ends with the ellipsis glyph; when pad is
 * true, shorter text is padded with spaces (a wide char that would straddle the
 * edge is replaced by a space). Returns the columns used. outlen should be at
 * least 4 * width + 8. */
int tui_fit(const char *s, int width, bool pad, char *out, size_t outlen);

/* Word-wraps s to width columns: fills starts[i]/lens[i] with the byte range
 * of each line (without the newline or the space it broke at), for at most
 * max lines, and returns the number of lines the whole text needs. Words
 * wider than width are split at a cell boundary; '\n' starts a new line. */
size_t tui_wrap(const char *s, int width, size_t *starts, size_t *lens, size_t max);

/* Byte offset in s (len bytes) of the end of the cell that starts at byte `at`:
 * one base character plus the zero-width (combining) characters after it. */
/* A sparkline of n values (U+2581..U+2588, one cell each; zero is the
 * lowest bar, the largest value the highest) into out. Returns the cells. */
int tui_sparkline(const long *v, int n, char *out, size_t outlen);
size_t tui_cell_next(const char *s, size_t len, size_t at);
/* Byte offset of the start of the cell that ends at byte `at`. */
size_t tui_cell_prev(const char *s, size_t len, size_t at);

#endif
