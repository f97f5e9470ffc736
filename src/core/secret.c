/*
 * secret.c: passwords and tokens.  Wiped with explicit_bzero before their
 * memory goes back (OpenSMTPD, curl); never logged.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"

void
pt_secret_init(struct pt_secret *s)
{
	s->value = NULL;
	s->len = 0;
}

void
pt_secret_set(struct pt_secret *s, const char *value, size_t len)
{
	pt_secret_release(s);
	s->value = pt_xmalloc(len + 1);
	memcpy(s->value, value, len);
	s->value[len] = '\0';
	s->len = len;
}

void
pt_secret_release(struct pt_secret *s)
{
	if (s->value != NULL) {
		explicit_bzero(s->value, s->len);
		free(s->value);
	}
	pt_secret_init(s);
}

void
pt_secret_free_str(char *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, strlen(p));
	free(p);
}
