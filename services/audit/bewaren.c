/*
 * bewaren.c — retention profiles (see bewaren.h).
 */
#include "bewaren.h"
#include "core/datum.h"

#include <stdio.h>
#include <string.h>

static bool
topic_ok(const char *t)
{
	if (!strcmp(t, "*"))
		return true;
	if (!*t)
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || *t == '-'))
			return false;
	return true;
}

int
bewaren_parse(const char *s, struct bewaarprofiel out[BEWAREN_MAX], char *err, size_t errlen)
{
	char buf[1024], *save = NULL;
	int n = 0;

	if (!s || !*s)
		return 0;
	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(p, '=');
		struct duur d;
		if (!eq) {
			snprintf(err, errlen, "\"%s\" is not topic=duration", p);
			return -1;
		}
		*eq = '\0';
		if (!topic_ok(p) || strlen(p) >= sizeof(out[0].topic)) {
			snprintf(err, errlen, "\"%s\" is not a topic suffix or *", p);
			return -1;
		}
		if (!duur_parse(eq + 1, &d) || duur_is_nul(d) ||
		    strlen(eq + 1) >= sizeof(out[0].termijn)) {
			snprintf(err, errlen, "\"%s\" is not a duration such as P1Y or P18M",
			         eq + 1);
			return -1;
		}
		for (int i = 0; i < n; i++)
			if (!strcmp(out[i].topic, p)) {
				snprintf(err, errlen, "\"%s\" twice", p);
				return -1;
			}
		if (n == BEWAREN_MAX) {
			snprintf(err, errlen, "more than %d profiles", BEWAREN_MAX);
			return -1;
		}
		snprintf(out[n].topic, sizeof(out[n].topic), "%s", p);
		snprintf(out[n].termijn, sizeof(out[n].termijn), "%s", eq + 1);
		n++;
	}
	return n;
}
