/*
 * wall_db.h - what the NOC wall reads beyond the routers and their alerts.
 *
 * The wall draws a sparkline in every router's tile. Reading each router's
 * history on its own would be a query per tile on every refresh; this reads
 * the recent raw samples of a whole tenant in one query, already averaged
 * into a few steps per router, so the cost stays one indexed range scan
 * (router_sample_at) however many routers there are.
 *
 * Like every store module, it runs on the thread that owns the connection.
 */
#ifndef PB_STORE_WALL_DB_H
#define PB_STORE_WALL_DB_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* One step of one router: the average of its samples in the step. */
struct wall_rate {
    int64_t router_id;
    int step;       /* 0 for the step starting at since, 1 for the next, ... */
    int64_t rx_bps; /* average of the samples that measured a rate */
};

/*
 * The tenant's raw samples taken at since (seconds since the epoch) or
 * later that carry a download rate, averaged per router per step of step_s
 * seconds, by router id then step. Steps without such a sample are left
 * out. Caller frees *rows.
 */
pb_err wall_db_rates(struct store *st, int64_t tenant_id, int64_t since, int64_t step_s,
                     struct wall_rate **rows, int *n) PB_MUST_CHECK;

#endif
