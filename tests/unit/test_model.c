/* SPDX-License-Identifier: MIT */
/*
 * The profile model (src/profile/model.c): from counts and a calibration
 * to a predicted slowdown, with hand-computed expectations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "profile/calib.h"
#include "profile/model.h"

#define C(m, l, h) ((struct cost){ (m), (l), (h) })

/* native 100 ns per call, cvisor 3,100 (spread 2,100..4,100) in every class */
static void flat_calibration(struct calibration *c)
{
	memset(c, 0, sizeof(*c));
	c->have[RT_NATIVE] = c->have[RT_CVISOR] = true;
	for (int k = 0; k < SC_CLASSES; k++) {
		c->sc[RT_NATIVE][k] = C(100, 100, 100);
		c->sc[RT_CVISOR][k] = C(3100, 2100, 4100);
	}
	memcpy(c->crowd, c->sc, sizeof(c->crowd));
}

static void test_one_second_of_calls(void **state)
{
	struct calibration c;
	struct workload w = { .wall_s = 10, .cpu_s = 10 };
	struct prediction p;

	(void)state;
	flat_calibration(&c);
	w.sc[SC_TRIVIAL] = 1e6;                 /* 1e6 calls x 3 us = 3 s over 10 s */
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.slowdown, 1.3, 1e-9);
	assert_float_equal(p.lo, 1.2, 1e-9);    /* 2 us each */
	assert_float_equal(p.hi, 1.4, 1e-9);    /* 4 us each */
	assert_float_equal(p.add_sc, 3.0, 1e-9);
	assert_float_equal(p.parallelism, 1, 1e-12);
}

static void test_profilers_own_cost_is_taken_out(void **state)
{
	struct calibration c;
	struct workload w = { .wall_s = 1, .cpu_s = 1 };
	struct prediction p;

	(void)state;
	flat_calibration(&c);
	c.trace = C(100, 90, 110);              /* 1e6 calls: 0.1 s of the 1 s */
	w.sc[SC_TRIVIAL] = 1e6;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.slowdown, 1 + 3.0 / 0.9, 1e-9);
	/* never more than half the run, whatever the table says */
	c.trace = C(1e6, 1e6, 1e6);
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.slowdown, 1 + 3.0 / 0.5, 1e-9);
}

static void test_parallel_workload_spreads_the_cost(void **state)
{
	struct calibration c;
	struct workload w = { .wall_s = 10, .cpu_s = 20 };   /* two busy CPUs */
	struct prediction p;

	(void)state;
	flat_calibration(&c);
	w.sc[SC_RW] = 1e6;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.parallelism, 2, 1e-12);
	assert_float_equal(p.slowdown, 1.15, 1e-9);
}

static void test_classes_and_events_add_up(void **state)
{
	struct calibration c;
	struct workload w = { .wall_s = 1, .cpu_s = 0.5 };  /* idle half the time: P = 1 */
	struct prediction p;

	(void)state;
	flat_calibration(&c);
	c.sc[RT_CVISOR][SC_FORK] = C(1e6, 1e6, 1e6);         /* 1 ms fork */
	c.ev[RT_NATIVE][EVT_CTXSW] = C(1000, 1000, 1000);
	c.ev[RT_CVISOR][EVT_CTXSW] = C(11000, 11000, 11000);  /* +10 us */
	c.ev[RT_NATIVE][EVT_FAULT] = C(1000, 1000, 1000);
	c.ev[RT_CVISOR][EVT_FAULT] = C(500, 500, 500);        /* cheaper: no credit */
	w.sc[SC_FORK] = 100;                     /* 0.1 s */
	w.ctxsw_vol = 1e4;                       /* 0.1 s */
	w.faults = 1e5;                          /* 0 */
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_sc, 100 * (1e6 - 100) * 1e-9, 1e-12);
	assert_float_equal(p.add_ctxsw, 0.1, 1e-12);
	assert_float_equal(p.add_fault, 0, 1e-12);
	assert_float_equal(p.slowdown, 1 + p.add_sc + 0.1, 1e-9);
}

