/* output.c - everything the commands print: error sentences, aligned tables
 * and JSON. Text from the database never reaches the terminal raw. */
#include "cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "validate.h"

/* Length of the valid UTF-8 sequence at p (its code point in *cp), or 0 when
 * the bytes there are not valid UTF-8 (overlong, surrogate, truncated). */
static size_t utf8_next(const unsigned char *p, unsigned *cp)
{
	unsigned c = p[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xbf;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		*cp = c & 0x0f;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		*cp = c & 0x07;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		unsigned b = p[i];

		if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf))
			return 0;
		*cp = (*cp << 6) | (b & 0x3f);
	}
	return n;
}

size_t cli_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p) {
		unsigned cp;
		size_t n = utf8_next(p, &cp);
		int cw = n ? wcwidth((wchar_t)cp) : 1;

		w += cw < 0 ? 1 : (size_t)cw;
		p += n ? n : 1;
	}
	return w;
}

void cli_put_safe(FILE *f, const char *s, int keep_newlines)
{
	char *safe = validate_sanitize(s ? s : "", keep_newlines);

	if (safe)
		fputs(safe, f);
	free(safe);
}

void cli_print_error(const bb_err *err)
{
	fputs("bbconsole: ", stderr);
	cli_put_safe(stderr, err->msg[0] ? err->msg : "failed.", 0);
	fputc('\n', stderr);
}

void cli_table_init(cli_table *t, size_t ncols, const char *const *head)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	t->head = head;
}

void cli_table_keep(cli_table *t, size_t col)
{
	if (col < 8 * sizeof t->keep)
		t->keep |= 1UL << col;
}

int cli_table_add(cli_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **more = realloc(t->cells, cap * t->ncols * sizeof *more);

		if (!more)
			return -1;
		t->cells = more;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char **cell = &t->cells[t->nrows * t->ncols + i];

		*cell = validate_sanitize(cells[i] ? cells[i] : "-", 0);
		if (!*cell) {
			while (i--)
				free(t->cells[t->nrows * t->ncols + i]);
			return -1;
		}
	}
	t->nrows++;
	return 0;
}

static int utf8_terminal = 1;

void cli_set_utf8_terminal(int utf8)
{
	utf8_terminal = utf8;
}

/* Writes the longest prefix of s that fits in width columns, ending with an
 * ellipsis when s is wider; returns the columns written. */
static size_t put_cut(FILE *f, const char *s, size_t width)
{
	const char *ell = utf8_terminal ? "\xe2\x80\xa6" : "...";
	size_t ew = utf8_terminal ? 1 : 3, used = 0;
	const unsigned char *p = (const unsigned char *)s;

	if (cli_text_width(s) <= width) {
		fputs(s, f);
		return cli_text_width(s);
	}
	if (ew > width)
		ell = ".", ew = 1;
	while (*p) {
		unsigned cp;
		size_t n = utf8_next(p, &cp);
		int cw = n ? wcwidth((wchar_t)cp) : 1;
		size_t w = cw < 0 ? 1 : (size_t)cw;

		if (used + w + ew > width)
			break;
		fwrite(p, 1, n ? n : 1, f);
		used += w;
		p += n ? n : 1;
	}
	fputs(ell, f);
	return used + ew;
}

static void put_cell(FILE *f, const char *s, size_t width, int last)
{
	size_t w = put_cut(f, s, width);

	if (last) {
		fputc('\n', f);
		return;
	}
	for (; w < width + 2; w++)
		fputc(' ', f);
}

/* The columns a table may take: on a terminal, COLUMNS or its width; 0 (no
 * limit) when the output goes to a pipe or a file. */
static size_t table_limit(FILE *f)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long n;

	if (!isatty(fileno(f)))
		return 0;
	n = env ? strtol(env, &end, 10) : 0;
	if (env && *env && *end == '\0' && n > 0)
		return (size_t)n;
	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* The widest column still above its heading's width, among the kept ones
 * or the others; t->ncols when there is none. */
static size_t widest_cuttable(const cli_table *t, const size_t *width, int kept)
{
	size_t best = t->ncols;

	for (size_t i = 0; i < t->ncols; i++) {
		size_t min = cli_text_width(t->head[i]) > 4 ? cli_text_width(t->head[i]) : 4;
		int k = i < 8 * sizeof t->keep && (t->keep >> i & 1);

		if (k == kept && width[i] > min && (best == t->ncols || width[i] > width[best]))
			best = i;
	}
	return best;
}

