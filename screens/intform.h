/* intform.h - the fields of an integration form, shared by the wizard (create)
 * and the edit form: email, API token, labels and description, each checked
 * live by core's validators, whose sentence is kept per field. */
#ifndef INTFORM_H
#define INTFORM_H

#include "scr.h"

enum { IF_EMAIL, IF_TOKEN, IF_LABELS, IF_WORKSPACES, IF_DESC, IF_COUNT };

typedef struct intform {
	tui_field email, token, desc;
	tui_tags labels, workspaces;
	bool token_optional; /* edit: an empty token keeps the saved one */
	char why[IF_COUNT][BB_MSG_MAX];
} intform;

/* Sets up the fields and their validators. token_optional: empty is valid.
 * 0, or -1 when out of memory (intform_destroy frees what was made). */
int intform_init(intform *f, bool token_optional);
/* Wipes the token and frees every field. */
void intform_destroy(intform *f);
/* Why a paste into a plain (not masked) field must be refused, or NULL: a
 * pasted token is never shown in clear. field: the field it would land in. */
const char *intform_paste_refusal(const tui_field *field, const tui_event *ev);
/* Applies ev to a plain field: a token-like paste is refused with a sentence
 * on the message line, a paste that loses tabs or newlines says so. */
enum tui_field_res intform_field_event(tui_field *field, const tui_event *ev);
/* The same for a tag editor's input. */
enum tui_field_res intform_tags_event(tui_tags *tags, const tui_event *ev);

#endif