static void test_working_set_interpolation(void **state)
{
	struct calibration c;
	struct workload w = { .wall_s = 1, .cpu_s = 1 };
	struct prediction p;

	(void)state;
	flat_calibration(&c);
	c.nwss = 3;
	c.wss_bytes[0] = 1 << 20, c.wss_bytes[1] = 10 << 20, c.wss_bytes[2] = 100 << 20;
	c.wss_extra[RT_CVISOR][0] = C(0, 0, 0);
	c.wss_extra[RT_CVISOR][1] = C(1000, 500, 1500);
	c.wss_extra[RT_CVISOR][2] = C(3000, 2000, 4000);
	/* below, at and beyond the ends; geometric midpoint of 10 and 100 MB */
	assert_float_equal(wss_extra_at(&c, RT_CVISOR, 4096, 0), 0, 1e-9);
	assert_float_equal(wss_extra_at(&c, RT_CVISOR, 10 << 20, 0), 1000, 1e-9);
	assert_float_equal(wss_extra_at(&c, RT_CVISOR, 1e12, 1), 4000, 1e-9);
	assert_float_equal(wss_extra_at(&c, RT_CVISOR, sqrt(10.0 * 100) * (1 << 20), 0), 2000,
			   1e-6);
	assert_float_equal(wss_extra_at(&c, RT_CVISOR, 0, 0), 0, 1e-9);      /* unknown */
	/* a point the calibration could not tell from noise counts as 0,
	 * but for the range's high end */
	c.wss_extra[RT_CVISOR][1] = C(1000, -200, 1500);
	assert_float_equal(wss_extra_at(&c, RT_CVISOR, 10 << 20, 0), 0, 1e-9);
	assert_float_equal(wss_extra_at(&c, RT_CVISOR, 10 << 20, 1), 1500, 1e-9);
	c.wss_extra[RT_CVISOR][1] = C(1000, 500, 1500);
	w.sc[SC_TRIVIAL] = 1e5;
	w.wss_bytes = 100 << 20;                 /* 1e5 x 3 us: +0.3 s */
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_wss, 0.3, 1e-9);
	assert_float_equal(p.slowdown, 1 + 0.3 + 0.3, 1e-9);
	/* calls ten times closer than the calibration's leave a tenth of the
	 * work between them to refill: 1e6 x 3 us x 0.1 */
	w.sc[SC_TRIVIAL] = 1e6;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_wss, 0.3, 1e-9);
	w.pace_share[pace_bin_of(1e6)] = 1;     /* the same, by the histogram */
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_wss, 0.3, 1e-9);
	w.pace_share[pace_bin_of(1e6)] = 0;
	w.pace_share[pace_bin_of(1e3)] = 1;     /* far apart: all of it */
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_wss, 3.0, 1e-9);
}

static void test_pace_of_calls(void **state)
{
	struct calibration c;
	struct workload w = { .wall_s = 1, .cpu_s = 1 };
	struct prediction p;

	(void)state;
	flat_calibration(&c);
	c.npace = 2;
	c.pace_rate[0] = 1e3, c.pace_rate[1] = 1e5;
	c.pace_extra[RT_CVISOR][0] = C(40000, 30000, 50000);   /* waking the sentry */
	c.pace_extra[RT_CVISOR][1] = C(3000, 2000, 4000);
	assert_float_equal(pace_extra_at(&c, RT_CVISOR, 1e4, 0), 21500, 1e-6);
	/* 1,000 trivial calls in a second: 40 us each */
	w.sc[SC_TRIVIAL] = 1000;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.slowdown, 1.04, 1e-9);
	/* a class dearer than a trivial call adds its difference */
	c.sc[RT_CVISOR][SC_STAT] = C(5100, 5100, 5100);
	w.sc[SC_TRIVIAL] = 0;
	w.sc[SC_STAT] = 1e5;                    /* 1e5 x (3 us + 2 us) */
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.slowdown, 1.5, 1e-9);
	/* a call that blocked is not priced by the pace table any more */
	w.ctxsw_vol = 1000;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_ctxsw, 0, 1e-12);
	w.ctxsw_vol = 0;
	/* the same calls spread over two CPUs: half the pace each */
	w.cpu_s = 2;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.slowdown, 1 + (1e5 * (pace_extra_at(&c, RT_CVISOR, 5e4, 0) + 2000) * 1e-9) / 2,
			   1e-9);
	/* the table's level is not the class loops': only its slope counts,
	 * over the trivial loop's cost (3 us) */
	c.pace_extra[RT_CVISOR][0] = C(41000, 31000, 51000);
	c.pace_extra[RT_CVISOR][1] = C(4000, 3000, 5000);
	w.cpu_s = 1;
	w.sc[SC_STAT] = 0;
	w.sc[SC_TRIVIAL] = 1e5;                 /* at 100k/s: 3 us, not 4 */
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_sc, 0.3, 1e-9);
	w.sc[SC_TRIVIAL] = 1000;                /* at 1k/s: 3 + 37 us */
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_sc, 1000 * 40000e-9, 1e-12);
}

