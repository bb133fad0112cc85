/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replies ("ok", "error", "event") and the "name value" lines of `stats`. */
#include "netd/ctl/ctl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct reply_word {
	const char *word;       /* with the separator that follows it */
	enum ctl_reply_kind kind;
};

static const struct reply_word reply_words[] = {
	{ "ok\n", CTL_REPLY_OK }, { "error ", CTL_REPLY_ERROR }, { "event\n", CTL_REPLY_EVENT },
};

int ctl_reply_parse(const char *buf, size_t len, enum ctl_reply_kind *kind, const char **text,
		    size_t *text_len, char *msg, size_t msg_size)
{
	size_t i, w;

	if (len > CTL_MSG_MAX) {
		snprintf(msg, msg_size, "a reply is at most %d bytes", CTL_MSG_MAX);
		return -EMSGSIZE;
	}
	for (i = 0; i < sizeof(reply_words) / sizeof(reply_words[0]); i++) {
		w = strlen(reply_words[i].word);
		if (len >= w && !memcmp(buf, reply_words[i].word, w)) {
			*kind = reply_words[i].kind;
			*text = buf + w;
			*text_len = len - w;
			if (memchr(*text, '\0', *text_len))
				break;
			return 0;
		}
	}
	snprintf(msg, msg_size, "the daemon's reply is not 'ok', 'error' or 'event'");
	return -EINVAL;
}

int ctl_reply_format(char *buf, size_t size, enum ctl_reply_kind kind, const char *text,
		     size_t text_len)
{
	const char *word = kind == CTL_REPLY_OK ? "ok\n" : kind == CTL_REPLY_EVENT ? "event\n"
										: "error ";
	size_t w = strlen(word), i;

	if (kind == CTL_REPLY_ERROR) {
		/* one line of printable text */
		const char *nl = memchr(text, '\n', text_len);

		if (nl)
			text_len = (size_t)(nl - text);
	}
	if (w + text_len > size || w + text_len > CTL_MSG_MAX)
		return -EMSGSIZE;
	memcpy(buf, word, w);
	memcpy(buf + w, text, text_len);
	if (kind == CTL_REPLY_ERROR)
		for (i = w; i < w + text_len; i++)
			if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] > 0x7e)
				buf[i] = '?';
	return (int)(w + text_len);
}

static bool parse_kv_line(const char *line, size_t n, char *name, uint64_t *value)
{
	const char *sp = memchr(line, ' ', n);
	size_t nlen, i;
	uint64_t v = 0;

	if (!sp || sp == line || (nlen = (size_t)(sp - line)) > 63 || sp + 1 == line + n)
		return false;
	for (i = 0; i < nlen; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_", line[i]) || !line[i])
			return false;
	memcpy(name, line, nlen);
	name[nlen] = '\0';
	for (i = nlen + 1; i < n; i++) {
		unsigned d = (unsigned)(line[i] - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*value = v;
	return true;
}

int ctl_kv_parse(const char *text, size_t len,
		 void (*fn)(void *ctx, const char *name, uint64_t value), void *ctx, char *msg,
		 size_t msg_size)
{
	size_t pos = 0, lineno = 0;
	char name[64];
	uint64_t value;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (!parse_kv_line(text + pos, n, name, &value)) {
			snprintf(msg, msg_size, "line %zu of the counters is not 'name number'",
				 lineno);
			return -EINVAL;
		}
		fn(ctx, name, value);
		pos += n + (nl ? 1 : 0);
	}
	return 0;
}
