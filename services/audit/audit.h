/*
 * audit.h — zs-audit's work: every event on every topic becomes exactly one
 * AuditRegel, appended to the log and its Merkle tree in the batch's
 * transaction (with the offsets), and every batch ends with a signed tree
 * head; both go out in order on zaakstroom.audit through the outbox.
 */
#ifndef ZS_AUDIT_AUDIT_H
#define ZS_AUDIT_AUDIT_H

#include <openssl/evp.h>

#include "access/pseudoniem.h"
#include "bewaren.h"
#include "boomhoofd.h"
#include "core/metrics.h"
#include "merkle.h"
#include "regel.h"
#include "stream/copy.h"
#include "stream/projector.h"

struct audit {
	struct projector *p;
	struct bewaarprofiel bewaren[BEWAREN_MAX];
	int nbewaren;
	long wachtend_dagen; /* how long an act waits for its zaak's registration */
	const struct pseudoniem_sleutel *sleutel;
	EVP_PKEY *key;
	struct merkle_frontier boom;
	struct merkle_frontier voor_batch; /* restored when a batch rolls back */
	/* A batch's entries and Dataverwerkingen, written by COPY at its end
	 * (kopie points at regels then; a single entry is one INSERT). */
	struct copy_rows regels, verwerkingen, *kopie;
	struct metric *m_regels, *m_hoofden, *m_dubbel, *m_grootte, *m_verwerkingen, *m_opgegeven;
};

bool audit_prepare(struct pg *pg);
/* What regel.c and verwerking.c read of a consumed message. */
struct regel_bron audit_bron(const struct proj_msg *m);
int audit_apply(struct proj_batch *b, void *arg);
void audit_rolled_back(void *arg);
/* After projector_start: the committed tree. */
bool audit_laad(struct audit *a);

/*
 * Inside an open transaction: appends one AuditRegel (plain JSON without
 * volgnummer and bladHash; bron_sleutel says which source event it stands
 * for), emits it, and adds volgnummer and bladHash to regel.
 */
bool audit_toevoegen(struct audit *a, struct pg *pg, json_t *regel, const char *bron_sleutel,
                     const struct ce_attrs *cause);
/* Inside an open transaction: signs the tree as it now is, stores and
 * emits the head (nothing when the tree is empty). */
bool audit_teken(struct audit *a, struct pg *pg, const struct ce_attrs *cause);

/* Retention: removes the content of expired entries (a chunk per profile),
 * records each removal as an entry with a signed head. Timer callback. */
void audit_bewaren(struct audit *a);

#endif
