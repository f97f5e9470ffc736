/*
 * ui: the ncurses interface.  Only this module calls curses, and only
 * from the main thread.
 *
 *	src/ui/start.c	the start screen: accounts and their servers
 *
 * The UI never touches a socket: later screens get their data from the
 * engine as events.  Ownership: ui_run borrows the struct cfg.
 */
#ifndef PETREL_UI_H
#define PETREL_UI_H

#include "petrel/config.h"
#include "petrel/core.h"

/*
 * Runs the interface until the user quits.  The terminal is restored on
 * every return path.  Returns 0, or -1 with err set when the terminal
 * could not be used.
 */
int ui_run(const struct cfg *, struct pt_error *);

#endif
