/* key.c - key names, key tables with their rebindings (lookup, hint bar,
 * help, dump) and the paste collector. Action names: action.c. */
#include "tui_key.h"
#include "tui_text.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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
	[TUI_K_MOUSE - TUI_K_SPECIAL] = "Mouse",
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

/* ---- walking a table ---------------------------------------------------------- */

#define ROWS_MAX 96

static bool listed(const tui_keydef *const *rows, size_t n, int action)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i]->action == action)
			return true;
	return false;
}

/* The rows of a table with its includes in place, end row and include rows
 * left out. An included row whose action the table already has is left out
 * too: a screen overrides a shared row (its hint, its keys) by declaring it
 * before the include. Returns the count. */
static size_t flatten(const tui_keydef *table, const tui_keydef **rows, size_t n, int depth)
{
	for (; table && table->action && n < ROWS_MAX; table++) {
		if (table->action == TUI_ACT_INCLUDE) {
			if (depth < 4)
				n = flatten(table->include, rows, n, depth + 1);
			continue;
		}
		if (depth && table->action != TUI_ACT_TEXT && listed(rows, n, table->action))
			continue;
		rows[n++] = table;
	}
	return n;
}

bool tui_keytable_has(const tui_keydef *table, int action)
{
	const tui_keydef *rows[ROWS_MAX];

	return listed(rows, flatten(table, rows, 0, 0), action);
}

/* ---- bindings -------------------------------------------------------------------- */

#define BINDINGS_MAX 256

static struct binding {
	const tui_keydef *table; /* NULL: every table */
	tui_key key;
	int action;              /* TUI_ACT_NONE: the key does nothing */
} bindings[BINDINGS_MAX];
static size_t nbindings;

int tui_keytable_bind(const tui_keydef *table, tui_key key, int action)
{
	if (key == TUI_K_NONE || nbindings >= BINDINGS_MAX)
		return -1;
	bindings[nbindings++] = (struct binding){table, key, action};
	return 0;
}

void tui_keytable_unbind_all(void)
{
	nbindings = 0;
}

/* The binding of key in table, latest first; false when none applies. */
static bool bound(const tui_keydef *table, tui_key key, int *action)
{
	for (size_t i = nbindings; i-- > 0;) {
		const struct binding *b = &bindings[i];

		if (b->key != key || (b->table && b->table != table))
			continue;
		if (b->action != TUI_ACT_NONE && !tui_keytable_has(table, b->action))
			continue; /* an "all" binding for an action this screen lacks */
		*action = b->action;
		return true;
	}
	return false;
}

int tui_keytable_action(const tui_keydef *table, tui_key key)
{
	const tui_keydef *rows[ROWS_MAX];
	size_t n;
	int action;

	if (!table || key == TUI_K_NONE)
		return TUI_ACT_NONE;
	if (bound(table, key, &action))
		return action;
	n = flatten(table, rows, 0, 0);
	for (size_t r = 0; r < n; r++) {
		if (rows[r]->action == TUI_ACT_TEXT)
			continue; /* documentation: the field widget handles it */
		for (int i = 0; i < TUI_KEYS_PER_DEF && rows[r]->keys[i]; i++)
			if (rows[r]->keys[i] == key)
				return rows[r]->action;
	}
	return TUI_ACT_NONE;
}

/* The keys that do def's action in table: bound ones first (latest first),
 * then the row's own. At most max. */
static size_t row_keys(const tui_keydef *table, const tui_keydef *def, tui_key *out, size_t max)
{
	size_t n = 0;

	if (def->action == TUI_ACT_TEXT) {
		for (int i = 0; i < TUI_KEYS_PER_DEF && def->keys[i] && n < max; i++)
			out[n++] = def->keys[i];
		return n;
	}
	for (size_t i = nbindings; i-- > 0 && n < max;) {
		const struct binding *b = &bindings[i];
		bool dup = false;

		if (b->action != def->action || (b->table && b->table != table))
			continue;
		for (size_t j = 0; j < n; j++)
			dup = dup || out[j] == b->key;
		if (!dup && tui_keytable_action(table, b->key) == def->action)
			out[n++] = b->key;
	}
	for (int i = 0; i < TUI_KEYS_PER_DEF && def->keys[i] && n < max; i++) {
		bool dup = false;

		for (size_t j = 0; j < n; j++)
			dup = dup || out[j] == def->keys[i];
		if (!dup && tui_keytable_action(table, def->keys[i]) == def->action)
			out[n++] = def->keys[i];
	}
	return n;
}

static void join_keys(const tui_key *keys, size_t nkeys, char *out, size_t outlen)
{
	size_t pos = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < nkeys; i++) {
		char name[32];
		int n;

		tui_key_name(keys[i], name, sizeof(name));
		n = snprintf(out + pos, outlen - pos, "%s%s", i ? "/" : "", name);
		if (n < 0 || (size_t)n >= outlen - pos)
			return;
		pos += (size_t)n;
	}
}

