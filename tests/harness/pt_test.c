/* The unit test runner: runs each test, counts, prints one summary. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "pt_test.h"

int pt_test_failures;

int
pt_test_run(const struct pt_test *tests)
{
	const struct pt_test *t;
	int passed = 0, failed = 0;
	const char *only = getenv("PT_TEST_ONLY");

	for (t = tests; t->name != NULL; t++) {
		if (only != NULL && strcmp(only, t->name) != 0)
			continue;
		pt_test_failures = 0;
		t->fn();
		if (pt_test_failures == 0) {
			passed++;
			printf("ok %s\n", t->name);
		} else {
			failed++;
			printf("FAIL %s\n", t->name);
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
