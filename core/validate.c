#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define QUOTE_MAX 40               /* code points of a value quoted in a message */
#define WEBHOOK_BASE_MAX 512

/* Decodes one UTF-8 sequence at s into *cp. Returns its length, or 0 when the
 * bytes are not valid UTF-8 (bad lead, truncated, overlong, surrogate, too big). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0)
		len = 2, c = s[0] & 0x1F, min = 0x80;
	else if ((s[0] & 0xF0) == 0xE0)
		len = 3, c = s[0] & 0x0F, min = 0x800;
	else if ((s[0] & 0xF8) == 0xF0)
		len = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0; /* also stops at the NUL */
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

static int is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

/* Invisible characters and those that turn text around: bidi marks,
 * embeddings, overrides and isolates, zero-width characters, line and
 * paragraph separators. With them "prod\u202egnp.exe" reads "prodexe.png". */
static const uint32_t invisible[][2] = {
	{0x061C, 0x061C}, {0x180E, 0x180E}, {0x200B, 0x200F}, {0x2028, 0x202E},
	{0x2060, 0x2064}, {0x2066, 0x206F}, {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB},
};

static int is_invisible(uint32_t cp)
{
	for (size_t i = 0; i < sizeof invisible / sizeof invisible[0]; i++)
		if (cp >= invisible[i][0] && cp <= invisible[i][1])
			return 1;
	return 0;
}

static int is_ascii_alnum(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
}

/* Non-ASCII code points that are punctuation, symbols, marks or spaces; every
 * other non-ASCII code point is taken for a letter. Coarse on purpose: it only
 * decides whether a name has "something readable" in it. */
static const uint32_t not_letters[][2] = {
	{0x80, 0xA9}, {0xAB, 0xB4}, {0xB6, 0xB9}, {0xBB, 0xBF}, {0xD7, 0xD7}, {0xF7, 0xF7},
	{0x300, 0x36F}, {0x2000, 0x2BFF}, {0x3000, 0x303F}, {0xE000, 0xF8FF},
	{0xFE00, 0xFE4F}, {0xFF00, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40},
	{0xFF5B, 0xFF65}, {0xFFF0, 0xFFFF}, {0x1F000, 0x1FAFF},
};

static int is_letter_or_digit(uint32_t cp)
{
	if (cp < 0x80)
		return is_ascii_alnum(cp);
	for (size_t i = 0; i < sizeof not_letters / sizeof not_letters[0]; i++)
		if (cp >= not_letters[i][0] && cp <= not_letters[i][1])
			return 0;
	return 1;
}

char *validate_trim(const char *s)
{
	const char *end;
	char *out;

	if (!s)
		s = "";
	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	out = malloc((size_t)(end - s) + 1);
	if (!out)
		return NULL;
	memcpy(out, s, (size_t)(end - s));
	out[end - s] = '\0';
	return out;
}

long validate_utf8_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;
	uint32_t cp;
	size_t len;

	while (*p) {
		if (!(len = utf8_next(p, &cp)))
			return -1;
		p += len;
		n++;
	}
	return n;
}

int validate_has_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t len;

	while (*p) {
		len = utf8_next(p, &cp);
		if (len && (is_control(cp) || is_invisible(cp)))
			return 1;
		p += len ? len : 1;
	}
	return 0;
}

char *validate_sanitize(const char *s, int keep_newlines)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	char *out = malloc(strlen((const char *)p) * 4 + 1); /* 2 bytes grow to 8 at most */
	char *o = out;
	uint32_t cp;
	size_t len;

	if (!out)
		return NULL;
	while (*p) {
		len = utf8_next(p, &cp);
		if (!len || (is_control(cp) && !(keep_newlines && (cp == '\n' || cp == '\t')))) {
			memcpy(o, REPLACEMENT, 3);
			o += 3;
			p += len ? len : 1;
			continue;
		}
		if (is_invisible(cp)) { /* shown, as its code point */
			o += sprintf(o, "<U+%04X>", (unsigned)cp);
			p += len;
			continue;
		}
		memcpy(o, p, len);
		o += len;
		p += len;
	}
	*o = '\0';
	return out;
}

void validate_quote(const char *s, char *out, size_t size)
{
	char *clean;
	const unsigned char *p;
	size_t n = 0, count = 0, len;
	uint32_t cp;

	if (size < 4) { /* no room even for an ellipsis */
		if (size)
			out[0] = '\0';
		return;
	}
	clean = validate_sanitize(s, 0);
	p = (const unsigned char *)(clean ? clean : "");
	while (p[n] && count < QUOTE_MAX && (len = utf8_next(p + n, &cp)) && n + len + 4 < size) {
		n += len;
		count++;
	}
	memcpy(out, p, n);
	strcpy(out + n, p[n] ? "\xE2\x80\xA6" : ""); /* an ellipsis when cut */
	free(clean);
}

