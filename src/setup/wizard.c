/*
 * wizard.c: the interactive first-run wizard (being written).
 */
#include "config.h"

#include "petrel/core.h"
#include "petrel/setup.h"

int
setup_wizard_run(const char *path, struct pt_error *err)
{
	(void)path;
	return pt_error_set(err, PT_E_INTERNAL, 0,
	    _("the interactive wizard is not available yet: use petrel "
	      "setup --email ADDR --name NAME"));
}