void tui_keytable_row_keys(const tui_keydef *table, const tui_keydef *def, char *out,
			   size_t outlen)
{
	tui_key keys[TUI_KEYS_PER_DEF * 2];

	join_keys(keys, row_keys(table, def, keys, sizeof keys / sizeof keys[0]), out, outlen);
}

size_t tui_keytable_keys_of(const tui_keydef *table, int action, tui_key *out, size_t max)
{
	const tui_keydef *rows[ROWS_MAX];
	size_t n = flatten(table, rows, 0, 0), got = 0;

	for (size_t i = 0; i < n && got < max; i++)
		if (rows[i]->action == action)
			got += row_keys(table, rows[i], out + got, max - got);
	return got;
}

/* ---- hint bar and help ------------------------------------------------------------ */

static bool shown(const tui_keydef *row, tui_allow_fn allow, void *arg)
{
	return !allow || row->action == TUI_ACT_TEXT || allow(arg, row->action);
}

/* "k hint" for the bar, or false when the row has no hint or no key. */
static bool bar_item(const tui_keydef *table, const tui_keydef *row, char *out, size_t outlen)
{
	tui_key key;
	char name[32];

	if (!row->in_bar || !row->hint || !row->hint[0] ||
	    row_keys(table, row, &key, 1) != 1)
		return false;
	tui_key_name(key, name, sizeof(name));
	snprintf(out, outlen, "%s %s", name, row->hint);
	return true;
}

int tui_keytable_hintbar_if(const tui_keydef *table, tui_allow_fn allow, void *arg, int width,
			    char *out, size_t outlen)
{
	const tui_keydef *rows[ROWS_MAX];
	size_t pos = 0, n = flatten(table, rows, 0, 0);
	int cols = 0, reserve = 0;
	char item[128];

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	/* columns kept free for the help item, so that a crowded bar drops other
	 * hints rather than the one that leads to all of them */
	for (size_t r = 0; r < n && !reserve; r++)
		if (rows[r]->action == TUI_ACT_HELP && bar_item(table, rows[r], item, sizeof item))
			reserve = tui_width(item) + 2;
	for (size_t r = 0; r < n; r++) {
		char sep[160];
		int w, k;

		if (!shown(rows[r], allow, arg) || !bar_item(table, rows[r], item, sizeof item))
			continue;
		if (rows[r]->action == TUI_ACT_HELP)
			reserve = 0;
		snprintf(sep, sizeof(sep), "%s%s", cols ? "  " : "", item);
		w = tui_width(sep);
		if (cols + w + reserve > width)
			continue; /* leave it out whole; a shorter one may still fit */
		k = snprintf(out + pos, outlen - pos, "%s", sep);
		if (k < 0 || (size_t)k >= outlen - pos)
			break;
		pos += (size_t)k;
		cols += w;
	}
	return cols;
}

static bool shown_in(const tui_keydef *row, tui_allow_fn allow, void *arg, bool text_rows)
{
	if (row->action == TUI_ACT_TEXT && text_rows)
		return true;
	return !allow || allow(arg, row->action);
}

/* text_rows: the editing keys are shown whatever allow says. */
static char *help_text(const tui_keydef *table, tui_allow_fn allow, void *arg, bool text_rows)
{
	const tui_keydef *rows[ROWS_MAX];
	size_t cap = 256, len = 0, n = flatten(table, rows, 0, 0);
	char *out = malloc(cap);
	int col = 0;

	if (!out)
		return NULL;
	out[0] = '\0';
	for (size_t r = 0; r < n; r++) {
		char keys[160];
		int w;

		tui_keytable_row_keys(table, rows[r], keys, sizeof keys);
		w = tui_width(keys);
		if (shown_in(rows[r], allow, arg, text_rows) && w > col)
			col = w;
	}
	for (size_t r = 0; r < n; r++) {
		const tui_keydef *row = rows[r];
		char keys[160];
		const char *help = row->help ? row->help : (row->hint ? row->hint : "");
		size_t need;

		tui_keytable_row_keys(table, row, keys, sizeof keys);
		if (!keys[0] || !shown_in(row, allow, arg, text_rows))
			continue; /* unbound, or not for this user now */
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

char *tui_keytable_help_if(const tui_keydef *table, tui_allow_fn allow, void *arg)
{
	return help_text(table, allow, arg, true);
}

char *tui_keytable_help(const tui_keydef *table)
{
	return help_text(table, NULL, NULL, true);
}

/* The dump leaves out the editing keys a table includes: the manual lists
 * them once, under the shared tables (dumped on their own). */
static bool not_text(void *arg, int action)
{
	(void)arg;
	return action != TUI_ACT_TEXT;
}

int tui_keytable_dump(const tui_keydef *table, const char *title, FILE *f)
{
	const tui_keydef *rows[ROWS_MAX];
	size_t n = flatten(table, rows, 0, 0);
	bool only_text = n > 0;
	char *help;

	for (size_t i = 0; i < n; i++)
		only_text = only_text && rows[i]->action == TUI_ACT_TEXT;
	help = only_text ? tui_keytable_help(table) : help_text(table, not_text, NULL, false);
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
