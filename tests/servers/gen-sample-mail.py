#!/usr/bin/env python3
"""Generate N varied, realistic RFC 5322 messages, deterministically.

usage: gen-sample-mail.py OUTDIR N [--seed S] [--owner ADDR] [--sent] [--first I]
       gen-sample-mail.py --maildir MAILDIR [--chown UID:GID] N [options]

Writes OUTDIR/0000001.eml ... (LF line ends). A name like 0000042,FS.eml
carries maildir flags (S seen, F flagged, R answered), which
`mailservers.sh deliver` applies. Each file's mtime is its Date header, so
it becomes the message's INTERNALDATE. With --maildir the messages go
straight into MAILDIR/cur (through tmp/) under maildir names with their
flags and sizes: the fastest way to fill a folder (`mailservers.sh fill`).

What varies: threads (Message-ID, In-Reply-To, References chains with quoted
text), RFC 2047 names and subjects (French, German, Japanese, Cyrillic, Greek,
Arabic, emoji; UTF-8, ISO-8859-1, KOI8-R, ISO-2022-JP; B and Q encodings),
7bit, 8bit, quoted-printable and base64 bodies, legacy charsets,
format=flowed, multipart/alternative with HTML, HTML only, attachments (PNG,
PDF, CSV, RFC 2231 non-ASCII file names with continuations), forwarded
message/rfc822, mailing-list headers, Cc, Reply-To.

The same SEED and N always give the same bytes. --first shifts the numbering
(and dates) so batches can be generated separately. Standard library only;
100,000 messages take a few seconds.
"""

import argparse
import base64
import binascii
import email.header
import os
import random
import struct
import sys
import time
import urllib.parse
import zlib

BASE_TIME = 1704067200  # 2024-01-01 00:00:00 UTC
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# (display name, address, charset used for the encoded name, language)
PEOPLE = [
    ("Bob Martin", "bob@example.test", None, "en"),
    ("Carol Smith", "carol@example.org", None, "en"),
    ("Dave O'Brien", "dave@example.net", None, "en"),
    ("Smith, John", "john.smith@example.com", None, "en"),
    ("François Dupont", "francois.dupont@exemple.fr", "utf-8", "fr"),
    ("Hélène Lefèvre", "helene@exemple.fr", "iso-8859-1", "fr"),
    ("Jürgen Weiß", "j.weiss@beispiel.de", "utf-8", "de"),
    ("Ännchen Müller", "a.mueller@beispiel.de", "iso-8859-1", "de"),
    ("山田 太郎", "taro.yamada@example.jp", "utf-8", "ja"),
    ("佐藤 花子", "hanako@example.jp", "iso-2022-jp", "ja"),
    ("Ольга Смирнова", "olga@primer.ru", "utf-8", "ru"),
    ("Дмитрий Иванов", "dima@primer.ru", "koi8-r", "ru"),
    ("Σωκράτης Παππάς", "sokratis@paradeigma.gr", "utf-8", "el"),
    ("محمد علي", "m.ali@example.eg", "utf-8", "ar"),
    ("Zoë Ångström", "zoe@example.se", "utf-8", "en"),
    ("María José García", "mjgarcia@ejemplo.es", "utf-8", "es"),
    ("", "noreply@builds.example.com", None, "en"),
]

LISTS = [
    ("petrel-dev", "petrel-dev.lists.example.org", "[petrel-dev] "),
    ("Annonces", "annonces.exemple.fr", "[annonces] "),
]