/*
 * A workload with more threads than half the CPUs: nobody spins in the
 * sandbox, and its calls cost the no-spin price for the share of the run
 * it was crowded, never less than their pace price.
 */
static void test_crowded_calls_cost_a_wake_up(void **state)
{
	struct calibration c;
	struct workload w = { .wall_s = 10, .cpu_s = 10 };
	struct prediction p;

	(void)state;
	flat_calibration(&c);
	c.crowd[RT_CVISOR][SC_TRIVIAL] = C(16100, 15100, 17100);  /* +16 us */
	w.sc[SC_TRIVIAL] = 1e6;
	w.crowded = 0.5;        /* half the calls at +3 us, half at +16 us */
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.slowdown, 1 + (0.5 * 3.0 + 0.5 * 16.0) / 10, 1e-9);
	assert_float_equal(p.lo, 1 + (0.5 * 2.0 + 0.5 * 15.0) / 10, 1e-9);
	w.crowded = 1;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.slowdown, 1 + 16.0 / 10, 1e-9);
	/* a blocked call, crowded, is a switch between tasks: +10 us */
	c.ev[RT_NATIVE][EVT_CTXSW] = C(1000, 1000, 1000);
	c.ev[RT_CVISOR][EVT_CTXSW] = C(11000, 11000, 11000);
	w.ctxsw_vol = 1e5;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_ctxsw, 1.0, 1e-9);     /* 1e5 x 10 us */
	w.ctxsw_vol = 0;
	/* a no-spin price below the pace price does not make calls cheaper */
	c.crowd[RT_CVISOR][SC_TRIVIAL] = C(1100, 1100, 1100);
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.slowdown, 1.3, 1e-9);
}

/*
 * A crowded call of a class pays the crowded trivial price (the hand-off)
 * plus the class's extra over a trivial call, as uncrowded; fork and exec
 * are charged their own crowded loops.
 */
static void test_crowded_price_is_per_class(void **state)
{
	struct calibration c;
	struct workload w = { .wall_s = 10, .cpu_s = 10 };
	struct prediction p;

	(void)state;
	flat_calibration(&c);
	c.sc[RT_CVISOR][SC_RW] = C(8100, 8100, 8100);           /* +5 us over trivial */
	c.crowd[RT_CVISOR][SC_TRIVIAL] = C(6100, 6100, 6100);   /* +6 us crowded */
	c.crowd[RT_CVISOR][SC_RW] = C(20100, 20100, 20100);     /* not used */
	w.sc[SC_RW] = 1e5;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_sc, 1e5 * 8000e-9, 1e-9);     /* 5 over trivial + 3 */
	w.crowded = 1;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_sc, 1e5 * 11000e-9, 1e-9);    /* 6 + 5 */
	w.crowded = 0.25;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_sc, 1e5 * (0.75 * 8000 + 0.25 * 11000) * 1e-9, 1e-9);
	/* fork: its own crowded loop */
	w.sc[SC_RW] = 0;
	w.sc[SC_FORK] = 1000;
	c.sc[RT_NATIVE][SC_FORK] = C(100000, 100000, 100000);
	c.sc[RT_CVISOR][SC_FORK] = C(600000, 600000, 600000);
	c.crowd[RT_CVISOR][SC_FORK] = C(400000, 400000, 400000);
	w.crowded = 1;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_sc, 1000 * 300000e-9, 1e-9);
}

