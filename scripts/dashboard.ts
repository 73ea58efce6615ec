#!/usr/bin/env node
/**
 * `dashboard --queue redis://HOST:PORT [--port P] [--host H] [--name Q]...`: bull-board's live view
 * of the BullMQ queues on one Redis, on loopback by default. Options: `--help`.
 *
 * Exit codes: 0 after SIGINT/SIGTERM, 2 bad input (URL, unreachable Redis, port), 1 anything else.
 */
import { runDashboardCli } from '../src/queue/dashboardCli';

runDashboardCli();
