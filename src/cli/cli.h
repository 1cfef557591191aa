/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_CLI_H
#define CVISOR_CLI_H

#define CVISOR_VERSION "0.1.0"

int cmd_do(int argc, char **argv);

#endif
