/* floor_list - the practical floor for the console's figures: a minimal
 * ncursesw list of 1,000 rows with a title and a hint bar, which on a
 * selection move redraws only the two rows that change. The bench runs it
 * beside bbconsole, in the same run, so the ratio is measured, not quoted.
 * With a database path (built as floor_sqlite, -DFLOOR_SQLITE) it first reads
 * the integrations' names from it with SQLite: the floor of a console that
 * keeps its data in SQLite. Keys: j/k or Down/Up move, q quits. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef FLOOR_SQLITE
#include <sqlite3.h>
#endif

#define ROWS 1000

static int top, sel;
static char names[ROWS][32];

#ifdef FLOOR_SQLITE
static void load(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int i = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT name FROM integration ORDER BY name", -1, &st,
			       NULL) != SQLITE_OK)
		exit(1);
	while (i < ROWS && sqlite3_step(st) == SQLITE_ROW)
		snprintf(names[i++], sizeof names[0], "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}
#endif

static void draw_row(int i)
{
	char line[128];
	int y = 1 + i - top;

	if (names[i][0])
		snprintf(line, sizeof line, "%s  default  root  token set", names[i]);
	else
		snprintf(line, sizeof line, "bench-%04d  default  root  token set", i);
	if (i == sel)
		attron(A_REVERSE);
	mvaddstr(y, 0, line);
	clrtoeol();
	if (i == sel)
		attroff(A_REVERSE);
}

static void draw_all(void)
{
	erase();
	attron(A_BOLD);
	mvaddstr(0, 0, "Floor list");
	attroff(A_BOLD);
	for (int i = top; i < top + LINES - 2 && i < ROWS; i++)
		draw_row(i);
	mvaddstr(LINES - 1, 0, "j/k move  q quit");
}

static void move_sel(int d)
{
	int old = sel;

	sel += d;
	if (sel < 0 || sel >= ROWS) {
		sel = old;
		return;
	}
	if (sel < top || sel >= top + LINES - 2) {
		top += d;
		draw_all();
		return;
	}
	draw_row(old);
	draw_row(sel);
}

int main(int argc, char **argv)
{
	int ch;

#ifdef FLOOR_SQLITE
	if (argc > 1)
		load(argv[1]);
#else
	(void)argc, (void)argv;
#endif
	setlocale(LC_ALL, "");
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	draw_all();
	while (wnoutrefresh(stdscr), doupdate(), (ch = getch()) != 'q') {
		if (ch == 'j' || ch == KEY_DOWN)
			move_sel(1);
		else if (ch == 'k' || ch == KEY_UP)
			move_sel(-1);
	}
	endwin();
	return 0;
}
