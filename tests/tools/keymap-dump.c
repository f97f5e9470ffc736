/*
 * keymap-dump.c: prints the interface's default key bindings, one line
 * per binding, as "MAP<TAB>KEY<TAB>FUNCTION<TAB>DESCRIPTION", with the
 * maps and bindings in the keymap's own order.  tests/lint/test_man.sh
 * checks this list against the KEYS section of petrel(1).
 */
#include "config.h"

#include <stdio.h>

#include "petrel/core.h"

#include "src/ui/private.h"

int
main(void)
{
	struct ui_keymap km;
	char name[32];
	size_t i;
	int map;

	ui_keymap_init(&km);
	for (map = 0; map < UI_MAP_COUNT; map++) {
		for (i = 0; i < km.n[map]; i++) {
			const struct ui_binding *b = &km.b[map][i];

			ui_key_name(b->key, name, sizeof name);
			printf("%s\t%s\t%s\t%s\n",
			    ui_map_name((enum ui_map)map), name,
			    ui_ops[b->op].name, ui_ops[b->op].desc);
		}
	}
	ui_keymap_release(&km);
	return fflush(stdout) == 0 ? 0 : 1;
}