static void test_missing_runtime_or_empty_workload(void **state)
{
	struct calibration c;
	struct workload w = { .wall_s = 0 };
	struct prediction p;

	(void)state;
	flat_calibration(&c);
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), -1);
	w.wall_s = 1;
	assert_int_equal(model_predict(&c, RT_RUNSC, &w, &p), -1);
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.slowdown, 1, 1e-12);   /* no calls: no cost */
}

static void test_derived_costs(void **state)
{
	struct cost exec, cs;
	struct cost fe = C(3e6, 2.8e6, 3.2e6), fork = C(1e6, 0.9e6, 1.1e6);
	struct cost half = C(9000, 8000, 10000), pipe = C(2000, 1900, 2100);

	(void)state;
	cost_exec(&exec, &fe, &fork);
	assert_float_equal(exec.med, 2e6, 1e-6);
	assert_float_equal(exec.lo, 1.8e6, 1e-6);
	/* less its target's 12 start-up calls at 15 us (14-16) each */
	cost_less_calls(&exec, 12, &C(15000, 14000, 16000));
	assert_float_equal(exec.med, 2e6 - 180000, 1e-6);
	assert_float_equal(exec.lo, 1.8e6 - 192000, 1e-6);
	cost_less_calls(&exec, 1e6, &C(15000, 14000, 16000));
	assert_float_equal(exec.med, 0, 1e-12);         /* never below 0 */
	cost_ctxsw(&cs, &half, &pipe);
	assert_float_equal(cs.med, 5000, 1e-9);   /* 9000 - 2 x 2000 */
	assert_float_equal(cs.lo, 4000, 1e-9);
	assert_float_equal(cost_delta(&C(50, 40, 60), &C(100, 90, 110), 0), 0, 1e-12);
}

static void test_syscall_classes(void **state)
{
	(void)state;
	assert_int_equal(sc_class_of(SYS_getppid), SC_TRIVIAL);
	assert_int_equal(sc_class_of(SYS_openat), SC_OPEN);
	assert_int_equal(sc_class_of(SYS_newfstatat), SC_STAT);
	assert_int_equal(sc_class_of(SYS_pread64), SC_RW);
	assert_int_equal(sc_class_of(SYS_clone), SC_FORK);
	assert_int_equal(sc_class_of(SYS_execve), SC_EXEC);
	assert_int_equal(sc_class_of(SYS_epoll_wait), SC_POLL);
	assert_int_equal(sc_class_of(SYS_munmap), SC_MMAP);
	assert_int_equal(sc_class_of(SYS_futex), SC_FUTEX);
	assert_int_equal(sc_class_of(999), SC_TRIVIAL);
	assert_int_equal(sc_class_by_name("exec"), SC_EXEC);
	assert_int_equal(sc_class_by_name("nope"), -1);
}

