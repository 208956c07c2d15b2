/* cli/cmd_routes.c - `vigil routes`: the route table with each route's
 * permission action and the roles the permission table grants it, one
 * route a line (tab-separated).  Tests build the role x route matrix
 * from it; operators use it to review who can reach what. */
#include <stdio.h>

#include "core/perm.h"
#include "web/web.h"
#include "cli.h"

int
cmd_routes(struct cli *c, int argc, char *argv[])
{
	char roles[CORE_ROLES_FMTLEN];
	core_roles set;
	size_t i;
	int act, role;

	(void)c;
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: vigil routes\n");
		return 2;
	}
	printf("METHOD\tPATH\tACTION\tROLES\n");
	for (i = 0; i < web_nroutes; i++) {
		act = core_action_parse(web_routes[i].action);
		set = 0;
		for (role = 0; role < ROLE__MAX; role++)
			if (act >= 0 && core_perm_allows(CORE_ROLE_BIT(role),
			    act))
				set |= CORE_ROLE_BIT(role);
		core_roles_format(set, roles, sizeof(roles));
		printf("%s\t%s\t%s\t%s\n", web_routes[i].method,
		    web_routes[i].pattern, web_routes[i].action,
		    act >= 0 && core_action_is_public(act) ? "public" : roles);
	}
	return 0;
}
