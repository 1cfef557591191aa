/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_PROFILE_CALIB_H
#define CVISOR_PROFILE_CALIB_H

#include <stddef.h>

#include "profile/model.h"

void calib_default_path(char *buf, size_t len);
/* 0, or a negative errno */
int calib_save(const struct calibration *c, const char *path);
/* 0, or -1 with a one-line reason in err */
int calib_load(struct calibration *c, const char *path, char *err, size_t errlen);

#endif