/* The first control or invisible character of s (newline and tab skipped
 * when allow_newlines), for messages: its code point and its 1-based
 * position in characters. 0 when there is none, 1 for a control character,
 * 2 for an invisible one. */
static int first_control(const char *s, int allow_newlines, uint32_t *cp_out, long *pos)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t len;

	for (*pos = 1; *p; p += len ? len : 1, (*pos)++) {
		len = utf8_next(p, &cp);
		if (len && is_invisible(cp)) {
			*cp_out = cp;
			return 2;
		}
		if (!len || !is_control(cp) || (allow_newlines && (cp == '\n' || cp == '\t')))
			continue;
		*cp_out = cp;
		return 1;
	}
	return 0;
}

static int has_letter_or_digit(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t len;

	for (; *p && (len = utf8_next(p, &cp)); p += len)
		if (is_letter_or_digit(cp))
			return 1;
	return 0;
}

/* Length and control-character checks shared by name, label and description.
 * what: "The name", ... */
static bb_code check_text(const char *s, const char *what, long max, int allow_newlines,
			  bb_err *err)
{
	long n = validate_utf8_length(s), pos;
	uint32_t cp;
	int kind;

	if (n < 0)
		return bb_fail(err, BB_INVALID, "%s is not valid UTF-8 text; retype it.", what);
	if (n > max)
		return bb_fail(err, BB_INVALID, "%s is %ld characters long; shorten it to at most "
			       "%ld.", what, n, max);
	kind = first_control(s, allow_newlines, &cp, &pos);
	if (kind == 2)
		return bb_fail(err, BB_INVALID, "%s contains an invisible or direction-changing "
			       "character (U+%04X at character %ld), which can make text read as "
			       "something else; remove it.", what, (unsigned)cp, pos);
	if (kind == 1)
		return bb_fail(err, BB_INVALID, "%s contains a control character (U+%04X at "
			       "character %ld); remove it%s.", what, (unsigned)cp, pos,
			       allow_newlines ? " (newlines and tabs are fine)" : "");
	return BB_OK;
}

bb_code validate_name(const char *name, bb_err *err)
{
	char *t = validate_trim(name);
	char *slug;
	bb_code rc = BB_OK;

	if (!t)
		return bb_oom(err);
	if (!*t)
		rc = bb_fail(err, BB_INVALID, "The name is empty; type a name of 1 to %d characters.",
			     BB_NAME_MAX);
	else if (check_text(t, "The name", BB_NAME_MAX, 0, err) != BB_OK)
		rc = BB_INVALID;
	else if (!has_letter_or_digit(t))
		rc = bb_fail(err, BB_INVALID, "The name has no letter or digit; include at least "
			     "one.");
	if (rc == BB_OK && (slug = malloc(strlen(t) + 1)) != NULL) {
		validate_slugify(t, slug, strlen(t) + 1);
		if (!*slug)
			rc = bb_fail(err, BB_INVALID, "The name needs at least one Latin letter or digit "
				     "(a-z, 0-9): its slug and webhook endpoint are built from them.");
		free(slug);
	}
	free(t);
	return rc;
}

void validate_slugify(const char *name, char *out, size_t size)
{
	size_t n = 0;
	int dash = 0;

	if (!size)
		return;
	for (const char *p = name ? name : ""; *p && n + 1 < size; p++) {
		char c = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0) {
				if (n + 2 >= size)
					break;
				out[n++] = '-';
			}
			dash = 0;
			out[n++] = c;
		} else {
			dash = 1; /* written only if a letter or digit follows: trims both ends */
		}
	}
	out[n] = '\0';
}

