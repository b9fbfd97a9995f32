/* scr.h - what the console's screens share: the acting context, a change
 * counter and the watch on other processes' changes, drawing helpers and the constructors of every screen.
 *
 * Screens are thin: they lay out tui/ widgets, call core/ and show results.
 * Every screen embeds its tui_screen as the first member of its state, so
 * one malloc holds both and ops->destroy frees it. */
#ifndef SCR_H
#define SCR_H

#include "tui.h"

#include "ctx.h"
#include "error.h"
#include "integration.h"
#include "space.h"

/* The context of the running console (set once by console_main). */
bb_ctx *scr_ctx(void);
void scr_set_ctx(bb_ctx *ctx);

/* Bumped by every change made from the console or seen from another process
 * (with tui_reload_all); what a screen built from its loaded data (a search
 * index) compares it to know the build is old. */
unsigned scr_generation(void);
void scr_changed(void);

/* What the console just created ("integration" and its slug, "stack" and
 * "kind/name", "space" and its name, "login" and the login granted), for the
 * list under the form to select when it reloads. scr_focus_take copies the
 * key into out and forgets it: true once, and only for that kind. */
void scr_focus(const char *kind, const char *key);
bool scr_focus_take(const char *kind, char *out, size_t size);

/* Looks every ms (SCR_WATCH_MS by default) at the database's change counter
 * and, when another process committed, reloads the screens (tui_reload_all).
 * ms <= 0 watches nothing. Returns the timer id, or -1. */
#define SCR_WATCH_MS 1000
int scr_watch_data(int ms);

/* Draws text word-wrapped into width columns from row y, at most max_rows
 * rows; newlines start new lines. Returns the rows used. */
int scr_wrap(WINDOW *w, int y, int x, int width, int max_rows, const char *text, attr_t attr);
/* Like scr_wrap for a URL or path: breaks after a '/' where it can. */
int scr_wrap_path(WINDOW *w, int y, int x, int width, int max_rows, const char *text,
		  attr_t attr);
/* Rows scr_wrap would use (without a limit). */
int scr_wrap_rows(int width, const char *text);
/* "Label       value" with the label in a 14-column muted column. */
void scr_pair(WINDOW *w, int y, int x, int width, const char *label, const char *value,
	      attr_t attr);
/* Shows err's sentence on the message line as an error. */
void scr_error(const bb_err *err);
/* The sentence saying why ctx's user may not see an integration's details
 * (which role is needed in which space). */
void scr_details_reason(const bb_integration *it, char *out, size_t size);
/* Whether ctx's user holds at least `need` in some space (what creating
 * something needs); false when it cannot be told. For the screens' allowed
 * hooks: ask once when loading, not on every draw. */
bool scr_role_somewhere(bb_role need);
/* The sentence for a refusal by scr_role_somewhere: "Creating an integration
 * needs the admin role in a space; you (carol) have it in none." */
void scr_role_reason(bb_role need, const char *doing, char *out, size_t size);
/* Whether the user may act on it as its space's admin (what seeing its
 * details needs); when not and why is not NULL, the sentence saying which
 * role is needed where, starting with `doing` and the integration's name. */
bool scr_admin_of(const bb_integration *it, const char *doing, char *why, size_t size);
/* "yyyy-mm-dd hh:mm ZONE" in the local time zone (TZ honoured) from an RFC
 * 3339 UTC time; "-" when there is none, the text as it is when unreadable. */
void scr_short_time(const char *rfc3339, char *out, size_t size);
/* "yyyy-mm-dd hh:mm:ss ZONE" in the local time zone (TZ honoured) from an
 * RFC 3339 UTC time; "-" when there is none, the text as it is when unreadable. */
void scr_local_time(const char *rfc3339, char *out, size_t size);
/* Labels joined with ", " into out. */
void scr_join(const bb_strlist *l, char *out, size_t size);
/* One bullet per character for n characters, at most max. */
void scr_mask(size_t n, size_t max, char *out, size_t size);
/* The same followed by hint, all within size bytes (the bullets give way). */
void scr_mask_hint(size_t n, size_t max, const char *hint, char *out, size_t size);
/* The screen's state as its containing struct (the screen is its first member). */
#define SCR_STATE(type, s) ((type *)(void *)(s))

