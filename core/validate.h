/* validate.h - text rules shared by every field (SPEC section 1). Each check
 * returns BB_OK, or BB_INVALID with one sentence naming the field, what is
 * wrong and what to do. Lengths are counted in characters (UTF-8 code points)
 * after trimming; invalid UTF-8 is refused. */
#ifndef BB_VALIDATE_H
#define BB_VALIDATE_H

#include <stddef.h>

#include "error.h"
#include "util.h"

#define BB_NAME_MAX 64
#define BB_LABEL_MAX 64
#define BB_LABELS_MAX 50
#define BB_EMAIL_MAX 254
#define BB_DESCRIPTION_MAX 10000
#define BB_LOGIN_NAME_MAX 64
#define BB_BRANCH_MAX 255
#define BB_PROJECT_ROOT_MAX 1024

/* Copies s without leading/trailing spaces and tabs into a malloc'd string. */
char *validate_trim(const char *s);

/* Number of code points, or -1 when s is not valid UTF-8. */
long validate_utf8_length(const char *s);

/* 1 when s holds a C0/C1 control character or DEL (newline and tab count),
 * or an invisible or direction-changing character (bidi overrides and
 * isolates, zero-width characters, U+2028/U+2029), which make text read as
 * something it is not. Every field refuses them. */
int validate_has_control(const char *s);

/* Integration name: 1-64 chars after trimming, no control characters, at
 * least one letter or digit. */
bb_code validate_name(const char *name, bb_err *err);

/* The slug of a name: lower-cased, each run outside [a-z0-9] -> one '-',
 * trimmed of '-'. out must hold strlen(name)+1 bytes. */
void validate_slugify(const char *name, char *out, size_t size);

/* local@domain.tld, no spaces, at most 254 characters. */
bb_code validate_email(const char *email, bb_err *err);

/* Non-empty, no whitespace, not a Bitbucket app password (refused with how to
 * create an API token instead). */
bb_code validate_token(const char *token, bb_err *err);

/* Labels: each trimmed, 1-64 chars, no control chars, no commas; duplicates
 * dropped, order kept, at most 50. *out receives the cleaned list. */
bb_code validate_labels(const bb_strlist *in, bb_strlist *out, bb_err *err);
bb_code validate_label(const char *label, bb_err *err);

/* At most 10,000 chars; newlines and tabs allowed, other control chars not. */
bb_code validate_description(const char *text, bb_err *err);

/* individual | aggregated | all. */
bb_code validate_checks_mode(const char *mode, bb_err *err);

/* A space name (also its id): 1-64 chars of [a-z0-9-], not starting with '-'. */
bb_code validate_space_name(const char *name, bb_err *err);

/* A Bitbucket workspace slug: [A-Za-z0-9_.-], 1-62 chars. */
bb_code validate_workspace(const char *ws, bb_err *err);

/* "workspace/repo_slug". */
bb_code validate_repository(const char *repo, bb_err *err);

/* A stack or module name (kind words the message): 1-64 characters after
 * trimming, no control characters, at least one letter or digit (any
 * non-ASCII counts). */
bb_code validate_stack_name(const char *kind, const char *name, bb_err *err);

#define VALIDATE_BRANCH_MAX 255
#define VALIDATE_PROJECT_ROOT_MAX 1024
/* A Git branch name: 1-255 characters, no spaces, control characters, '..',
 * '~', '^', ':' or a backslash, not starting with '-'. */
bb_code validate_branch(const char *branch, bb_err *err);
/* A stack's project root: a path inside the repository (relative, no "..",
 * at most 1024 characters, no control characters); "" for none. */
bb_code validate_project_root(const char *path, bb_err *err);

/* An https:// URL with a host and no spaces, query or fragment; a trailing
 * '/' is dropped by callers. */
bb_code validate_webhook_base(const char *url, bb_err *err);

/* A user's login (a role holder): 1-64 chars, no whitespace or control
 * characters. */
bb_code validate_login(const char *login, bb_err *err);

/* A copy of s safe to print on a terminal: C0/C1 control characters, DEL and
 * invalid UTF-8 bytes are replaced by U+FFFD; newlines and tabs too unless
 * keep_newlines; invisible and direction-changing characters are shown as
 * their code point ("<U+202E>"). malloc'd. */
char *validate_sanitize(const char *s, int keep_newlines);

/* Writes s into out (size bytes) sanitised and cut to about 40 characters
 * (an ellipsis marks the cut), for quoting user input in error sentences. */
void validate_quote(const char *s, char *out, size_t size);
#define BB_QUOTE_SIZE 176

#endif