static int is_space_char(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The domain of an address: dot-separated non-empty labels of letters, digits,
 * '-' or non-ASCII (IDN), ending in a top-level domain of 2+ letters. */
static int domain_ok(const char *d)
{
	const char *tld = strrchr(d, '.');
	size_t label = 0;

	if (!tld || tld == d || !*(tld + 1))
		return 0;
	for (const unsigned char *p = (const unsigned char *)d; *p; p++) {
		if (*p == '.') {
			if (!label)
				return 0;
			label = 0;
		} else if (is_ascii_alnum(*p) || *p == '-' || *p >= 0x80) {
			label++;
		} else {
			return 0;
		}
	}
	if (strncmp(tld + 1, "xn--", 4) == 0)
		return strlen(tld + 1) > 4;
	for (const char *p = tld + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return 0;
	return strlen(tld + 1) >= 2;
}

bb_code validate_email(const char *email, bb_err *err)
{
	const char *at, *p;
	long n;

	if (!email || !*email)
		return bb_fail(err, BB_INVALID, "The email is empty; enter the email address of the "
			       "Atlassian account that owns the API token.");
	if ((n = validate_utf8_length(email)) < 0)
		return bb_fail(err, BB_INVALID, "The email is not valid UTF-8 text; retype it.");
	if (n > BB_EMAIL_MAX)
		return bb_fail(err, BB_INVALID, "The email is %ld characters long; an address has at "
			       "most %d.", n, BB_EMAIL_MAX);
	for (p = email; *p; p++)
		if (is_space_char((unsigned char)*p))
			return bb_fail(err, BB_INVALID, "The email contains a space; remove it.");
	if (validate_has_control(email))
		return bb_fail(err, BB_INVALID, "The email contains a control or invisible character; "
			       "remove it.");
	at = strchr(email, '@');
	if (!at || strchr(at + 1, '@') || at == email || !domain_ok(at + 1))
		return bb_fail(err, BB_INVALID, "The email is not a valid address; write it as "
			       "name@domain.tld (the Atlassian account email).");
	return BB_OK;
}

/* Bitbucket app passwords: "ATBB..." now, a bare 20-character alphanumeric
 * string before that. API tokens look like neither. */
static int looks_like_app_password(const char *t)
{
	size_t n = strlen(t);

	if (strncmp(t, "ATBB", 4) == 0)
		return 1;
	if (n != 20)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_ascii_alnum((unsigned char)t[i]))
			return 0;
	return 1;
}

/* Never quote the token in a message: it is a secret. */
bb_code validate_token(const char *token, bb_err *err)
{
	if (!token || !*token)
		return bb_fail(err, BB_INVALID, "The API token is empty; paste the Atlassian API "
			       "token.");
	for (const unsigned char *p = (const unsigned char *)token; *p; p++) {
		if (is_space_char(*p) || *p < 0x20 || *p == 0x7F)
			return bb_fail(err, BB_INVALID, "The API token contains a space or control "
				       "character; paste the token alone, without spaces or line breaks.");
		if (*p >= 0x80)
			return bb_fail(err, BB_INVALID, "The API token contains a non-ASCII character, "
				       "which API tokens never have; paste the token again.");
	}
	if (looks_like_app_password(token))
		return bb_fail(err, BB_INVALID, "This looks like a Bitbucket app password, which "
			       "Atlassian has switched off; create an API token instead (Atlassian "
			       "account settings > Security > Create API token with scopes, app "
			       "Bitbucket, read access to Repository and Pull requests).");
	return BB_OK;
}

bb_code validate_label(const char *label, bb_err *err)
{
	char *t = validate_trim(label);
	char q[BB_QUOTE_SIZE], what[sizeof q + 16];
	bb_code rc = BB_OK;

	if (!t)
		return bb_oom(err);
	validate_quote(t, q, sizeof q);
	snprintf(what, sizeof what, "The label \"%s\"", q);
	if (!*t)
		rc = bb_fail(err, BB_INVALID, "A label is empty; type 1 to %d characters or remove "
			     "it.", BB_LABEL_MAX);
	else if (check_text(t, what, BB_LABEL_MAX, 0, err) != BB_OK)
		rc = BB_INVALID;
	else if (strchr(t, ','))
		rc = bb_fail(err, BB_INVALID, "%s contains a comma; split it into separate labels.",
			     what);
	free(t);
	return rc;
}

bb_code validate_labels(const bb_strlist *in, bb_strlist *out, bb_err *err)
{
	bb_code rc = BB_OK;

	for (size_t i = 0; in && i < in->n && rc == BB_OK; i++) {
		char *t;

		if (validate_label(in->v[i], err) != BB_OK) {
			rc = BB_INVALID;
		} else if (!(t = validate_trim(in->v[i]))) {
			rc = bb_oom(err);
		} else {
			if (!strlist_contains(out, t) && strlist_push(out, t) != 0)
				rc = bb_oom(err);
			free(t);
		}
	}
	if (rc == BB_OK && out->n > BB_LABELS_MAX)
		rc = bb_fail(err, BB_INVALID, "There are %zu labels; keep at most %d.", out->n,
			     BB_LABELS_MAX);
	if (rc != BB_OK)
		strlist_free(out);
	return rc;
}

bb_code validate_description(const char *text, bb_err *err)
{
	return check_text(text ? text : "", "The description", BB_DESCRIPTION_MAX, 1, err);
}

bb_code validate_checks_mode(const char *mode, bb_err *err)
{
	if (mode && (!strcmp(mode, "individual") || !strcmp(mode, "aggregated") ||
		     !strcmp(mode, "all")))
		return BB_OK;
	return bb_fail(err, BB_INVALID, "The VCS checks mode must be individual, aggregated or "
		       "all.");
}

/* 1 when s has 1..max bytes, all of them in chars (or a letter/digit). */
static int only_chars(const char *s, const char *chars, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_ascii_alnum((unsigned char)s[i]) && !strchr(chars, s[i]))
			return 0;
	return 1;
}