/* ---- screens ---------------------------------------------------------- */
tui_screen *setup_new(void);
tui_screen *home_new(void);
/* draft_json: a saved draft to resume (may be NULL). */
tui_screen *wizard_new(const char *draft_json);
/* Offers to resume the draft (takes ownership of draft_json). */
tui_screen *offers_resume_new(char *draft_json);
tui_screen *webhook_new(const char *slug);
tui_screen *details_new(const char *slug);
/* Edit the editable fields of it (copied); version is the stale-edit check. */
tui_screen *edit_new(const bb_integration *it);
/* pop_after: screens to pop after a delete (the confirmation included). */
tui_screen *delete_new(const char *slug, unsigned pop_after);
tui_screen *audit_new(void);
/* The deliveries of integration slug (name: for the title), and one of them. */
tui_screen *deliveries_new(const char *slug, const char *name);
tui_screen *deliveries_view_new(long long id);
/* The re-attach offer after creating `name`, then the webhook setup of slug;
 * NULL when nothing is detached from that name. */
tui_screen *offers_new(const char *name, const char *slug);

/* Key tables (exported for the key dump). */
extern const tui_keydef setup_keys[];
extern const tui_keydef home_keys[];
extern const tui_keydef wizard_keys_line[];
extern const tui_keydef wizard_keys_choice[];
extern const tui_keydef wizard_keys_labels[];
extern const tui_keydef wizard_keys_text[];
extern const tui_keydef wizard_keys_review[];
extern const tui_keydef offers_resume_keys[];
extern const tui_keydef webhook_keys[];
extern const tui_keydef details_keys[];
extern const tui_keydef edit_keys[];
extern const tui_keydef delete_keys[];
extern const tui_keydef audit_keys[];
extern const tui_keydef audit_entry_keys[];
extern const tui_keydef deliveries_keys[];
extern const tui_keydef deliveries_view_keys[];

/* App action ids shared by the key tables; each has a name in scr.c
 * (scr_actions), which is what a config file binds keys to. */
enum {
	SCR_NEW = TUI_ACT_APP,
	SCR_OPEN,
	SCR_EDIT,
	SCR_DELETE,
	SCR_REVEAL,
	SCR_ROTATE,
	SCR_WEBHOOK,
	SCR_STACKS,
	SCR_AUDIT,
	SCR_NEXT,
	SCR_FINISH,
	SCR_COPY,
	SCR_COPY_SECRET,
	SCR_DISCARD,
	SCR_SAVE,
	SCR_VERIFY,
	SCR_TROUBLESHOOT,
	SCR_DELIVERIES,
	SCR_FIX,
	SCR_MARK,
	SCR_DETACHED,
	SCR_INTEGRATION,
	SCR_TRIGGER,
	SCR_PICK,
	SCR_CYCLE,
	SCR_RUN,
	SCR_SPACES,
	SCR_SORT,
	SCR_SORT_BACK,
	/* generic ones under the names the screens used before */
	SCR_FILTER = TUI_ACT_FILTER,
	SCR_NEXT_FIELD = TUI_ACT_NEXT_FIELD,
	SCR_PREV_FIELD = TUI_ACT_PREV_FIELD,
	SCR_SEARCH = TUI_ACT_SEARCH,
	SCR_SEARCH_NEXT = TUI_ACT_SEARCH_NEXT,
	SCR_SEARCH_PREV = TUI_ACT_SEARCH_PREV
};

/* The names of the SCR_* actions (registered by console_main). */
extern const tui_action_def scr_actions[];

/* Sorting a list by a column: > (or o) goes to the next of column 1
 * ascending, column 1 descending, column 2 ascending..., < goes back. */
typedef struct scr_sort {
	int col;    /* the column sorted by */
	bool desc;  /* descending */
} scr_sort;
/* Applies SCR_SORT / SCR_SORT_BACK to s over ncols columns; false for
 * other actions. */
bool scr_sort_key(scr_sort *s, int action, int ncols);
/* The header: each name in its width (a column apart), the sorted one
 * marked "^" (ascending) or "v" (descending). */
void scr_sort_header(WINDOW *w, int y, int x, int width, const char *const *names,
		     const int *widths, int n, const scr_sort *s);
/* "Sorted by Name, ascending." for the message line. */
void scr_sort_say(const char *const *names, const scr_sort *s);
#define SCR_SORT_KEYS                                                               \
	{SCR_SORT, {'>', 'o'}, "sort",                                              \
	 "Sort by the next column, each ascending then descending.", false}, \
	{SCR_SORT_BACK, {'<'}, "sort back", "Sort by the previous column.", false}

/* The reload row every screen that shows stored data puts in its key table. */
#define SCR_RELOAD_KEYS                                                             \
	{TUI_ACT_RELOAD, {TUI_CTRL('l'), TUI_K_F5}, "reload",                       \
	 "Read the data again now; it also reloads when it changes.", false}

#endif
