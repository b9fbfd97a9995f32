/* cli.h - the command-line front end: the command table, the parsed command
 * line, and the helpers the commands share (input, tables, JSON).
 *
 * main() parses the whole command line against the table before it opens the
 * database, so a usage error never touches any file. */
#ifndef BB_CLI_H
#define BB_CLI_H

#include <stdio.h>

#include <cJSON.h>

#include "ctx.h"
#include "error.h"
#include "stack.h"
#include "util.h"

#define CLI_MAX_OPTS 16
#define CLI_MAX_POS 4

enum {
	CLI_REQUIRED = 1, /* the command refuses to run without it */
	CLI_REPEAT = 2    /* may be given more than once; values accumulate */
};

/* One long option of a command. Only exact names are accepted: getopt_long's
 * prefix matching would read `--token` as `--token-stdin`. */
typedef struct cli_opt {
	const char *name; /* without "--" */
	const char *arg;  /* metavariable for help ("NAME"); NULL for a flag */
	unsigned flags;
	const char *help;
} cli_opt;

struct cli;
typedef bb_code (*cli_run_fn)(struct cli *c, bb_err *err);

typedef struct cli_cmd {
	const char *group;   /* "integration", or NULL for a one-word command */
	const char *name;    /* "create" */
	const char *args;    /* positional arguments for the usage line, or "" */
	int pos_min, pos_max;
	int needs_user;      /* every command but init: space_require_user first */
	cli_run_fn run;
	const char *summary; /* one line for the help */
	const cli_opt *opts; /* ends with a {NULL} entry */
	int readonly;        /* never writes: opens the database without changing it */
} cli_cmd;

/* The parsed command line. */
typedef struct cli {
	const cli_cmd *cmd;   /* NULL: no command (opens the console) */
	const char *group;    /* a group named without a known subcommand */
	const char *pos[CLI_MAX_POS];
	int npos;
	bb_strlist vals[CLI_MAX_OPTS]; /* per option of cmd, in table order */
	const char *db_path;  /* --db */
	const char *user;     /* --user */
	int json, help, version;
	int dump_keys;        /* hidden --dump-keys */
	int dump_actions;     /* hidden --dump-actions */
	int no_mouse;         /* --no-mouse: the console leaves the mouse alone */
	bb_ctx *ctx;
	FILE *out;            /* stdout */
} cli;

/* The table, ending with a {NULL} entry (commands.c). */
extern const cli_cmd cli_commands[];

/* args.c: parses argv into c (zeroed by the caller); a usage error is
 * BB_USAGE with one sentence. Touches no file. */