/* Narrows the widest column, one column at a time, until the row fits in
 * limit, never below its heading (or 4); the kept columns only when every
 * other is down to its heading. */
static void fit_widths(const cli_table *t, size_t *width, size_t limit)
{
	size_t total = 2 * (t->ncols - 1);

	for (size_t i = 0; i < t->ncols; i++)
		total += width[i];
	while (limit && total > limit) {
		size_t best = widest_cuttable(t, width, 0);

		if (best == t->ncols)
			best = widest_cuttable(t, width, 1);
		if (best == t->ncols)
			return;
		width[best]--;
		total--;
	}
}

void cli_table_print(const cli_table *t, FILE *f)
{
	size_t *width = calloc(t->ncols, sizeof *width);

	if (!width)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		width[i] = cli_text_width(t->head[i]);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t i = 0; i < t->ncols; i++) {
			size_t w = cli_text_width(t->cells[r * t->ncols + i]);

			if (w > width[i])
				width[i] = w;
		}
	fit_widths(t, width, table_limit(f));
	for (size_t i = 0; i < t->ncols; i++)
		put_cell(f, t->head[i], width[i], i + 1 == t->ncols);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t i = 0; i < t->ncols; i++)
			put_cell(f, t->cells[r * t->ncols + i], width[i], i + 1 == t->ncols);
	free(width);
}