SUBJECTS = {
    "en": ["Quarterly report draft", "Lunch on Friday?", "Invoice {n}",
           "Build failed on main ({n})", "Weekly digest: {n} new posts",
           "Photos from the trip \U0001F4F7", "\U0001F389 Party this weekend! \U0001F355",
           "Meeting notes", "Can you review my patch?", "Server maintenance tonight",
           "This is a deliberately long subject line that goes on and on so that "
           "it has to be folded across several header lines by a mail generator"],
    "fr": ["Réunion de l'équipe — ordre du jour", "Facture n° {n}",
           "Vacances d'été à Nîmes", "Question à propos du déménagement"],
    "de": ["Änderungen am Vertrag für Übersetzung", "Grüße aus München",
           "Rechnung Nr. {n} – Fälligkeit", "Straßenfest am Wochenende"],
    "ja": ["会議の議事録について", "来週の予定", "見積書の送付 ({n})"],
    "ru": ["Отчёт за неделю", "Встреча в пятницу", "Счёт № {n}"],
    "el": ["Έλεγχος συστήματος", "Καλημέρα από την Αθήνα"],
    "ar": ["اجتماع الفريق", "تقرير شهري"],
    "es": ["Reunión del año", "¿Nos vemos mañana?", "Señales de vida"],
}

SENTENCES = {
    "en": ["Thanks for sending this over.", "I had a look at the numbers and they seem fine.",
           "Could we move the call to Thursday afternoon?",
           "The attached file has the latest version.",
           "Let me know if anything is unclear.", "I will be out of office next week.",
           "We should probably ask the rest of the team before deciding.",
           "The build is green again after the last fix.",
           "Please find the minutes below.", "Sounds good to me.",
           "I think the second option is the safer one, although it costs a bit more.",
           "See you at the meeting."],
    "fr": ["Merci pour ton message.", "Je serai en congé à partir de vendredi.",
           "Voici le compte rendu de la réunion de lundi.",
           "Peux-tu vérifier les chiffres du trimestre ?",
           "À bientôt, et bonne journée !", "Le café était délicieux, comme d'habitude.",
           "Il faudra prévoir un créneau pour la démo."],
    "de": ["Vielen Dank für die schnelle Rückmeldung.", "Anbei die überarbeitete Fassung.",
           "Können wir uns nächste Woche treffen?", "Die Größe der Datei ist etwas über 2 MB.",
           "Schöne Grüße aus Köln!", "Das Büro ist über die Feiertage geschlossen."],
    "ja": ["お疲れ様です。", "資料を添付しましたのでご確認ください。",
           "来週の会議は木曜日の午後に変更になりました。", "よろしくお願いいたします。",
           "ご不明な点がございましたらお知らせください。"],
    "ru": ["Спасибо за письмо.", "Отчёт во вложении.", "Давайте созвонимся в четверг.",
           "Всё работает, проверил на тестовом сервере.", "С уважением и наилучшими пожеланиями."],
    "el": ["Ευχαριστώ για το μήνυμα.", "Τα λέμε αύριο.", "Το αρχείο είναι συνημμένο."],
    "ar": ["شكرا على رسالتك.", "سأرسل التقرير غدا.", "مع أطيب التحيات."],
    "es": ["Gracias por tu mensaje.", "Nos vemos el próximo martes.",
           "El informe está adjunto.", "¡Qué bien que todo salió según lo previsto!"],
}

TIMEZONES = (0, 60, 120, -300, -420, 540, 330, -180)  # minutes east of UTC

# Legacy charsets a body in LANG may be sent in, besides UTF-8.
LEGACY = {"fr": "iso-8859-1", "de": "iso-8859-15", "ru": "koi8-r", "ja": "iso-2022-jp",
          "el": "iso-8859-7", "es": "windows-1252"}

ATTACHMENT_NAMES = [
    "Übersicht März.pdf",
    "資料_2024年度_第3四半期_売上報告書.txt",
    "отчёт.csv",
    "café menu.png",
]


def make_png(width, height, seed):
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            row += bytes(((x * 255 // width + seed) & 255, (y * 255 // height) & 255,
                          ((x + y) * 4 + seed * 7) & 255))
        rows.append(bytes(row))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def make_pdf(title):
    text = "BT /F1 18 Tf 72 720 Td (%s) Tj ET" % title
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out.encode("latin-1")))
        out += "%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out.encode("latin-1"))
    out += "xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += "".join("%010d 00000 n \n" % off for off in offsets)
    out += "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return out.encode("latin-1")


