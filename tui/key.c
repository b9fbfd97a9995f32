/* key.c - key names, key tables (hint bar, help, dump) and the paste collector. */
#include "tui_key.h"
#include "tui_text.h"

#include <stdlib.h>
#include <string.h>

int tui_keytable_action(const tui_keydef *table, tui_key key)
{
	if (!table || key == TUI_K_NONE)
		return TUI_ACT_NONE;
	for (; table->action; table++)
		for (int i = 0; i < TUI_KEYS_PER_DEF && table->keys[i]; i++)
			if (table->keys[i] == key)
				return table->action;
	return TUI_ACT_NONE;
}

static const char *const special_names[] = {
	[TUI_K_UP - TUI_K_SPECIAL] = "Up",
	[TUI_K_DOWN - TUI_K_SPECIAL] = "Down",
	[TUI_K_LEFT - TUI_K_SPECIAL] = "Left",
	[TUI_K_RIGHT - TUI_K_SPECIAL] = "Right",
	[TUI_K_HOME - TUI_K_SPECIAL] = "Home",
	[TUI_K_END - TUI_K_SPECIAL] = "End",
	[TUI_K_PGUP - TUI_K_SPECIAL] = "PgUp",
	[TUI_K_PGDN - TUI_K_SPECIAL] = "PgDn",
	[TUI_K_BACKSPACE - TUI_K_SPECIAL] = "Backspace",
	[TUI_K_DELETE - TUI_K_SPECIAL] = "Delete",
	[TUI_K_INSERT - TUI_K_SPECIAL] = "Insert",
	[TUI_K_BACKTAB - TUI_K_SPECIAL] = "Shift-Tab",
	[TUI_K_F1 - TUI_K_SPECIAL] = "F1",
	[TUI_K_F5 - TUI_K_SPECIAL] = "F5",
	[TUI_K_PASTE - TUI_K_SPECIAL] = "Paste",
	[TUI_K_PASTE_BEGIN - TUI_K_SPECIAL] = "PasteBegin",
	[TUI_K_PASTE_END - TUI_K_SPECIAL] = "PasteEnd",
	[TUI_K_RESIZE - TUI_K_SPECIAL] = "Resize",
	[TUI_K_UNKNOWN - TUI_K_SPECIAL] = "Unknown",
};

void tui_key_name(tui_key key, char *out, size_t outlen)
{
	char utf[5] = {0};
	const char *name = NULL;

	if (outlen == 0)
		return;
	if (key >= TUI_K_SPECIAL && key <= TUI_K_UNKNOWN)
		name = special_names[key - TUI_K_SPECIAL];
	else if (key == TUI_K_ENTER || key == '\r')
		name = "Enter";
	else if (key == TUI_K_TAB)
		name = "Tab";
	else if (key == TUI_K_ESC)
		name = "Esc";
	else if (key == ' ')
		name = "Space";
	if (name) {
		snprintf(out, outlen, "%s", name);
	} else if (key > 0 && key < 0x20) {
		snprintf(out, outlen, "Ctrl-%c", key + '@');
	} else if (tui_utf8_encode((wchar_t)key, utf) > 0 && key != 0x7f) {
		tui_sanitize(utf, strlen(utf), out, outlen);
	} else {
		snprintf(out, outlen, "?");
	}
}

void tui_keydef_keys(const tui_keydef *def, char *out, size_t outlen)
{
	size_t pos = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (int i = 0; i < TUI_KEYS_PER_DEF && def->keys[i]; i++) {
		char name[32];
		int n;

		tui_key_name(def->keys[i], name, sizeof(name));
		n = snprintf(out + pos, outlen - pos, "%s%s", i ? "/" : "", name);
		if (n < 0 || (size_t)n >= outlen - pos)
			return;
		pos += (size_t)n;
	}
}

/* Columns kept free for the help item, so that a crowded bar drops other
 * hints rather than the one that leads to all of them. */
static int help_reserve(const tui_keydef *table)
{
	char key[32], item[128];

	for (; table && table->action; table++) {
		if (table->action != TUI_ACT_HELP || !table->in_bar || !table->hint ||
		    !table->keys[0])
			continue;
		tui_key_name(table->keys[0], key, sizeof(key));
		snprintf(item, sizeof(item), "  %s %s", key, table->hint);
		return tui_width(item);
	}
	return 0;
}

