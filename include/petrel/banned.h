/*
 * banned: functions petrel's code must not call, made compile errors as
 * in git's banned.h.  Each has a bounded or clearer replacement:
 * pt_strlcpy, pt_buf_*, pt_xasprintf, snprintf, strtol.
 */
#ifndef PETREL_BANNED_H
#define PETREL_BANNED_H

#define PT_BANNED(func) sorry_##func##_is_banned_in_petrel

#undef strcpy
#define strcpy(x, y) PT_BANNED(strcpy)
#undef strcat
#define strcat(x, y) PT_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) PT_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) PT_BANNED(strncat)
#undef sprintf
#define sprintf(...) PT_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) PT_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) PT_BANNED(strtok)
#undef gets
#define gets(x) PT_BANNED(gets)
#undef atoi
#define atoi(x) PT_BANNED(atoi)

#endif