bb_code validate_space_name(const char *name, bb_err *err)
{
	int ok = only_chars(name, "-", BB_NAME_MAX) && name[0] != '-';

	for (const char *p = name; ok && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			ok = 0;
	if (ok)
		return BB_OK;
	return bb_fail(err, BB_INVALID, "A space name is 1 to %d characters of lower-case "
		       "letters, digits and '-', not starting with '-' (like \"dev\" or "
		       "\"team-a\").", BB_NAME_MAX);
}

bb_code validate_workspace(const char *ws, bb_err *err)
{
	char q[BB_QUOTE_SIZE];

	if (only_chars(ws, "_.-", 62))
		return BB_OK;
	validate_quote(ws, q, sizeof q);
	return bb_fail(err, BB_INVALID, "The workspace \"%s\" is not a Bitbucket workspace slug; "
		       "use 1 to 62 letters, digits, '_', '.' or '-' (as in "
		       "bitbucket.org/WORKSPACE).", q);
}

bb_code validate_repository(const char *repo, bb_err *err)
{
	const char *slash = repo ? strchr(repo, '/') : NULL;
	char ws[64], q[BB_QUOTE_SIZE];
	size_t wl = slash ? (size_t)(slash - repo) : 0;

	if (slash && wl > 0 && wl < sizeof ws) {
		memcpy(ws, repo, wl);
		ws[wl] = '\0';
		if (only_chars(ws, "_.-", 62) && only_chars(slash + 1, "_.-", strlen(repo)))
			return BB_OK;
	}
	validate_quote(repo, q, sizeof q);
	return bb_fail(err, BB_INVALID, "The repository \"%s\" is not WORKSPACE/REPO_SLUG; write "
		       "it as in bitbucket.org/WORKSPACE/REPO_SLUG.", q);
}

/* host[:port] of a URL: a DNS name or IPv4 address, or [IPv6]. */
static int authority_ok(const char *a, size_t n)
{
	size_t h = 0;

	if (n && a[0] == '[') {
		while (h < n && a[h] != ']')
			h++;
		if (h == n || h < 3)
			return 0;
		for (size_t i = 1; i < h; i++)
			if (!strchr("0123456789abcdefABCDEF:.", a[i]))
				return 0;
		h++;
	} else {
		while (h < n && (is_ascii_alnum((unsigned char)a[h]) || a[h] == '.' || a[h] == '-'))
			h++;
		if (h == 0 || a[0] == '.' || a[0] == '-')
			return 0;
	}
	if (h == n)
		return 1;
	if (a[h] != ':' || h + 1 == n || n - h - 1 > 5)
		return 0;
	long port = 0;
	for (size_t i = h + 1; i < n; i++) {
		if (a[i] < '0' || a[i] > '9')
			return 0;
		port = port * 10 + (a[i] - '0');
	}
	return port >= 1 && port <= 65535;
}

bb_code validate_webhook_base(const char *url, bb_err *err)
{
	const char *rest, *path;

	if (!url || !*url)
		return bb_fail(err, BB_INVALID, "The webhook base URL is empty; enter the https:// "
			       "address where Bitbucket sends webhooks (like "
			       "https://webhooks.acme.example).");
	if (strncasecmp(url, "http://", 7) == 0)
		return bb_fail(err, BB_INVALID, "The webhook base URL must use https://, not "
			       "http://; Bitbucket webhooks carry a secret.");
	if (strncasecmp(url, "https://", 8) != 0)
		return bb_fail(err, BB_INVALID, "The webhook base URL must start with https:// (like "
			       "https://webhooks.acme.example).");
	if (strlen(url) > WEBHOOK_BASE_MAX)
		return bb_fail(err, BB_INVALID, "The webhook base URL is longer than %d characters; "
			       "use a shorter one.", WEBHOOK_BASE_MAX);
	rest = url + 8;
	for (const unsigned char *p = (const unsigned char *)rest; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7F)
			return bb_fail(err, BB_INVALID, "The webhook base URL contains a space, control "
				       "or non-ASCII character; percent-encode or remove it.");
		if (*p == '?' || *p == '#')
			return bb_fail(err, BB_INVALID, "The webhook base URL must not have a query "
				       "('?') or fragment ('#'); remove it.");
	}
	path = strchr(rest, '/');
	if (memchr(rest, '@', path ? (size_t)(path - rest) : strlen(rest)))
		return bb_fail(err, BB_INVALID, "The webhook base URL must not contain a user name "
			       "or password ('user@'); remove it.");
	if (!authority_ok(rest, path ? (size_t)(path - rest) : strlen(rest)))
		return bb_fail(err, BB_INVALID, "The webhook base URL has no valid host (and "
			       "optional :port); write it like https://webhooks.acme.example.");
	return BB_OK;
}