int tui_keytable_hintbar(const tui_keydef *table, int width, char *out, size_t outlen)
{
	size_t pos = 0;
	int cols = 0, reserve = help_reserve(table);

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	for (; table && table->action; table++) {
		char key[32], item[128];
		int w, n;

		if (!table->in_bar || !table->hint || !table->keys[0])
			continue;
		if (table->action == TUI_ACT_HELP)
			reserve = 0;
		tui_key_name(table->keys[0], key, sizeof(key));
		snprintf(item, sizeof(item), "%s%s %s", cols ? "  " : "", key, table->hint);
		w = tui_width(item);
		if (cols + w + reserve > width)
			continue; /* leave it out whole; a shorter one may still fit */
		n = snprintf(out + pos, outlen - pos, "%s", item);
		if (n < 0 || (size_t)n >= outlen - pos)
			break;
		pos += (size_t)n;
		cols += w;
	}
	return cols;
}

/* Width of the widest key column of the table. */
static int keys_column(const tui_keydef *table)
{
	int widest = 0;

	for (; table && table->action; table++) {
		char keys[160];
		int w;

		tui_keydef_keys(table, keys, sizeof(keys));
		w = tui_width(keys);
		if (w > widest)
			widest = w;
	}
	return widest;
}

char *tui_keytable_help(const tui_keydef *table)
{
	int col = keys_column(table);
	size_t cap = 256, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[0] = '\0';
	for (; table && table->action; table++) {
		char keys[160];
		const char *help = table->help ? table->help : (table->hint ? table->hint : "");
		size_t need;

		tui_keydef_keys(table, keys, sizeof(keys));
		need = strlen(keys) + (size_t)col + strlen(help) + 8;
		if (len + need >= cap) {
			char *bigger = realloc(out, cap * 2 + need);

			if (!bigger) {
				free(out);
				return NULL;
			}
			out = bigger;
			cap = cap * 2 + need;
		}
		len += (size_t)sprintf(out + len, "%s%*s  %s\n", keys,
				col - tui_width(keys), "", help);
	}
	return out;
}

int tui_keytable_dump(const tui_keydef *table, const char *title, FILE *f)
{
	char *help = tui_keytable_help(table);
	int rc = 0;

	if (!help)
		return -1;
	if (title && fprintf(f, "%s\n", title) < 0)
		rc = -1;
	if (fputs(help, f) < 0)
		rc = -1;
	free(help);
	return rc;
}

/* ---- paste collector ---------------------------------------------------- */

static void paste_append(tui_paste *p, const char *b, size_t n)
{
	if (p->len + n + 1 > TUI_PASTE_MAX) {
		p->overflow = true;
		return;
	}
	if (p->len + n + 1 > p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		char *bigger;

		while (cap < p->len + n + 1)
			cap *= 2;
		/* not realloc: the old block may hold a secret and must be wiped */
		bigger = malloc(cap);
		if (!bigger) {
			p->overflow = true;
			return;
		}
		if (p->buf) {
			memcpy(bigger, p->buf, p->len);
			explicit_bzero(p->buf, p->cap);
			free(p->buf);
		}
		p->buf = bigger;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, b, n);
	p->len += n;
	p->buf[p->len] = '\0';
}

enum tui_paste_res tui_paste_feed(tui_paste *p, tui_key key)
{
	char utf[4];
	size_t n;

	if (key == TUI_K_PASTE_BEGIN) {
		tui_paste_free(p);
		p->active = true;
		paste_append(p, "", 0);
		return TUI_PASTE_HELD;
	}
	if (key == TUI_K_PASTE_END)
		return p->active ? (p->active = false, TUI_PASTE_DONE) : TUI_PASTE_HELD;
	if (!p->active)
		return TUI_PASTE_PASS;
	if (key == '\r')
		key = '\n';
	/* only text: escape sequences inside a paste never become commands */
	if (key >= TUI_K_SPECIAL || (key < 0x20 && key != '\n' && key != '\t') || key == 0x7f)
		return TUI_PASTE_HELD;
	n = tui_utf8_encode((wchar_t)key, utf);
	if (n)
		paste_append(p, utf, n);
	return TUI_PASTE_HELD;
}

char *tui_paste_take(tui_paste *p)
{
	char *text = p->buf;

	if (!text)
		text = calloc(1, 1);
	p->buf = NULL;
	p->len = p->cap = 0;
	p->active = p->overflow = false;
	return text;
}

void tui_paste_free(tui_paste *p)
{
	if (p->buf) {
		explicit_bzero(p->buf, p->cap);
		free(p->buf);
	}
	memset(p, 0, sizeof(*p));
}
