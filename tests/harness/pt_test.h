/*
 * pt_test: the unit test harness.  A test program lists its tests in a
 * NULL-terminated array and calls pt_test_run, which runs each, prints
 * "FAIL name" for a failing one and ends with exactly one line
 * "N passed, N failed"; it returns the exit status (0 or 1).
 *
 *	static void test_buf_add_grows(void) { ... CHECK(x); ... }
 *	static const struct pt_test tests[] = {
 *		PT_TEST(test_buf_add_grows), { NULL, NULL } };
 *	int main(void) { return pt_test_run(tests); }
 */
#ifndef PT_TEST_H
#define PT_TEST_H

#include <stdio.h>
#include <string.h>

struct pt_test {
	const char *name;
	void (*fn)(void);
};

#define PT_TEST(f)                                                             \
	{                                                                      \
#f, f                                                          \
	}

extern int pt_test_failures; /* reset by the runner before each test */

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			pt_test_failures++;                                    \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n",         \
			    __FILE__, __LINE__, #c);                           \
		}                                                              \
	} while (0)

#define CHECK_INT(a, b)                                                        \
	do {                                                                   \
		long long pt_a_ = (long long)(a), pt_b_ = (long long)(b);      \
		if (pt_a_ != pt_b_) {                                          \
			pt_test_failures++;                                    \
			fprintf(stderr, "  %s:%d: %s == %lld, want %lld\n",    \
			    __FILE__, __LINE__, #a, pt_a_, pt_b_);             \
		}                                                              \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *pt_a_ = (a), *pt_b_ = (b);                         \
		if (pt_a_ == NULL || pt_b_ == NULL ||                          \
		    strcmp(pt_a_, pt_b_) != 0) {                               \
			pt_test_failures++;                                    \
			fprintf(stderr,                                        \
			    "  %s:%d: %s == \"%s\", want \"%s\"\n", __FILE__,  \
			    __LINE__, #a, pt_a_ ? pt_a_ : "(null)",            \
			    pt_b_ ? pt_b_ : "(null)");                         \
		}                                                              \
	} while (0)

int pt_test_run(const struct pt_test *);

#endif
