/*
 * model.c: the messages of the open folder as the UI holds them.  Each
 * message is a small fixed struct plus one allocation for its strings;
 * a hash finds a slot by UID.  Expunged messages are marked dead and
 * their slots dropped at the next compaction, so that slot numbers held
 * by the view stay valid until it rebuilds.  Pure: no curses.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"

#include "private.h"

#define UI_HASH_FREE (-1)

static size_t ui_model_hslot(const struct ui_model *, uint32_t);
static void ui_model_rehash(struct ui_model *, size_t);
static void ui_model_hash_insert(struct ui_model *, uint32_t, int32_t);
static void ui_model_set_strings(struct ui_msg *, const struct ui_msg_in *);

void
ui_model_init(struct ui_model *m)
{
	memset(m, 0, sizeof *m);
}

void
ui_model_release(struct ui_model *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->msg[i].str);
	free(m->msg);
	free(m->hash);
	memset(m, 0, sizeof *m);
}

void
ui_model_clear(struct ui_model *m)
{
	unsigned gen = m->gen;

	ui_model_release(m);
	m->gen = gen + 1;
}

static size_t
ui_model_hslot(const struct ui_model *m, uint32_t uid)
{
	return (size_t)((uid * 2654435761u) & (uint32_t)(m->nhash - 1));
}

static void
ui_model_rehash(struct ui_model *m, size_t nhash)
{
	size_t i;

	free(m->hash);
	m->nhash = nhash;
	m->hash = pt_xreallocarray(NULL, nhash, sizeof *m->hash);
	for (i = 0; i < nhash; i++)
		m->hash[i] = UI_HASH_FREE;
	m->hashused = 0;
	for (i = 0; i < m->n; i++)
		ui_model_hash_insert(m, m->msg[i].uid, (int32_t)i);
}

static void
ui_model_hash_insert(struct ui_model *m, uint32_t uid, int32_t slot)
{
	size_t j = ui_model_hslot(m, uid);

	while (m->hash[j] >= 0)
		j = (j + 1) & (m->nhash - 1);
	if (m->hash[j] == UI_HASH_FREE)
		m->hashused++;
	m->hash[j] = slot;
}

int32_t
ui_model_find(const struct ui_model *m, uint32_t uid)
{
	size_t j;
	int32_t s;

	if (m->nhash == 0)
		return -1;
	j = ui_model_hslot(m, uid);
	while ((s = m->hash[j]) != UI_HASH_FREE) {
		if (s >= 0 && m->msg[s].uid == uid)
			return s;
		j = (j + 1) & (m->nhash - 1);
	}
	return -1;
}

/*
 * Copies the strings: display strings (From, To, Subject) through the
 * sanitizer and cut to UI_STR_MAX bytes, ids as they are (they are never
 * shown) with References keeping its last UI_REFS_MAX bytes.
 */
static void
ui_model_set_strings(struct ui_msg *msg, const struct ui_msg_in *in)
{
	char *part[UI_S_COUNT];
	size_t len[UI_S_COUNT], total = 0, i;
	char *p;

	for (i = 0; i < UI_S_COUNT; i++) {
		const char *s = in->str[i] != NULL ? in->str[i] : "";
		size_t n = strlen(s);

		if (i <= UI_S_SUBJECT) {
			if (n > UI_STR_MAX) {
				n = UI_STR_MAX;
				while (n > 0 &&
				       ((unsigned char)s[n] & 0xC0) == 0x80)
					n--;
			}
			part[i] = pt_sanitize_line(s, n);
			/* At most 4 bytes out per byte in: the offsets
			 * still fit in 16 bits. */
			len[i] = strlen(part[i]);
		} else {
			if (i == UI_S_REFS && n > UI_REFS_MAX) {
				s += n - UI_REFS_MAX;
				n = UI_REFS_MAX;
			} else if (i != UI_S_REFS && n > UI_STR_MAX)
				n = UI_STR_MAX;
			part[i] = pt_xstrndup(s, n);
			len[i] = strlen(part[i]);
		}
		total += len[i] + 1;
	}
	free(msg->str);
	msg->str = p = pt_xmalloc(total);
	for (i = 0; i < UI_S_COUNT; i++) {
		msg->off[i] = (uint16_t)(p - msg->str);
		memcpy(p, part[i], len[i] + 1);
		p += len[i] + 1;
		free(part[i]);
	}
}

int32_t
ui_model_put(struct ui_model *m, const struct ui_msg_in *in)
{
	struct ui_msg *msg;
	int32_t s;

	if ((s = ui_model_find(m, in->uid)) >= 0) {
		msg = &m->msg[s];
		if (msg->mark & UI_M_DEAD) {
			msg->mark &= (uint8_t)~UI_M_DEAD;
			m->ndead--;
			m->gen++;
		}
	} else {
		if (m->n == m->cap) {
			m->cap = m->cap == 0 ? 256 : m->cap * 2;
			m->msg =
			    pt_xreallocarray(m->msg, m->cap, sizeof *m->msg);
		}
		s = (int32_t)m->n++;
		msg = &m->msg[s];
		memset(msg, 0, sizeof *msg);
		msg->uid = in->uid;
		msg->seq = m->nextseq++;
		if ((m->hashused + 1) * 2 > m->nhash)
			ui_model_rehash(m, m->nhash == 0 ? 1024 : m->nhash * 2);
		ui_model_hash_insert(m, in->uid, s);
		m->gen++;
	}
	msg->flags = in->flags;
	msg->date = in->date != 0 ? in->date : in->arrival;
	msg->arrival = in->arrival;
	msg->size = in->size;
	ui_model_set_strings(msg, in);
	return s;
}

void
ui_model_reserve(struct ui_model *m, size_t n)
{
	size_t h = 1024;

	if (n > m->cap) {
		m->cap = n;
		m->msg = pt_xreallocarray(m->msg, m->cap, sizeof *m->msg);
	}
	while (h < n * 2 + 2)
		h *= 2;
	if (h > m->nhash)
		ui_model_rehash(m, h);
}

int
ui_model_remove(struct ui_model *m, uint32_t uid)
{
	int32_t s = ui_model_find(m, uid);

	if (s < 0 || (m->msg[s].mark & UI_M_DEAD))
		return -1;
	m->msg[s].mark |= UI_M_DEAD;
	m->ndead++;
	m->gen++;
	return 0;
}

void
ui_model_compact(struct ui_model *m)
{
	size_t i, j = 0;

	if (m->ndead == 0)
		return;
	for (i = 0; i < m->n; i++) {
		if (m->msg[i].mark & UI_M_DEAD) {
			free(m->msg[i].str);
			continue;
		}
		m->msg[j++] = m->msg[i];
	}
	m->n = j;
	m->ndead = 0;
	ui_model_rehash(m, m->nhash);
}

const char *
ui_msg_str(const struct ui_msg *msg, enum ui_str which)
{
	if (msg->str == NULL)
		return "";
	return msg->str + msg->off[which];
}

const char *
ui_msg_from(const struct ui_msg *msg)
{
	const char *name = ui_msg_str(msg, UI_S_FROM_NAME);

	return *name != '\0' ? name : ui_msg_str(msg, UI_S_FROM_ADDR);
}