bb_code cli_parse(cli *c, int argc, char **argv, bb_err *err);
void cli_free(cli *c);
/* --help for what was named: one command, a group, or everything. */
void cli_print_help(const cli *c, FILE *f);
/* The last value of an option, or NULL when absent. */
const char *cli_get(const cli *c, const char *name);
/* 1 when a flag (or option) was given. */
int cli_has(const cli *c, const char *name);
/* Every value of a repeatable option (an empty list when absent). */
const bb_strlist *cli_list(const cli *c, const char *name);
/* "integration create": the command's words, for messages. */
const char *cli_cmd_words(const cli_cmd *cmd, char *buf, size_t size);
/* A usage refusal: the sentence, then "see bbconsole CMD --help". */
bb_code cli_usage(const cli *c, bb_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* input.c: one line from stdin for --token-stdin (echo off on a terminal),
 * without its newline. Free it with secret_free(). */
bb_code cli_read_token(char **token, bb_err *err);
/* A file to read, or stdin for "-"; opened with the caller's real user and
 * group ids, so raised privileges never read a file for the caller. */
bb_code cli_open_file(const char *path, FILE **in, bb_err *err);

/* The global options (--db, --user, --json...), ending with a {NULL}. */
const cli_opt *cli_global_opts(void);

/* complete.c: prints the candidates for words[n - 1] after words[0..n-2],
 * one per line (c->ctx NULL: no names from the database). */
void cli_complete(cli *c, int n, char **words, FILE *out);

/* output.c */
/* "bbconsole: <sentence>" on stderr, control characters neutralised. */
void cli_print_error(const bb_err *err);
/* Display width of UTF-8 text on a terminal (wide CJK = 2). */
size_t cli_text_width(const char *s);
/* Writes s sanitised (control characters neutralised). */
void cli_put_safe(FILE *f, const char *s, int keep_newlines);

/* An aligned text table. Cells are sanitised copies. */
typedef struct cli_table {
	size_t ncols, nrows, cap;
	const char *const *head;
	char **cells;       /* row-major */
	unsigned long keep; /* bit i: column i is never cut (cli_table_keep) */
} cli_table;
void cli_table_init(cli_table *t, size_t ncols, const char *const *head);
/* Column col is never cut to fit (an id, a time: cut, they say nothing). */
void cli_table_keep(cli_table *t, size_t col);
/* Adds one row of ncols cells (NULL prints as "-"). Returns 0, -1 on OOM. */
int cli_table_add(cli_table *t, const char *const *cells);
/* Prints the table. On a terminal it fits its width (COLUMNS, else the
 * tty's): the widest columns not kept are cut first, never below their
 * heading, and a cut cell ends with an ellipsis. Piped or redirected, rows
 * stay whole. */
void cli_table_print(const cli_table *t, FILE *f);
/* Whether the environment's codeset is UTF-8 (main's locale policy): the
 * ellipsis is "…" then, else "...". */
void cli_set_utf8_terminal(int utf8);
void cli_table_free(cli_table *t);

/* Prints a cJSON document (formatted) on c->out and deletes it. */
bb_code cli_json_print(cli *c, cJSON *doc, bb_err *err);
/* Writes JSON text made by cJSON, escaping the DEL and C1 characters cJSON
 * leaves raw. */
void cli_json_put(FILE *f, const char *text);
/* Adds s, or null when s is NULL. */
void cli_json_add_str(cJSON *obj, const char *key, const char *s);
/* Writes s as a JSON string (or null) straight to f, for streamed listings:
 * control characters, DEL and C1 escaped, invalid UTF-8 as U+FFFD. */
void cli_json_write_str(FILE *f, const char *s);
/* A growing byte buffer for streamed JSON: rows are built with memcpy and
 * written with one fwrite per flush (fprintf per field costs too much at a
 * hundred thousand rows). On out-of-memory it drops output and flush
 * returns -1. */
typedef struct cli_jbuf {
	char *p;
	size_t n, cap;
	int failed;
} cli_jbuf;
void cli_jbuf_lit(cli_jbuf *b, const char *s);
/* s as a JSON string (escaped like cli_json_write_str), or null. */
void cli_jbuf_str(cli_jbuf *b, const char *s);
/* {"keys[0]":vals[0],...}: keys are plain ASCII written as is (CLI_JKEY
 * makes one), values are escaped as by cli_jbuf_str (NULL = null). At most
 * CLI_JBUF_OBJECT_MAX fields. */
typedef struct cli_jkey {
	char name[24];
	size_t len;
} cli_jkey;
#define CLI_JKEY(s) {s, sizeof s - 1}
#define CLI_JBUF_OBJECT_MAX 32
void cli_jbuf_object(cli_jbuf *b, const cli_jkey *keys, const char *const *vals, size_t n);
int cli_jbuf_flush(cli_jbuf *b, FILE *f);
void cli_jbuf_free(cli_jbuf *b);
#define CLI_JBUF_FLUSH_AT (1 << 16)
/* Adds a JSON array of strings. */
void cli_json_add_list(cJSON *obj, const char *key, const bb_strlist *l);

/* The commands (cmd_*.c). */
bb_code cmd_init(cli *c, bb_err *err);
bb_code cmd_space_create(cli *c, bb_err *err);
bb_code cmd_space_list(cli *c, bb_err *err);
bb_code cmd_space_delete(cli *c, bb_err *err);
bb_code cmd_user_grant(cli *c, bb_err *err);
bb_code cmd_user_revoke(cli *c, bb_err *err);
bb_code cmd_user_list(cli *c, bb_err *err);
bb_code cmd_integration_create(cli *c, bb_err *err);
bb_code cmd_integration_list(cli *c, bb_err *err);
bb_code cmd_integration_show(cli *c, bb_err *err);
bb_code cmd_integration_update(cli *c, bb_err *err);
bb_code cmd_integration_rotate(cli *c, bb_err *err);
bb_code cmd_integration_delete(cli *c, bb_err *err);
bb_code cmd_stack_create(cli *c, bb_err *err);
bb_code cmd_stack_list(cli *c, bb_err *err);
bb_code cmd_stack_set_integration(cli *c, bb_err *err);
bb_code cmd_stack_import(cli *c, bb_err *err);
bb_code cmd_stack_update(cli *c, bb_err *err);
bb_code cmd_stack_delete(cli *c, bb_err *err);
bb_code cmd_audit(cli *c, bb_err *err);
bb_code cmd_serve(cli *c, bb_err *err);
bb_code cmd_deliveries(cli *c, bb_err *err);
bb_code cmd_run_list(cli *c, bb_err *err);
bb_code cmd_run_trigger(cli *c, bb_err *err);
bb_code cmd_run_update(cli *c, bb_err *err);
bb_code cmd_integration_retention(cli *c, bb_err *err);

/* The stack JSON object, appended to b (cmd_stack.c). */
void cli_stack_json(cli_jbuf *b, const bb_stack *s);

#endif