bb_code validate_login(const char *login, bb_err *err)
{
	size_t n = login ? strlen(login) : 0;
	char q[BB_QUOTE_SIZE];

	if (n == 0)
		return bb_fail(err, BB_INVALID, "The login is empty; give a user's login name.");
	validate_quote(login, q, sizeof q);
	if (validate_utf8_length(login) < 0 || validate_utf8_length(login) > BB_LOGIN_NAME_MAX)
		return bb_fail(err, BB_INVALID, "The login \"%s\" is not 1 to %d characters of "
			       "UTF-8 text; give the user's login name.", q, BB_LOGIN_NAME_MAX);
	for (const unsigned char *p = (const unsigned char *)login; *p; p++)
		if (is_space_char(*p))
			return bb_fail(err, BB_INVALID, "The login \"%s\" contains a space; give the "
				       "user's login name.", q);
	if (validate_has_control(login))
		return bb_fail(err, BB_INVALID, "The login \"%s\" contains a control or invisible "
			       "character; give the user's login name.", q);
	return BB_OK;
}

/* ---- stacks and modules ------------------------------------------------------ */

/* Like an integration name: 1-64 characters after trimming, no control
 * characters, at least one letter or digit (any non-ASCII counts). */
bb_code validate_stack_name(const char *kind, const char *name, bb_err *err)
{
	long n = validate_utf8_length(name);
	int alnum = 0;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		alnum |= (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			 (*p >= 'A' && *p <= 'Z') || *p >= 0x80;
	if (n == 0)
		return bb_fail(err, BB_INVALID, "The %s name is empty; type a name of 1 to %d "
			       "characters.", kind, BB_NAME_MAX);
	if (n < 0 || n > BB_NAME_MAX || validate_has_control(name))
		return bb_fail(err, BB_INVALID, "The %s name must be 1 to %d characters of UTF-8 text "
			       "without control characters; shorten or retype it.", kind,
			       BB_NAME_MAX);
	if (!alnum)
		return bb_fail(err, BB_INVALID, "The %s name has no letter or digit; include at "
			       "least one.", kind);
	return BB_OK;
}

bb_code validate_branch(const char *b, bb_err *err)
{
	long n = validate_utf8_length(b);

	for (const unsigned char *p = (const unsigned char *)b; *p; p++)
		if (*p == ' ' || *p == '~' || *p == '^' || *p == ':' || *p == '\\')
			n = -1;
	if (n <= 0 || n > VALIDATE_BRANCH_MAX || validate_has_control(b) || b[0] == '-' ||
	    strstr(b, ".."))
		return bb_fail(err, BB_INVALID, "The branch is not a valid Git branch name; use up "
			       "to %d characters without spaces, control characters, '..', '~', "
			       "'^', ':' or '\\' (for example main).", VALIDATE_BRANCH_MAX);
	return BB_OK;
}

/* A path inside the repository: relative, no "..", no control characters. */
bb_code validate_project_root(const char *p, bb_err *err)
{
	long n = validate_utf8_length(p);
	int up = 0;

	for (const char *s = p; *s; s = strchr(s, '/') ? strchr(s, '/') + 1 : s + strlen(s))
		up |= strncmp(s, "..", 2) == 0 && (s[2] == '/' || s[2] == '\0');
	if (n < 0 || n > VALIDATE_PROJECT_ROOT_MAX || validate_has_control(p))
		return bb_fail(err, BB_INVALID, "The project root must be at most %d characters of "
			       "UTF-8 text without control characters.", VALIDATE_PROJECT_ROOT_MAX);
	if (p[0] == '/' || up)
		return bb_fail(err, BB_INVALID, "The project root must be a path inside the "
			       "repository: relative, without '..' (for example infra/prod).");
	return BB_OK;
}