void cli_table_free(cli_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

/* cJSON escapes C0 but passes DEL and C1 through; a JSON document read on a
 * terminal must not carry them either. They only occur inside strings, where
 * a \u escape means the same. */
void cli_json_put(FILE *f, const char *text)
{
	const unsigned char *p = (const unsigned char *)text, *run = p;

	/* Plain runs go out in one fwrite: putc per byte dominated big listings. */
	for (; *p; p++) {
		if (*p != 0x7f && !(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			continue;
		fwrite(run, 1, (size_t)(p - run), f);
		if (*p == 0x7f)
			fputs("\\u007f", f);
		else
			fprintf(f, "\\u%04x", (unsigned)*++p);
		run = p + 1;
	}
	fwrite(run, 1, (size_t)(p - run), f);
}

bb_code cli_json_print(cli *c, cJSON *doc, bb_err *err)
{
	char *text = doc ? cJSON_Print(doc) : NULL;

	cJSON_Delete(doc);
	if (!text)
		return bb_fail(err, BB_INVALID, "Out of memory while writing JSON.");
	cli_json_put(c->out, text);
	fputc('\n', c->out);
	free(text);
	return BB_OK;
}

void cli_json_add_str(cJSON *obj, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(obj, key, s);
	else
		cJSON_AddNullToObject(obj, key);
}

void cli_json_add_list(cJSON *obj, const char *key, const bb_strlist *l)
{
	cJSON *a = cJSON_AddArrayToObject(obj, key);

	for (size_t i = 0; a && l && i < l->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
}

static int json_plain(unsigned c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* Room for `more` bytes; on failure the buffer stays marked and drops output. */
static int jbuf_grow(cli_jbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 1 << 16;
	char *p;

	if (b->failed)
		return -1;
	while (cap < b->n + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static inline int jbuf_reserve(cli_jbuf *b, size_t more)
{
	return b->n + more <= b->cap ? 0 : jbuf_grow(b, more);
}

void cli_jbuf_lit(cli_jbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (jbuf_reserve(b, n) == 0) {
		memcpy(b->p + b->n, s, n);
		b->n += n;
	}
}

/* One character that needs care: an escape, or valid UTF-8 as is. */
static size_t jbuf_escape_one(cli_jbuf *b, const unsigned char *p)
{
	unsigned cp;
	size_t n = utf8_next(p, &cp);
	char *o = b->p + b->n;

	if (n == 0) {
		memcpy(o, "\\ufffd", 6);
		b->n += 6;
		return 1;
	}
	if (cp == '"' || cp == '\\' || cp == '\n' || cp == '\t') {
		o[0] = '\\';
		o[1] = cp == '\n' ? 'n' : cp == '\t' ? 't' : (char)cp;
		b->n += 2;
	} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
		b->n += (size_t)snprintf(o, 7, "\\u%04x", cp);
	} else {
		memcpy(o, p, n);
		b->n += n;
	}
	return n;
}

/* Non-zero when one of the 8 bytes of x needs care in JSON: below 0x20, '"',
 * '\\', DEL, or non-ASCII (which is checked as UTF-8 and may be C1). Exact
 * for "any byte", which is all that is asked. */
static inline uint64_t word_special(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t quote = x ^ (ones * '"'), bslash = x ^ (ones * '\\'), del = x ^ (ones * 0x7f);

	return (((x - ones * 0x20) | (quote - ones) | (bslash - ones) | (del - ones)) & ~x & high) |
	       (x & high);
}

/* Room jbuf_put_str needs for len bytes: each may become a 6-byte escape;
 * the quotes; a last word stored whole. */
#define JBUF_STR_ROOM(len) (6 * (len) + 2 + 8)

/* Writes "s" (len bytes) at the end of b, which has JBUF_STR_ROOM(len). */
static void jbuf_put_str(cli_jbuf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	char *o = b->p + b->n;

	*o++ = '"';
	while (p < end) {
		size_t rest = (size_t)(end - p), k = rest < 8 ? rest : 8;
		uint64_t x = 0x4141414141414141ULL; /* "AAAAAAAA": plain padding */

		/* up to eight plain bytes at a time: checked at once, stored whole */
		memcpy(&x, p, k);
		if (!word_special(x)) {
			memcpy(o, &x, 8);
			o += k;
			p += k;
			continue;
		}
		for (const unsigned char *stop = p + k; p < stop;) {
			if (json_plain(*p)) {
				*o++ = (char)*p++;
			} else {
				b->n = (size_t)(o - b->p);
				p += jbuf_escape_one(b, p);
				o = b->p + b->n;
			}
		}
	}
	*o++ = '"';
	b->n = (size_t)(o - b->p);
}

void cli_jbuf_str(cli_jbuf *b, const char *s)
{
	size_t len;

	if (!s) {
		cli_jbuf_lit(b, "null");
		return;
	}
	len = strlen(s);
	if (jbuf_reserve(b, JBUF_STR_ROOM(len)) == 0)
		jbuf_put_str(b, s, len);
}

void cli_jbuf_object(cli_jbuf *b, const cli_jkey *keys, const char *const *vals, size_t n)
{
	size_t vlen[CLI_JBUF_OBJECT_MAX], need = 2;
	char *o;

	if (n > CLI_JBUF_OBJECT_MAX)
		n = CLI_JBUF_OBJECT_MAX;
	/* one reservation for the whole object, then no checks per byte */
	for (size_t i = 0; i < n; i++) {
		vlen[i] = vals[i] ? strlen(vals[i]) : 0;
		need += sizeof keys[i].name + 4 + (vals[i] ? JBUF_STR_ROOM(vlen[i]) : 4);
	}
	if (jbuf_reserve(b, need) != 0)
		return;
	b->p[b->n++] = '{';
	for (size_t i = 0; i < n; i++) {
		o = b->p + b->n;
		if (i)
			*o++ = ',';
		*o++ = '"';
		memcpy(o, keys[i].name, sizeof keys[i].name); /* whole: a fixed-size copy */
		o += keys[i].len;
		memcpy(o, "\":null", 6);
		o += vals[i] ? 2 : 6;
		b->n = (size_t)(o - b->p);
		if (vals[i])
			jbuf_put_str(b, vals[i], vlen[i]);
	}
	b->p[b->n++] = '}';
}

/* Big buffers go straight to the file descriptor: through stdio every byte
 * would be copied once more into its buffer. */
static void put_bytes(FILE *f, const char *p, size_t n)
{
	int fd = n >= 4096 ? fileno(f) : -1;

	if (fd < 0 || fflush(f) != 0) {
		fwrite(p, 1, n, f);
		return;
	}
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

int cli_jbuf_flush(cli_jbuf *b, FILE *f)
{
	if (b->n && !b->failed)
		put_bytes(f, b->p, b->n);
	b->n = 0;
	return b->failed ? -1 : 0;
}

void cli_jbuf_free(cli_jbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

void cli_json_write_str(FILE *f, const char *s)
{
	cli_jbuf b = {0};

	cli_jbuf_str(&b, s);
	cli_jbuf_flush(&b, f);
	cli_jbuf_free(&b);
}