static void test_calibration_file_round_trip(void **state)
{
	struct calibration c, d;
	char path[] = "/tmp/cvisor-calib-XXXXXX", err[256];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	flat_calibration(&c);
	c.nwss = 1;
	c.wss_bytes[0] = 1 << 20;
	c.wss_extra[RT_CVISOR][0] = C(7, 6, 8);
	c.npace = 1;
	c.pace_rate[0] = 1000;
	c.pace_extra[RT_CVISOR][0] = C(40000, 30000, 50000);
	c.ev[RT_CVISOR][EVT_FAULT] = C(2500, 2400, 2600);
	c.crowd[RT_CVISOR][SC_MMAP] = C(16000, 15000, 17000);
	snprintf(c.created, sizeof(c.created), "2026-11-29T00:00:00Z");
	assert_int_equal(calib_save(&c, path), 0);
	assert_int_equal(calib_load(&d, path, err, sizeof(err)), 0);
	assert_true(d.have[RT_CVISOR] && !d.have[RT_RUNSC]);
	assert_float_equal(d.sc[RT_CVISOR][SC_MMAP].hi, 4100, 1e-9);
	assert_float_equal(d.ev[RT_CVISOR][EVT_FAULT].lo, 2400, 1e-9);
	assert_float_equal(d.crowd[RT_CVISOR][SC_MMAP].hi, 17000, 1e-9);
	assert_float_equal(d.crowd[RT_CVISOR][SC_RW].med, 3100, 1e-9);
	assert_float_equal(d.wss_extra[RT_CVISOR][0].med, 7, 1e-9);
	assert_int_equal(d.npace, 1);
	assert_float_equal(d.pace_extra[RT_CVISOR][0].lo, 30000, 1e-9);
	assert_string_equal(d.created, c.created);
	/* a broken file is an error that names it */
	FILE *f = fopen(path, "w");
	fputs("{\"syscall_ns\": 3", f);
	fclose(f);
	assert_int_equal(calib_load(&d, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	unlink(path);
}

/*
 * A file from before the no-spin table, with a trivial no-spin price
 * among its events: every class keeps its extra over a trivial call.
 */
static void test_older_calibration_file(void **state)
{
	struct calibration c, d;
	char path[] = "/tmp/cvisor-calib-XXXXXX", err[256];
	int fd = mkstemp(path);
	json_t *root;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	flat_calibration(&c);
	assert_int_equal(calib_save(&c, path), 0);
	root = json_load_file(path, 0, NULL);
	assert_non_null(root);
	json_object_del(root, "syscall_ns_crowded");
	json_object_set_new(json_object_get(json_object_get(root, "event_ns"), "cvisor"),
			    "nospin", json_pack("{s:f,s:f,s:f}", "med", 16100.0, "lo", 15100.0,
						"hi", 17100.0));
	assert_int_equal(json_dump_file(root, path, 0), 0);
	json_decref(root);
	assert_int_equal(calib_load(&d, path, err, sizeof(err)), 0);
	assert_float_equal(d.crowd[RT_CVISOR][SC_TRIVIAL].med, 16100, 1e-9);
	assert_float_equal(d.crowd[RT_CVISOR][SC_MMAP].lo, 15100, 1e-9);
	assert_float_equal(d.crowd[RT_NATIVE][SC_MMAP].med, 100, 1e-9);
	unlink(path);
}

/*
 * A call that blocked: alone, its caller is woken (the blocking loop's
 * extra less a trivial call's); crowded, it is a switch between two tasks
 * (the ping-pong's extra); a share of the run each.
 */
static void test_blocked_calls(void **state)
{
	struct calibration c;
	struct workload w = { .wall_s = 10, .cpu_s = 10, .ctxsw_vol = 1e5 };
	struct prediction p;

	(void)state;
	flat_calibration(&c);                   /* a trivial call +3 us (2-4) */
	c.ev[RT_NATIVE][EVT_BLOCK] = C(150000, 150000, 150000);
	c.ev[RT_CVISOR][EVT_BLOCK] = C(170000, 165000, 175000);
	c.ev[RT_NATIVE][EVT_CTXSW] = C(5000, 5000, 5000);
	c.ev[RT_CVISOR][EVT_CTXSW] = C(12000, 11000, 13000);
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_ctxsw, 1e5 * 17000e-9, 1e-9);         /* 20 - 3 us */
	assert_float_equal(p.lo, 1 + 1e5 * (15000 - 2000) * 1e-9 / 10, 1e-9);
	assert_float_equal(p.hi, 1 + 1e5 * (25000 - 4000) * 1e-9 / 10, 1e-9);
	w.crowded = 1;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_ctxsw, 1e5 * 7000e-9, 1e-9);
	w.crowded = 0.25;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_ctxsw, 1e5 * (0.75 * 17000 + 0.25 * 7000) * 1e-9, 1e-9);
	/* a block cheaper than a trivial call's extra adds nothing */
	c.ev[RT_CVISOR][EVT_BLOCK] = C(151000, 151000, 151000);
	w.crowded = 0;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_ctxsw, 0, 1e-12);
	/* a calibration without the blocking loop prices it as a switch */
	c.ev[RT_NATIVE][EVT_BLOCK] = C(0, 0, 0);
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_ctxsw, 1e5 * 7000e-9, 1e-9);
}

