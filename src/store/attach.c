/*
 * attach.c: reading a file to attach to a message, with its media type
 * from libmagic (falling back to the file name's extension when libmagic
 * answers only something generic, or cannot run).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/mime.h"
#include "petrel/store.h"

static char *store_attach_type(const char *, const char *, size_t);

/* The type of the bytes, as "type/subtype" (the caller frees it). */
static char *
store_attach_type(const char *name, const char *data, size_t len)
{
	static const char *const generic[] = {"application/octet-stream",
	    "text/plain", "application/zip", "application/x-empty",
	    "inode/x-empty", "application/x-ole-storage", "application/CDFV2",
	    "text/xml", "application/xml"};
	const char *byname = mime_type_from_name(name), *t = NULL;
	char *r = NULL;
	magic_t mc;

	mc =
	    magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS);
	if (mc != NULL && magic_load(mc, NULL) == 0)
		t = magic_buffer(mc, data, len > 1048576 ? 1048576 : len);
	if (t != NULL && strchr(t, '/') != NULL &&
	    strpbrk(t, " \t\r\n;") == NULL) {
		r = pt_xstrdup(t);
		if (strcmp(byname, "application/octet-stream") != 0)
			for (size_t i = 0; i < PT_NELEM(generic); i++)
				if (strcmp(r, generic[i]) == 0) {
					free(r);
					r = pt_xstrdup(byname);
					break;
				}
	}
	if (mc != NULL)
		magic_close(mc);
	if (r == NULL)
		r = pt_xstrdup(byname);
	return r;
}

int
store_attach_read(const char *path, size_t max, struct store_attachment *a,
    struct pt_error *err)
{
	struct stat sb;
	const char *slash;

	memset(a, 0, sizeof *a);
	a->fd = -1;
	if (stat(path, &sb) != 0)
		return pt_error_set(err, PT_E_IO, errno,
		    _("cannot attach '%s': %s"), path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return pt_error_set(err, PT_E_IO, 0,
		    _("cannot attach '%s': not a regular file"), path);
	if ((size_t)sb.st_size > max)
		return pt_error_set(err, PT_E_IO, EFBIG,
		    _("cannot attach '%s': it is larger than %zu MB"), path,
		    max / (1024 * 1024));
	a->data = pt_file_read(path, max, &a->len, err);
	if (a->data == NULL) {
		pt_error_prefix(err, _("cannot attach '%s'"), path);
		return -1;
	}
	slash = strrchr(path, '/');
	a->name = pt_xstrdup(slash != NULL ? slash + 1 : path);
	a->type = store_attach_type(a->name, a->data, a->len);
	return 0;
}

int
store_attach_open(const char *path, size_t max, struct store_attachment *a,
    struct pt_error *err)
{
	struct stat sb;
	const char *slash;
	char *head;
	ssize_t n;

	memset(a, 0, sizeof *a);
	a->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (a->fd < 0 || fstat(a->fd, &sb) != 0) {
		int e = errno;

		if (a->fd >= 0)
			close(a->fd);
		a->fd = -1;
		return pt_error_set(err, PT_E_IO, e,
		    _("cannot attach '%s': %s"), path, strerror(e));
	}
	if (!S_ISREG(sb.st_mode) || (size_t)sb.st_size > max) {
		close(a->fd);
		a->fd = -1;
		if (!S_ISREG(sb.st_mode))
			return pt_error_set(err, PT_E_IO, 0,
			    _("cannot attach '%s': not a regular file"), path);
		return pt_error_set(err, PT_E_IO, EFBIG,
		    _("cannot attach '%s': it is larger than %zu MB"), path,
		    max / (1024 * 1024));
	}
	a->len = (size_t)sb.st_size;
	head = pt_xmalloc(1048576);
	n = pread(a->fd, head, 1048576, 0);
	slash = strrchr(path, '/');
	a->name = pt_xstrdup(slash != NULL ? slash + 1 : path);
	a->type = store_attach_type(a->name, head, n > 0 ? (size_t)n : 0);
	free(head);
	return 0;
}

long
store_attach_chunk(void *arg, void *buf, size_t n)
{
	struct store_attachment *a = arg;

	for (;;) {
		ssize_t r = read(a->fd, buf, n);

		if (r < 0 && errno == EINTR)
			continue;
		return (long)r;
	}
}

void
store_attach_release(struct store_attachment *a)
{
	if (a->fd >= 0)
		close(a->fd);
	free(a->name);
	free(a->type);
	free(a->data);
	memset(a, 0, sizeof *a);
	a->fd = -1;
}
