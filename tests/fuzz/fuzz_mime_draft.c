/*
 * libFuzzer target: the editor's draft file (mime_draft_parse, what
 * petrel -H, the engine's sender and the compose screen read).  A
 * draft that parses must read back the same after mime_draft_format:
 * the same fields (the other ones too, in order), attachments and text,
 * byte for byte.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct mime_draft a, b;
	struct pt_buf out;
	size_t i;

	if (mime_draft_parse((const char *)data, size, &a, NULL) != 0)
		return 0;
	pt_buf_init(&out, 0);
	mime_draft_format(&a, &out);
	if (mime_draft_parse(out.data, out.len, &b, NULL) != 0)
		abort();
	if (!same(a.from, b.from) || !same(a.to, b.to) || !same(a.cc, b.cc) ||
	    !same(a.bcc, b.bcc) || !same(a.subject, b.subject) ||
	    !same(a.reply_to, b.reply_to) ||
	    !same(a.in_reply_to, b.in_reply_to) ||
	    !same(a.references, b.references) || a.nattach != b.nattach ||
	    a.bodylen != b.bodylen || memcmp(a.body, b.body, a.bodylen) != 0)
		abort();
	for (i = 0; i < a.nattach; i++)
		if (strcmp(a.attach[i], b.attach[i]) != 0)
			abort();
	if (a.nextra != b.nextra)
		abort();
	for (i = 0; i < a.nextra; i++)
		if (strcmp(a.extra[i].name, b.extra[i].name) != 0 ||
		    strcmp(a.extra[i].value, b.extra[i].value) != 0)
			abort();
	mime_draft_release(&a);
	mime_draft_release(&b);
	pt_buf_release(&out);
	return 0;
}
