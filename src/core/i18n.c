/* i18n.c: the locale and gettext's text domain, set once by main. */
#include "config.h"

#include <locale.h>

#include "petrel/core.h"

void
pt_i18n_init(void)
{
	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	bindtextdomain(PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
#endif
}
