/*
 * verwerkingsregister.h — the platform's own verwerkingsactiviteiten (AVG
 * art. 30), from their file (deploy/verwerkingsregister/platform.json): the
 * processing the platform does itself (Track & Trace, notificatie, inzage)
 * beside the one per zaaktype that the catalogus names. zs-audit checks the
 * register against what it sees; zs-inzage names these activities to a
 * person whose data went through them.
 */
#ifndef ZS_ZGW_VERWERKINGSREGISTER_H
#define ZS_ZGW_VERWERKINGSREGISTER_H

#include <jansson.h>
#include <stddef.h>

/* The file's entries ({id, naam, doel, grondslag, bewaartermijn,
 * categorieen, ontvangers, ...}, each with "bron": "platform"); a relative
 * path is under ZS_HOME. NULL with why in err when the file cannot be read
 * or an entry has no id. */
json_t *verwerkingsregister_laad(const char *path, char *err, size_t errlen);

#endif
