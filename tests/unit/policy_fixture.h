/*
 * policy_fixture.h — the autorisatiematrix of deploy/policy loaded once per
 * cmocka group (setup/teardown), for the tests that decide with it.
 * Included by one test file each; the tests run from the checkout's root.
 */
#ifndef ZS_TEST_POLICY_FIXTURE_H
#define ZS_TEST_POLICY_FIXTURE_H

#include <stdio.h>

#include "access/policy.h"

#define MATRIX "deploy/policy/autorisatiematrix.json"

static struct policy *pol;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	pol = policy_load(MATRIX, err, sizeof(err));
	if (!pol)
		fprintf(stderr, "cannot load %s: %s\n", MATRIX, err);
	return pol ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	policy_free(pol);
	return 0;
}

#endif
