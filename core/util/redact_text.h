/* Personal data typed into free text (ticket subjects and notes, survey
 * verbatims, interaction summaries, policy reasons): e-mail addresses, phone
 * numbers and a person's name found in a text and masked by the rules of the
 * personal fields (service/access.c), for the readers who see those masked. */
#ifndef MI_UTIL_REDACT_TEXT_H
#define MI_UTIL_REDACT_TEXT_H

/* A copy of text (NULL for NULL or out of memory; the caller frees it) with:
 *  - each e-mail address (local@domain.tld) as its first character, "***@"
 *    and the domain: "l***@corp.example.net";
 *  - each phone number, a run of at least 7 digits that may start with '+'
 *    or '(' and have single separators (space - . / ( )) between digits,
 *    not glued to a letter or digit before or after, as "***" and its last
 *    two digits: "***00". A date written YYYY-MM-DD is not a phone number;
 *    numbers inside identifiers (C0001234, T-1234567) are left alone;
 *  - name (may be NULL), and each of its space-separated parts of 3 bytes or
 *    more, wherever it appears (ASCII letters compared without case; a part
 *    made of ASCII letters only at word boundaries), as its first character
 *    and "***": "李***", "W***".
 * Everything else is copied as it is. Pure: no state, no I/O. */
char *mi_redact_text(const char *text, const char *name);

#endif