/* glibc's fstat is a class of its own, priced by its own loop. */
static void test_fstat_class(void **state)
{
	struct calibration c;
	struct workload w = { .wall_s = 1, .cpu_s = 1 };
	struct prediction p;

	(void)state;
	flat_calibration(&c);
	c.sc[RT_CVISOR][SC_FSTAT] = C(7100, 7100, 7100);        /* +7 us */
	w.sc[SC_FSTAT] = 1e5;
	assert_int_equal(model_predict(&c, RT_CVISOR, &w, &p), 0);
	assert_float_equal(p.add_sc, 1e5 * 7000e-9, 1e-9);
	assert_int_equal(sc_class_by_name("fstat"), SC_FSTAT);
	assert_string_equal(sc_class_name(SC_FSTAT), "fstat");
}

/*
 * A file from before the crowded loops, the fstat class and the blocking
 * loop: its no-spin table stands for the crowded one, fstat takes stat's
 * price, and a block is priced as a switch.
 */
static void test_file_before_crowded_loops(void **state)
{
	struct calibration c, d;
	char path[] = "/tmp/cvisor-calib-XXXXXX", err[256];
	int fd = mkstemp(path);
	json_t *root, *crowd;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	flat_calibration(&c);
	c.sc[RT_CVISOR][SC_STAT] = C(5100, 5000, 5200);
	c.crowd[RT_CVISOR][SC_TRIVIAL] = C(16100, 15100, 17100);
	c.ev[RT_NATIVE][EVT_BLOCK] = C(150000, 150000, 150000);
	c.stat_cached[RT_CVISOR] = C(900, 800, 1000);
	assert_int_equal(calib_save(&c, path), 0);
	assert_int_equal(calib_load(&d, path, err, sizeof(err)), 0);
	assert_float_equal(d.ev[RT_NATIVE][EVT_BLOCK].med, 150000, 1e-9);
	assert_float_equal(d.stat_cached[RT_CVISOR].lo, 800, 1e-9);
	root = json_load_file(path, 0, NULL);
	assert_non_null(root);
	crowd = json_object_get(root, "syscall_ns_crowded");
	json_incref(crowd);
	json_object_del(root, "syscall_ns_crowded");
	json_object_set_new(root, "syscall_ns_nospin", crowd);
	for (int rt = RT_NATIVE; rt <= RT_CVISOR; rt++) {
		json_object_del(json_object_get(json_object_get(root, "syscall_ns"), rt_name(rt)),
				"fstat");
		json_object_del(json_object_get(json_object_get(root, "event_ns"), rt_name(rt)),
				"block");
	}
	json_object_del(json_object_get(json_object_get(root, "syscall_ns_nospin"), "cvisor"),
			"fstat");
	assert_int_equal(json_dump_file(root, path, 0), 0);
	json_decref(root);
	assert_int_equal(calib_load(&d, path, err, sizeof(err)), 0);
	assert_float_equal(d.crowd[RT_CVISOR][SC_TRIVIAL].lo, 15100, 1e-9);
	assert_float_equal(d.sc[RT_CVISOR][SC_FSTAT].hi, 5200, 1e-9);
	assert_float_equal(d.crowd[RT_CVISOR][SC_FSTAT].med, 3100, 1e-9);
	assert_float_equal(d.ev[RT_NATIVE][EVT_BLOCK].med, 0, 1e-12);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_second_of_calls),
		cmocka_unit_test(test_profilers_own_cost_is_taken_out),
		cmocka_unit_test(test_parallel_workload_spreads_the_cost),
		cmocka_unit_test(test_classes_and_events_add_up),
		cmocka_unit_test(test_working_set_interpolation),
		cmocka_unit_test(test_pace_of_calls),
		cmocka_unit_test(test_crowded_calls_cost_a_wake_up),
		cmocka_unit_test(test_crowded_price_is_per_class),
		cmocka_unit_test(test_blocked_calls),
		cmocka_unit_test(test_fstat_class),
		cmocka_unit_test(test_file_before_crowded_loops),
		cmocka_unit_test(test_older_calibration_file),
		cmocka_unit_test(test_missing_runtime_or_empty_workload),
		cmocka_unit_test(test_derived_costs),
		cmocka_unit_test(test_syscall_classes),
		cmocka_unit_test(test_calibration_file_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
