/*
 * i18n.c: the locale and gettext's text domain, set once by main.  The
 * catalogs are read from LOCALEDIR, or from $PETREL_LOCALEDIR when set
 * (the tests run petrel from the build tree, before make install).
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "petrel/core.h"

void
pt_i18n_init(void)
{
	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	const char *dir = getenv("PETREL_LOCALEDIR");

	bindtextdomain(PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
#endif
}
