/* intform.c - the integration form's shared fields: core's validators with
 * their sentence kept per field, the token's paste filter, and the guard that
 * keeps a pasted token out of every field that shows its text. */
#include <string.h>
#include <wctype.h>

#include "intform.h"
#include "validate.h"

/* One validator per field: core's sentence, kept in the form until the next
 * call (the field shows it beside itself). */
#define INTFORM_CHECK(fn, slot)                                               \
	static const char *fn##_check(void *arg, const char *v)               \
	{                                                                     \
		intform *f = arg;                                             \
		bb_err err = {0};                                             \
		if (fn(v, &err) == BB_OK)                                     \
			return NULL;                                          \
		snprintf(f->why[slot], BB_MSG_MAX, "%s", err.msg);           \
		return f->why[slot];                                          \
	}
INTFORM_CHECK(validate_email, IF_EMAIL)
INTFORM_CHECK(validate_label, IF_LABELS)
INTFORM_CHECK(validate_workspace, IF_WORKSPACES)
INTFORM_CHECK(validate_description, IF_DESC)

static const char *check_token(void *arg, const char *v)
{
	intform *f = arg;
	bb_err err = {0};

	if ((f->token_optional && !*v) || validate_token(v, &err) == BB_OK)
		return NULL;
	snprintf(f->why[IF_TOKEN], BB_MSG_MAX, "%s", err.msg);
	return f->why[IF_TOKEN];
}

/* A pasted token often ends with a newline: drop whitespace silently. */
static enum tui_filter_res token_filter(void *arg, wchar_t ch)
{
	(void)arg;
	return iswspace((wint_t)ch) || ch < 0x20 ? TUI_FILTER_DROP : TUI_FILTER_ACCEPT;
}

int intform_init(intform *f, bool token_optional)
{
	f->token_optional = token_optional;
	if (tui_field_init(&f->email, 0) || tui_field_init(&f->token, TUI_FIELD_MASKED) ||
	    tui_field_init(&f->desc, TUI_FIELD_MULTILINE) ||
	    tui_tags_init(&f->labels, BB_LABELS_MAX) || tui_tags_init(&f->workspaces, 0))
		return -1;
	f->email.validate = validate_email_check, f->email.arg = f;
	f->token.validate = check_token, f->token.arg = f;
	f->token.filter = token_filter;
	f->desc.validate = validate_description_check, f->desc.arg = f;
	f->labels.input.validate = validate_label_check, f->labels.input.arg = f;
	f->workspaces.input.validate = validate_workspace_check, f->workspaces.input.arg = f;
	return 0;
}

void intform_destroy(intform *f)
{
	tui_field_destroy(&f->email);
	tui_field_destroy(&f->token); /* wipes the token */
	tui_field_destroy(&f->desc);
	tui_tags_destroy(&f->labels);
	tui_tags_destroy(&f->workspaces);
}

/* ---- pastes ------------------------------------------------------------------ */

/* The paste without surrounding whitespace is one word of printable ASCII
 * with letters and digits and no '@', at least min long. */
static bool token_shaped(const char *text, size_t min)
{
	const char *s = text, *e;
	bool alpha = false, digit = false;

	while (*s && strchr(" \t\r\n", *s))
		s++;
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		e--;
	if ((size_t)(e - s) < min)
		return false;
	for (const char *p = s; p < e; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c >= 0x7F || c == '@')
			return false;
		alpha |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		digit |= c >= '0' && c <= '9';
	}
	return alpha && digit;
}

/* Atlassian API tokens start with ATATT (app passwords with ATBB) and run to
 * some 190 characters. An address always has an '@': in the email field any
 * token-shaped paste is refused; elsewhere only what can hardly be anything
 * but a token. */
const char *intform_paste_refusal(const tui_field *field, const tui_event *ev)
{
	const char *t = ev->text;
	bool email = field->validate == validate_email_check;

	if (ev->key != TUI_K_PASTE || !t || (field->flags & TUI_FIELD_MASKED))
		return NULL;
	while (*t && strchr(" \t\r\n", *t))
		t++;
	if (!(email ? token_shaped(t, 16) : token_shaped(t, 40) ||
		      ((strncmp(t, "ATATT", 5) == 0 || strncmp(t, "ATBB", 4) == 0) &&
		       token_shaped(t, 16))))
		return NULL;
	return email ? "That paste looks like an API token, not an email address, so it was not "
		       "taken; paste the token on the API token step, where it stays hidden."
		     : "That paste looks like an API token, so it was not taken (this field shows "
		       "its text); paste the token in the API token field, where it stays hidden.";
}

enum tui_field_res intform_field_event(tui_field *field, const tui_event *ev)
{
	const char *why = intform_paste_refusal(field, ev);

	if (why) {
		tui_message(why, true);
		return TUI_FIELD_REFUSED;
	}
	return tui_field_event(field, ev);
}

enum tui_field_res intform_tags_event(tui_tags *tags, const tui_event *ev)
{
	const char *why = tags->sel < 0 ? intform_paste_refusal(&tags->input, ev) : NULL;

	if (why) {
		tui_message(why, true);
		return TUI_FIELD_REFUSED;
	}
	return tui_tags_event(tags, ev);
}