def b64_lines(data):
    return base64.encodebytes(data).decode("ascii")


def qp(text_bytes):
    return binascii.b2a_qp(text_bytes).decode("ascii")


def param_2231(name, value):
    """RFC 2231 parameter; split into continuations (never inside a character)
    when long."""
    units = [urllib.parse.quote(c.encode("utf-8"), safe="") for c in value]
    if sum(len(u) for u in units) <= 60:
        return "%s*=UTF-8''%s" % (name, "".join(units))
    pieces, cur = [], ""
    for unit in units:
        if len(cur) + len(unit) > 40:
            pieces.append(cur)
            cur = ""
        cur += unit
    pieces.append(cur)
    return ";\n\t".join("%s*%d*=%s%s" % (name, i, "UTF-8''" if i == 0 else "", piece)
                         for i, piece in enumerate(pieces))


def raw(data):
    """Bytes carried in a str: every piece of a message is ASCII text or raw
    octets held as surrogate escapes, so 8bit parts keep their own charset."""
    return data.decode("ascii", "surrogateescape")


class Generator:
    def __init__(self, seed, owner, sent, first, count):
        self.rng = random.Random(seed)
        self.seed = seed
        self.owner = owner
        self.sent = sent
        self.first = first
        self.count = count
        self.hcache = {}
        self.wcache = {}
        self.threads = []  # recent thread records, bounded
        self.step = max(60, min(86400, (2 * 365 * 86400) // max(1, first + count)))
        self.owner_name = owner.split("@")[0].capitalize()
        self.png = b64_lines(make_png(24, 24, seed & 255))
        self.big_png = b64_lines(make_png(160, 120, (seed * 3) & 255))
        self.pdf = b64_lines(make_pdf("Petrel sample document"))
        self.csv_rows = "\n".join("%d,item %d,%d.%02d" % (i, i, i * 7, i % 100)
                                  for i in range(1, 25)) + "\n"

    # ---- headers

    def encode_header(self, text, charset="utf-8"):
        key = (text, charset)
        hit = self.hcache.get(key)
        if hit is None:
            if text.isascii():
                hit = text
            else:
                hit = email.header.Header(text, charset).encode()
            self.hcache[key] = hit
        return hit

    def address(self, person):
        name, addr, charset, _ = person
        if not name:
            return addr
        if charset is None:
            if any(c in name for c in ',.;:<>@"()[]\\'):
                return '"%s" <%s>' % (name.replace("\\", "\\\\").replace('"', '\\"'), addr)
            return "%s <%s>" % (name, addr)
        return "%s <%s>" % (self.encode_header(name, charset), addr)

    def date(self, ts, tz):
        local = time.gmtime(ts + tz * 60)
        sign = "+" if tz >= 0 else "-"
        return "%s, %02d %s %d %02d:%02d:%02d %s%02d%02d" % (
            DAYS[local.tm_wday], local.tm_mday, MONTHS[local.tm_mon - 1], local.tm_year,
            local.tm_hour, local.tm_min, local.tm_sec, sign, abs(tz) // 60, abs(tz) % 60)

    # ---- bodies

    def paragraphs(self, lang, n):
        """N paragraphs, each a list of sentences."""
        pool = SENTENCES[lang]
        rng = self.rng
        return [[rng.choice(pool) for _ in range(rng.randint(1, 5))] for _ in range(n)]

    def text_part(self, lang, paras, quote=None, flowed=False):
        """Returns (headers, body) for a text/plain leaf."""
        rng = self.rng
        lines = []
        if quote:
            lines.append(quote[0])
            lines.extend("> " + q for q in quote[1:])
            lines.append("")
        for p in paras:
            lines.extend(self.wrap(p, flowed))
            lines.append("")
        lines.append("-- ")
        lines.append("Sent from a test generator")
        text = "\n".join(lines) + "\n"
        fmt = "; format=flowed" if flowed else ""
        if text.isascii():
            return ("Content-Type: text/plain; charset=us-ascii%s\n"
                    "Content-Transfer-Encoding: 7bit\n" % fmt, text)
        charset = "utf-8"
        if lang in LEGACY and rng.random() < 0.3:
            try:
                text.encode(LEGACY[lang])
                charset = LEGACY[lang]
            except UnicodeEncodeError:
                pass
        data = text.encode(charset)
        if charset == "iso-2022-jp":
            return ("Content-Type: text/plain; charset=ISO-2022-JP\n"
                    "Content-Transfer-Encoding: 7bit\n", data.decode("ascii"))
        roll = rng.random()
        if roll < 0.45:
            return ("Content-Type: text/plain; charset=%s%s\n"
                    "Content-Transfer-Encoding: quoted-printable\n" % (charset, fmt), qp(data))
        if roll < 0.8 or flowed:
            return ("Content-Type: text/plain; charset=%s\n"
                    "Content-Transfer-Encoding: base64\n" % charset, b64_lines(data))
        return ("Content-Type: text/plain; charset=%s%s\n"
                "Content-Transfer-Encoding: 8bit\n" % (charset, fmt), raw(data))

    def wrap(self, sentences, flowed, width=72):
        """Fill sentences into lines of at most WIDTH characters (longer
        sentences are split at spaces; flowed lines keep a trailing space)."""
        lines, cur = [], ""
        for sentence in sentences:
            if cur and len(cur) + 1 + len(sentence) <= width:
                cur += " " + sentence
                continue
            if cur:
                lines.append(cur)
            if len(sentence) <= width:
                cur = sentence
                continue
            pieces = self.wcache.get(sentence)
            if pieces is None:
                pieces, part = [], ""
                for word in sentence.split(" "):
                    if part and len(part) + 1 + len(word) > width:
                        pieces.append(part)
                        part = word
                    else:
                        part = part + " " + word if part else word
                pieces.append(part)
                self.wcache[sentence] = pieces
            lines.extend(pieces[:-1])
            cur = pieces[-1]
        lines.append(cur)
        if flowed:
            lines = [line + " " for line in lines[:-1]] + lines[-1:]
        return lines

    def html_part(self, paras, subject):
        def esc(s):
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        html = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                "<title>%s</title></head>\n<body style=\"font-family: sans-serif\">\n" % esc(subject)
                + "".join("<p>%s</p>\n" % esc(" ".join(p)) for p in paras)
                + "<p><a href=\"https://example.org/petrel\">petrel</a> &mdash; "
                  "<b>bold</b>, <i>italic</i></p>\n</body></html>\n")
        return ("Content-Type: text/html; charset=utf-8\n"
                "Content-Transfer-Encoding: quoted-printable\n", qp(html.encode("utf-8")))

    def attachment(self, idx):
        rng = self.rng
        kind = rng.randrange(7)
        if kind == 0:
            return ("Content-Type: image/png; name=\"photo%d.png\"\n"
                    "Content-Disposition: attachment; filename=\"photo%d.png\"\n"
                    "Content-Transfer-Encoding: base64\n" % (idx, idx), self.png)
        if kind == 1:
            return ("Content-Type: application/pdf; name=\"report-%d.pdf\"\n"
                    "Content-Disposition: attachment; filename=\"report-%d.pdf\"\n"
                    "Content-Transfer-Encoding: base64\n" % (idx, idx), self.pdf)
        if kind == 2:
            return ("Content-Type: text/csv; charset=us-ascii; name=\"data.csv\"\n"
                    "Content-Disposition: attachment; filename=\"data.csv\"\n"
                    "Content-Transfer-Encoding: 7bit\n", "id,name,amount\n" + self.csv_rows)
        if kind == 3:
            # Outlook style: RFC 2047 in name=, RFC 2231 in filename*.
            name = ATTACHMENT_NAMES[0]
            return ("Content-Type: application/pdf;\n\tname=\"%s\"\n"
                    "Content-Disposition: attachment;\n\t%s\n"
                    "Content-Transfer-Encoding: base64\n"
                    % (self.encode_header(name), param_2231("filename", name)), self.pdf)
        if kind == 4:
            name = ATTACHMENT_NAMES[1]  # long: RFC 2231 continuations
            body = "第3四半期の売上報告です。\n".encode("utf-8")
            return ("Content-Type: text/plain; charset=utf-8\n"
                    "Content-Disposition: attachment;\n\t%s\n"
                    "Content-Transfer-Encoding: base64\n" % param_2231("filename", name),
                    b64_lines(body))
        if kind == 5:
            name = ATTACHMENT_NAMES[2 + rng.randrange(2)]
            data = self.png if name.endswith(".png") else b64_lines(
                ("номер,сумма\n" + self.csv_rows).encode("utf-8"))
            ctype = "image/png" if name.endswith(".png") else "text/csv; charset=utf-8"
            return ("Content-Type: %s\n"
                    "Content-Disposition: attachment; %s\n"
                    "Content-Transfer-Encoding: base64\n" % (ctype, param_2231("filename", name)),
                    data)
        return ("Content-Type: image/png\n"
                "Content-Disposition: inline; filename=\"screenshot.png\"\n"
                "Content-ID: <shot%d@petrel.test>\n"
                "Content-Transfer-Encoding: base64\n" % idx, self.big_png)

    def boundary(self, n, depth):
        return "=_petrel_%d_%d_%08x" % (n, depth, self.rng.getrandbits(32))

    @staticmethod
    def multipart(subtype, boundary, parts, preamble=False):
        out = ["Content-Type: multipart/%s;\n\tboundary=\"%s\"\n" % (subtype, boundary), "\n"]
        if preamble:
            out.append("This is a multi-part message in MIME format.\n\n")
        for headers, body in parts:
            out.append("--%s\n%s\n%s" % (boundary, headers, body))
            if not body.endswith("\n"):
                out.append("\n")
        out.append("--%s--\n" % boundary)
        return "".join(out)

    # ---- one message

    def message(self, n):
        rng = self.rng
        ts = BASE_TIME + n * self.step + rng.randrange(self.step)
        owner = ("", self.owner, None, "en") if not self.owner_name else \
            (self.owner_name, self.owner, None, "en")
        parent = None
        if self.threads and rng.random() < 0.35:
            parent = rng.choice(self.threads)
        if parent is not None:
            lang = parent["lang"]
            base_subject = parent["subject"]
            subject_prefix = parent["prefix"]
            prefix = rng.choice(("Re: ", "Re: ", "RE: ", "AW: " if lang == "de" else "Re: "))
            subject_text = subject_prefix + prefix + base_subject
            refs = parent["refs"] + [parent["id"]]
            if len(refs) > 10:
                refs = refs[:1] + refs[-9:]
        else:
            lang = rng.choice(("en", "en", "en", "en", "fr", "de", "ja", "ru", "el", "ar", "es"))
            base_subject = rng.choice(SUBJECTS[lang]).replace("{n}", str(1000 + n))
            subject_prefix = ""
            refs = []
        candidates = [p for p in PEOPLE if p[3] == lang] or PEOPLE
        other = rng.choice(candidates if rng.random() < 0.8 else PEOPLE)
        if other[1] == self.owner:
            other = PEOPLE[1]
        listed = None
        if parent is None and rng.random() < 0.1:
            listed = rng.choice(LISTS)
            subject_prefix = listed[2]
            subject_text = subject_prefix + base_subject
        elif parent is None:
            subject_text = base_subject
        sender, rcpt = (owner, other) if self.sent else (other, owner)
        domain = sender[1].split("@")[1]
        msgid = "%x.%08x.%d@%s" % (ts, rng.getrandbits(32), n, domain)
        tz = rng.choice(TIMEZONES)

        h = []
        if not self.sent:
            h.append("Return-Path: <%s>\n" % sender[1])
            h.append("Received: from mx.%s (mx.%s [192.0.2.%d])\n\tby mail.petrel.test "
                     "(Postfix) with ESMTPS id %08X\n\tfor <%s>; %s\n"
                     % (domain, domain, 1 + n % 250, rng.getrandbits(32), rcpt[1],
                        self.date(ts + 3, 0)))
        h.append("Date: %s\n" % self.date(ts, tz))
        h.append("From: %s\n" % self.address(sender))
        to = [self.address(rcpt)]
        if rng.random() < 0.15:
            extra = rng.choice(PEOPLE)
            if extra[1] not in (rcpt[1], sender[1]):
                to.append(self.address(extra))
        if listed:
            h.append("To: %s@%s\n" % (listed[0], listed[1].split(".", 1)[1]))
        else:
            h.append("To: %s\n" % ",\n ".join(to))
        if rng.random() < 0.12:
            extra = rng.choice(PEOPLE)
            if extra[1] not in (rcpt[1], sender[1]):
                h.append("Cc: %s\n" % self.address(extra))
        if rng.random() < 0.03:
            h.append("Reply-To: %s\n" % self.address(rng.choice(PEOPLE)))
        subj_charset = "utf-8"
        if lang in LEGACY and other[2] not in (None, "utf-8") and rng.random() < 0.5:
            subj_charset = other[2]
            try:
                subject_text.encode(subj_charset)
            except UnicodeEncodeError:
                subj_charset = "utf-8"
        h.append("Subject: %s\n" % self.encode_header(subject_text, subj_charset))
        h.append("Message-ID: <%s>\n" % msgid)
        if refs:
            h.append("In-Reply-To: <%s>\n" % refs[-1])
            h.append("References: %s\n" % "\n ".join("<%s>" % r for r in refs))
        if listed:
            h.append("List-Id: %s <%s>\n" % (listed[0], listed[1]))
            h.append("List-Unsubscribe: <mailto:%s-leave@%s>\n" % (listed[0], listed[1]))
            h.append("Precedence: list\n")
        if rng.random() < 0.3:
            h.append("User-Agent: %s\n" % rng.choice(
                ("Mutt/2.2.9 (2022-11-12)", "Thunderbird/115.6.0", "aerc 0.16.0",
                 "Microsoft Outlook 16.0", "Roundcube Webmail/1.6.5")))
        h.append("MIME-Version: 1.0\n")

        paras = self.paragraphs(lang, rng.randint(1, 4))
        quote = None
        if parent is not None:
            quote = ["On %s, %s wrote:" % (parent["date"], parent["who"])] + parent["quote"]
        roll = rng.random()
        flowed = rng.random() < 0.08
        if roll < 0.55:
            body_headers, body = self.text_part(lang, paras, quote, flowed)
        elif roll < 0.8:
            body_headers = ""
            body = self.multipart("alternative", self.boundary(n, 1),
                                  [self.text_part(lang, paras, quote),
                                   self.html_part(paras, subject_text)])
        elif roll < 0.83:
            body_headers, body = self.html_part(paras, subject_text)
        elif roll < 0.97:
            first = self.text_part(lang, paras, quote)
            if rng.random() < 0.3:
                first = ("", self.multipart("alternative", self.boundary(n, 2),
                                            [first, self.html_part(paras, subject_text)]))
            parts = [first] + [self.attachment(n * 10 + k)
                               for k in range(1 if rng.random() < 0.8 else 2)]
            body_headers = ""
            body = self.multipart("mixed", self.boundary(n, 1), parts, preamble=True)
        else:
            inner_from = self.address(rng.choice(PEOPLE))
            inner = ("Date: %s\nFrom: %s\nTo: %s\nSubject: %s\nMessage-ID: <fwd.%d@%s>\n"
                     "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                     "Content-Transfer-Encoding: 8bit\n\n%s\n"
                     % (self.date(ts - 86400, 0), inner_from, self.address(sender),
                        self.encode_header(base_subject), n, domain,
                        raw("\n\n".join(" ".join(p) for p in self.paragraphs(lang, 2))
                            .encode("utf-8"))))
            body_headers = ""
            body = self.multipart("mixed", self.boundary(n, 1), [
                self.text_part("en", [["Forwarding this, see below."]]),
                ("Content-Type: message/rfc822\nContent-Disposition: inline\n", inner)])
        if body_headers:
            h.append(body_headers)
        text = "".join(h) + ("\n" if body_headers else "") + body

        if parent is None or rng.random() < 0.5:
            record = {"id": msgid, "refs": refs, "subject": base_subject, "lang": lang,
                      "prefix": subject_prefix, "date": self.date(ts, tz),
                      "who": sender[0] or sender[1], "quote": paras[0][:2]}
            self.threads.append(record)
            if len(self.threads) > 40:
                del self.threads[rng.randrange(len(self.threads))]
        flags = self.flags(n)
        return text.encode("ascii", "surrogateescape"), ts, flags

    def flags(self, n):
        rng = self.rng
        if self.sent:
            return "S"
        seen = rng.random() < (0.92 if n < (self.first + self.count) * 0.85 else 0.25)
        out = ""
        if rng.random() < 0.03:
            out += "F"
        if seen and rng.random() < 0.1:
            out += "R"
        if seen:
            out += "S"
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", nargs="?")
    ap.add_argument("count", type=int)
    ap.add_argument("--maildir", help="write into this maildir instead of OUTDIR")
    ap.add_argument("--chown", help="UID:GID for files written with --maildir")
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--owner", default="alice@example.test",
                    help="the mailbox owner: recipient, or sender with --sent")
    ap.add_argument("--sent", action="store_true", help="messages sent by the owner")
    ap.add_argument("--first", type=int, default=1, help="number of the first message")
    args = ap.parse_args()
    if (args.outdir is None) == (args.maildir is None):
        ap.error("give either OUTDIR or --maildir")

    gen = Generator(args.seed, args.owner, args.sent, args.first, args.count)
    if args.maildir:
        write_maildir(gen, args)
        return 0
    os.makedirs(args.outdir, exist_ok=True)
    width = max(7, len(str(args.first + args.count)))
    for n in range(args.first, args.first + args.count):
        data, ts, flags = gen.message(n)
        name = "%0*d%s.eml" % (width, n, "," + flags if flags else "")
        path = os.path.join(args.outdir, name)
        write_file(path, data, ts)
    return 0


def write_file(path, data, ts):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        write_all(fd, data)
        os.utime(fd, (ts, ts))
    finally:
        os.close(fd)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_maildir(gen, args):
    uid = gid = -1
    if args.chown:
        uid, gid = (int(x) for x in args.chown.split(":"))
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(args.maildir, sub), exist_ok=True)
    tmp = os.path.join(args.maildir, "tmp")
    cur = os.path.join(args.maildir, "cur")
    # Dovecot numbers new files in the order of the time and microsecond
    # parts of their names: they carry the sequence number.
    base, pid = int(time.time()), os.getpid()
    for i, n in enumerate(range(args.first, args.first + args.count)):
        data, ts, flags = gen.message(n)
        name = "%d.M%06dP%dQ%d.petrel,S=%d,W=%d:2,%s" % (
            base + i // 1000000, i % 1000000, pid, i, len(data),
            len(data) + data.count(b"\n"), flags)
        staged = os.path.join(tmp, name)
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            write_all(fd, data)
            os.utime(fd, (ts, ts))
            if uid >= 0:
                os.fchown(fd, uid, gid)
        finally:
            os.close(fd)
        os.rename(staged, os.path.join(cur, name))


if __name__ == "__main__":
    sys.exit(main())
